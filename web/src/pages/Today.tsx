// Today: the streak, today's focus against the threshold, what is at stake tonight, a recovery's countdown.
import { api, ok, type Schemas } from "../api/client";
import { formatDate, formatDuration, formatInstant, formatNumber, t, tn } from "../i18n";
import { Figure, Page, Progress, Show, useInterval, useLoad, useNow } from "../ui";

function Countdown({ deadline }: { deadline: string }) {
  const now = useNow();
  const left = Math.max(0, Math.floor((Date.parse(deadline) - now) / 1000));
  const d = Math.floor(left / 86_400);
  const h = Math.floor((left % 86_400) / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  // Read out once a minute at most: the visible seconds would flood a screen reader.
  return (
    <p class="countdown" data-testid="recovery-countdown">
      {t("today.recoveryLeft", { left: t("today.countdown", { d, h, m, s }) })}
    </p>
  );
}

function Recovery({ streak, recovery }: { streak: Schemas["StreakOut"]; recovery: Schemas["RecoveryOut"] }) {
  const left = Math.max(0, recovery.seconds_needed - recovery.seconds);
  return (
    <section class="banner info" aria-labelledby="recovery-title">
      <h2 id="recovery-title">{t("today.recoveryTitle")}</h2>
      <p>
        {t("today.recovery", {
          day: formatDate(recovery.day),
          left: formatDuration(left),
          deadline: formatInstant(recovery.deadline, streak.timezone),
        })}
      </p>
      <Progress value={recovery.seconds} max={recovery.seconds_needed} label={t("today.recoveryTitle")} />
      <Countdown deadline={recovery.deadline} />
    </section>
  );
}

function TodayView({ streak }: { streak: Schemas["StreakOut"] }) {
  const { today } = streak;
  const needed = today.seconds + today.seconds_to_qualify;
  return (
    <>
      <div class="cards">
        <div class="card hero">
          <p class="label">{t("today.current")}</p>
          <p class="figure" data-testid="current-streak" data-value={streak.current_streak}>
            {formatNumber(streak.current_streak)}
          </p>
          <p class="sub">{tn("today.days", streak.current_streak)}</p>
        </div>
        <Figure label={t("today.longest")} value={tn("today.days", streak.longest_streak)} testId="longest-streak" />
        <Figure label={t("today.qualifiedDays")} value={formatNumber(streak.qualified_days)} />
        <Figure label={t("today.freezes")} value={formatNumber(streak.freezes_available)} testId="freezes" />
        <Figure
          label={t("today.level")}
          value={formatNumber(streak.level)}
          sub={
            streak.xp_to_next_level === null
              ? `${formatNumber(streak.xp)} ${t("today.xp")}`
              : `${formatNumber(streak.xp)} ${t("today.xp")} · ${t("today.xpToNext", { n: streak.xp_to_next_level })}`
          }
        />
      </div>
      <section aria-labelledby="focus-today">
        <h2 id="focus-today">
          {t("today.focusToday")} · {formatDate(today.date)}
        </h2>
        <Progress value={Math.floor(today.seconds / 60)} max={Math.ceil(needed / 60)} label={t("today.focusToday")} />
        <p data-testid="today-status">
          {t("today.ofThreshold", { done: formatDuration(today.seconds), needed: formatDuration(needed) })} —{" "}
          {today.qualified ? t("today.qualified") : t("today.toGo", { left: formatDuration(today.seconds_to_qualify) })}
        </p>
      </section>
      {streak.paused_today && <p class="banner ok">{t("today.paused")}</p>}
      {streak.at_risk && !streak.paused_today && (
        <p class="banner warn" data-testid="at-risk">
          {t("today.atRisk")}
        </p>
      )}
      {streak.recovery && <Recovery streak={streak} recovery={streak.recovery} />}
      <p class="meta">
        {t("today.recoveriesUsed", { n: streak.recoveries_used })}
        {streak.next_recovery_on && ` · ${t("today.nextRecovery", { date: formatDate(streak.next_recovery_on) })}`}
      </p>
    </>
  );
}

export default function Today() {
  const streak = useLoad(() => ok(api.GET("/v1/me/streak")), []);
  useInterval(streak.reload, 60_000); // a session from the phone shows up within a minute
  return (
    <Page title="today.title">
      <Show loaded={streak}>{(data) => <TodayView streak={data} />}</Show>
    </Page>
  );
}
