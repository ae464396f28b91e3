// Insights: rates and averages against the previous period, the 7-day keep chance, weekday and hour charts.
import { useState } from "preact/hooks";
import { Chart } from "../charts";
import { api, ok, type Schemas } from "../api/client";
import { formatDate, formatDuration, formatNumber, formatPercent, t, weekdayName, weekdays } from "../i18n";
import { Figure, Page, Show, useLoad } from "../ui";

const PERIODS = [4, 12, 26, 52] as const;

function InsightsView({ data }: { data: Schemas["InsightsOut"] }) {
  const days = weekdays.map((d) => weekdayName(d, "short"));
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0"));
  const chance = data.prediction.keep_streak_7_days;
  const weakest = data.prediction.weakest_weekday;
  return (
    <>
      <p class="meta">{t("insights.range", { from: formatDate(data.from), to: formatDate(data.to) })}</p>
      <div class="cards">
        <Figure
          label={t("insights.qualifiedRate")}
          value={formatPercent(data.qualified_rate)}
          sub={t("insights.previous", { value: formatPercent(data.previous_period.qualified_rate) })}
          testId="qualified-rate"
        />
        <Figure
          label={t("insights.averagePerDay")}
          value={formatDuration(data.average_seconds_per_day)}
          sub={t("insights.previous", { value: formatDuration(data.previous_period.average_seconds_per_day) })}
        />
        <Figure
          label={t("insights.activeDays")}
          value={`${formatNumber(data.active_days)} / ${formatNumber(data.days)}`}
          sub={`${t("insights.perActiveDay")}: ${formatDuration(data.average_seconds_per_active_day)}`}
        />
        <Figure
          label={t("insights.keepChance")}
          value={formatPercent(chance)}
          sub={weakest ? t("insights.weakest", { day: weekdayName(weakest) }) : undefined}
          testId="keep-chance"
        />
        <Figure
          label={t("insights.bestWeekday")}
          value={data.best_weekday ? weekdayName(data.best_weekday) : t("common.none")}
          sub={`${t("insights.sessionsPerActiveDay")}: ${formatNumber(Math.round(data.average_sessions_per_active_day * 10) / 10)}`}
        />
      </div>
      <Chart
        title={t("insights.weekdayChart")}
        column={t("insights.weekday")}
        labels={days}
        values={weekdays.map((d) => data.weekday_rates[d] ?? 0)}
        format={formatPercent}
      />
      <Chart
        title={t("insights.hourChart")}
        column={t("insights.hour")}
        labels={hours}
        values={data.hour_seconds.map((s) => Math.round(s / 60))}
        format={(m) => t("common.minutes", { n: m })}
      />
    </>
  );
}

export default function Insights() {
  const [weeks, setWeeks] = useState<number>(12);
  const insights = useLoad(() => ok(api.GET("/v1/me/insights", { params: { query: { weeks } } })), [weeks]);
  return (
    <Page title="insights.title">
      <label>
        {t("insights.weeks")}
        <select
          value={String(weeks)}
          onChange={(e) => {
            setWeeks(Number(e.currentTarget.value));
          }}
        >
          {PERIODS.map((n) => (
            <option key={n} value={String(n)}>
              {t("insights.weeksOption", { n })}
            </option>
          ))}
        </select>
      </label>
      <Show loaded={insights}>{(data) => <InsightsView data={data} />}</Show>
    </Page>
  );
}
