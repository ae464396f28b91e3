// Analytics (the admin claim): the product team's daily figures over the last 30 UTC days, the notification
// table per kind and channel, and the reactivation experiment's two groups with the lift of the messages.
import { api, ok, type Schemas } from "../api/client";
import { Chart } from "../charts";
import { formatDuration, formatNumber, formatPercent, t } from "../i18n";
import { Figure, Page, Show, useLoad } from "../ui";

const DAYS = 30;

function range(): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to.getTime() - (DAYS - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

type Day = Schemas["DayFiguresOut"];
const CHANNELS = ["push", "email"] as const;

function Notifications({ days }: { days: Day[] }) {
  const kinds = Object.keys(days[0]?.notifications ?? {});
  const total = (kind: string, channel: (typeof CHANNELS)[number], what: "sent" | "failed" | "skipped") =>
    days.reduce((sum, d) => sum + (d.notifications[kind]?.by_channel[channel]?.[what] ?? 0), 0);
  const told = kinds.filter((k) => CHANNELS.some((c) => total(k, c, "sent") + total(k, c, "failed") + total(k, c, "skipped") > 0));
  return (
    <section aria-labelledby="notifications-title">
      <h2 id="notifications-title">{t("analytics.notifications")}</h2>
      {told.length === 0 ? (
        <p class="empty">{t("analytics.noNotifications")}</p>
      ) : (
        <table data-testid="notification-table">
          <thead>
            <tr>
              <th scope="col">{t("analytics.kind")}</th>
              {CHANNELS.map((c) => (
                <th scope="col" class="num" key={c}>
                  {t(`analytics.channel.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {told.map((kind) => (
              <tr key={kind}>
                <th scope="row">{kind}</th>
                {CHANNELS.map((c) => (
                  <td class="num" key={c}>
                    {t("analytics.tally", {
                      sent: total(kind, c, "sent"),
                      failed: total(kind, c, "failed"),
                      skipped: total(kind, c, "skipped"),
                    })}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Reactivation({ data }: { data: Schemas["ReactivationOut"] }) {
  const rate = (r: number | null) => (r === null ? "—" : formatPercent(r));
  return (
    <section aria-labelledby="reactivation-title">
      <h2 id="reactivation-title">{t("analytics.reactivation")}</h2>
      <table data-testid="reactivation-table">
        <thead>
          <tr>
            <th scope="col">{t("analytics.group")}</th>
            <th scope="col" class="num">{t("analytics.users")}</th>
            <th scope="col" class="num">{t("analytics.returned")}</th>
            <th scope="col" class="num">{t("analytics.rate")}</th>
          </tr>
        </thead>
        <tbody>
          {(["treatment", "holdout"] as const).map((g) => (
            <tr key={g}>
              <th scope="row">{t(`analytics.${g}`)}</th>
              <td class="num">{formatNumber(data.groups[g].users)}</td>
              <td class="num">{formatNumber(data.groups[g].returned)}</td>
              <td class="num">{rate(data.groups[g].rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="lift">
        {t("analytics.lift")}: {data.lift === null ? "—" : `${data.lift >= 0 ? "+" : ""}${formatPercent(data.lift)}`}
      </p>
    </section>
  );
}

export default function Analytics() {
  const span = range();
  const figures = useLoad(() => ok(api.GET("/v1/admin/analytics", { params: { query: span } })), []);
  const groups = useLoad(() => ok(api.GET("/v1/admin/analytics/reactivation", { params: { query: span } })), []);
  return (
    <Page title="analytics.title">
      <p class="meta">{t("analytics.range", { from: span.from, to: span.to })}</p>
      <Show loaded={figures}>
        {(data) => {
          const labels = data.days.map((d) => d.date.slice(5));
          const sum = (pick: (d: Day) => number) => data.days.reduce((s, d) => s + pick(d), 0);
          return (
            <>
              <div class="cards">
                <Figure label={t("analytics.sessions")} value={formatNumber(sum((d) => d.sessions))} />
                <Figure label={t("analytics.focus")} value={formatDuration(sum((d) => d.focus_seconds))} />
                <Figure label={t("analytics.started")} value={formatNumber(sum((d) => d.streaks_started))} />
                <Figure label={t("analytics.broken")} value={formatNumber(sum((d) => d.streaks_broken))} />
                <Figure label={t("analytics.shareOpens")} value={formatNumber(sum((d) => d.share_opens))} />
              </div>
              <Chart
                title={t("analytics.activeUsers")}
                column={t("analytics.date")}
                labels={labels}
                values={data.days.map((d) => d.active_users)}
                format={formatNumber}
              />
              <Chart
                title={t("analytics.qualifyingUsers")}
                column={t("analytics.date")}
                labels={labels}
                values={data.days.map((d) => d.qualifying_users)}
                format={formatNumber}
              />
              <Notifications days={data.days} />
            </>
          );
        }}
      </Show>
      <Show loaded={groups}>{(data) => <Reactivation data={data} />}</Show>
    </Page>
  );
}
