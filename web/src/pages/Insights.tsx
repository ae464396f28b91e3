// Insights: rates and averages against the previous period, the 7-day keep chance, weekday and hour charts.
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, ok, type Schemas } from "../api/client";
import { formatDate, formatDuration, formatNumber, formatPercent, t, weekdayName, weekdays } from "../i18n";
import { Figure, Page, Show, useLoad } from "../ui";

const PERIODS = [4, 12, 26, 52] as const;

/** A bar chart drawn by uPlot; hidden from assistive technology, which reads the table beside it. */
function Bars({ labels, values, format }: { labels: string[]; values: number[]; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = box.current;
    if (!host) return;
    const xs = labels.map((_, i) => i);
    const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
    const chart = new uPlot(
      {
        width: Math.max(280, host.clientWidth),
        height: 220,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
        axes: [
          { values: (_u, ticks) => ticks.map((i) => labels[i] ?? ""), stroke: "#1b1f23", grid: { show: false } },
          { values: (_u, ticks) => ticks.map(format), stroke: "#1b1f23", size: 64 },
        ],
        series: [{}, { fill: "#2f8f5b", stroke: "#1d6b45", ...(bars ? { paths: bars } : {}), points: { show: false } }],
      },
      [xs, values],
      host,
    );
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(280, host.clientWidth), height: 220 });
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [labels.join("|"), values.join("|")]);
  return <div class="chart" ref={box} aria-hidden="true" />;
}

function Chart({
  title,
  column,
  labels,
  values,
  format,
}: {
  title: string;
  column: string;
  labels: string[];
  values: number[];
  format: (v: number) => string;
}) {
  return (
    <figure>
      <figcaption>
        <h2>{title}</h2>
      </figcaption>
      <Bars labels={labels} values={values} format={format} />
      <details>
        <summary>{t("insights.asTable")}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{column}</th>
              <th scope="col" class="num">
                {title}
              </th>
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td class="num">{format(values[i] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

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
