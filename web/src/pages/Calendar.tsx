// The 53-week heatmap; choosing a day explains it: its sessions, the merged focus time, why it counted.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { addDays, chunks, daysBetween, heatmapStart } from "../dates";
import { formatDate, formatDuration, formatInstant, formatTime, t } from "../i18n";
import { Empty, Page, Show, useLoad, Table } from "../ui";
import { useHashParam } from "../router";

const WEEKS = 53;
const LONGEST_RANGE = 366; // the calendar route's own bound

type Day = Schemas["DayOut"];

function level(day: Day | undefined): string {
  if (!day) return "";
  if (day.frozen) return "frozen";
  if (day.paused) return "paused";
  if (day.excused) return "excused";
  if (day.qualified || day.recovered) return day.seconds >= 2 * 3600 ? "l3" : "l2";
  return day.seconds > 0 ? "l1" : "";
}

async function loadYear(): Promise<{ today: string; timezone: string; days: Map<string, Day> }> {
  const streak = await ok(api.GET("/v1/me/streak"));
  const today = streak.today.date;
  const ranges = chunks(heatmapStart(today, WEEKS), today, LONGEST_RANGE);
  const pages = await Promise.all(
    ranges.map(([from, to]) => ok(api.GET("/v1/me/calendar", { params: { query: { from, to } } }))),
  );
  const days = new Map<string, Day>();
  for (const page of pages) for (const day of page.days) days.set(day.date, day);
  return { today, timezone: streak.timezone, days };
}

function why(day: Omit<Schemas["DayExplainedOut"], "intervals" | "sessions">): string {
  const needed = formatDuration(day.threshold_seconds);
  if (day.paused) return t("calendar.why.paused");
  if (day.excused) return t("calendar.why.excused");
  if (day.frozen) return t("calendar.why.frozen");
  if (day.recovered) return t("calendar.why.recovered");
  if (day.qualified) return t("calendar.why.qualified", { done: formatDuration(day.seconds), needed });
  return t("calendar.why.short", {
    done: formatDuration(day.seconds),
    left: formatDuration(Math.max(0, day.threshold_seconds - day.seconds)),
    needed,
  });
}

function DayDetail({ date, timezone }: { date: string; timezone: string }) {
  const day = useLoad(() => ok(api.GET("/v1/me/days/{date}", { params: { path: { date } } })), [date]);
  return (
    <section aria-labelledby="day-title" aria-live="polite" data-testid="day-detail">
      <h2 id="day-title">{formatDate(date)}</h2>
      <Show loaded={day}>
        {(d) => (
          <>
            <p data-testid="day-why">{why(d)}</p>
            <p class="meta" data-testid="day-bounds">
              {t("calendar.bounds", { start: formatInstant(d.starts_at, timezone), end: formatInstant(d.ends_at, timezone) })}
            </p>
            <h3>{t("calendar.sessions")}</h3>
            {d.sessions.length === 0 ? (
              <Empty>{t("calendar.noSessions")}</Empty>
            ) : (
              <Table
                head={
                  <>
                    <th scope="col">{t("calendar.start")}</th>
                    <th scope="col">{t("calendar.end")}</th>
                    <th scope="col" class="num">
                      {t("calendar.inDay")}
                    </th>
                  </>
                }
              >
                {d.sessions.map((s) => (
                  <tr key={s.id}>
                    <td>{formatTime(s.start, s.timezone)}</td>
                    <td>{formatTime(s.end, s.timezone)}</td>
                    <td class="num">{formatDuration(s.seconds_in_day)}</td>
                  </tr>
                ))}
              </Table>
            )}
            {d.intervals.length > 0 && (
              <>
                <h3>{t("calendar.intervals")}</h3>
                <ul>
                  {d.intervals.map(([from = "", to = ""]) => (
                    <li key={from}>
                      {formatTime(from, timezone)}–{formatTime(to, timezone)}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </Show>
    </section>
  );
}

function Heatmap({ today, days, timezone }: { today: string; days: Map<string, Day>; timezone: string }) {
  const first = heatmapStart(today, WEEKS);
  const count = daysBetween(first, today) + 1;
  const dates = Array.from({ length: count }, (_, i) => addDays(first, i));
  const shown = (v: string): v is string => dates.includes(v);
  const [chosen, setChosen] = useHashParam<string>("day", "", shown);
  const [focused, setFocused] = useState(chosen || today);
  const grid = useRef<HTMLDivElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    // On a narrow screen the grid scrolls: show its end, the recent weeks (again when the window changes).
    const toEnd = () => {
      const box = grid.current?.parentElement;
      if (box) box.scrollLeft = box.scrollWidth;
    };
    toEnd();
    addEventListener("resize", toEnd);
    return () => {
      removeEventListener("resize", toEnd);
    };
  }, []);

  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    grid.current?.querySelector<HTMLButtonElement>(`[data-date="${focused}"]`)?.focus();
  }, [focused]);

  function onKey(event: KeyboardEvent): void {
    // Rows are weekdays, columns weeks: up/down a day, left/right a week (as the grid is drawn).
    const step = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7, Home: -count, End: count }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    let next = addDays(focused, step);
    if (next < first) next = first;
    if (next > today) next = today;
    moved.current = true;
    setFocused(next);
  }

  return (
    <>
      <p id="calendar-hint" class="meta">
        {t("calendar.hint")}
      </p>
      <div class="scroll">
        <div class="heatmap" role="group" aria-label={t("calendar.grid")} aria-describedby="calendar-hint" ref={grid} onKeyDown={onKey}>
          {dates.map((date) => {
            const day = days.get(date);
            const label = t("calendar.cell", { date: formatDate(date), minutes: formatDuration(day?.seconds ?? 0) });
            return (
              <button
                key={date}
                type="button"
                class={level(day)}
                data-date={date}
                title={label}
                aria-label={label}
                aria-pressed={chosen === date}
                tabIndex={date === focused ? 0 : -1}
                onClick={() => {
                  setFocused(date);
                  setChosen(date);
                }}
              />
            );
          })}
        </div>
      </div>
      <ul class="legend" aria-label={t("calendar.legend")}>
        <li><span class="swatch" style={{ background: "var(--cell-0)" }} />{t("calendar.none")}</li>
        <li><span class="swatch" style={{ background: "var(--cell-1)" }} />{t("calendar.some")}</li>
        <li><span class="swatch" style={{ background: "var(--cell-2)" }} />{t("calendar.qualifiedLegend")}</li>
        <li><span class="swatch" style={{ background: "var(--frozen)" }} />{t("calendar.frozen")}</li>
        <li><span class="swatch" style={{ background: "var(--paused)" }} />{t("calendar.paused")}</li>
      </ul>
      {chosen && <DayDetail date={chosen} timezone={timezone} />}
    </>
  );
}

export default function Calendar() {
  const year = useLoad(loadYear, []);
  return (
    <Page title="calendar.title">
      <Show loaded={year}>{(data) => <Heatmap {...data} />}</Show>
    </Page>
  );
}
