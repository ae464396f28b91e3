// Calendar dates (YYYY-MM-DD) as plain values: arithmetic in UTC, so no zone or DST can shift a day.

export function parseDate(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

export function formatIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatIso(parseDate(date) + days * 86_400_000);
}

/** 0 for Monday … 6 for Sunday (ISO weeks, as the API's weekdays). */
export function isoWeekday(date: string): number {
  return (new Date(parseDate(date)).getUTCDay() + 6) % 7;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to) - parseDate(from)) / 86_400_000);
}

/** The Monday starting the week `weeks - 1` weeks before the one holding `today`: a heatmap's first day. */
export function heatmapStart(today: string, weeks: number): string {
  return addDays(today, -isoWeekday(today) - 7 * (weeks - 1));
}

/** [from, to] ranges of at most `longest` days covering from..to (the calendar route takes 366 at most). */
export function chunks(from: string, to: string, longest: number): [string, string][] {
  const out: [string, string][] = [];
  for (let start = from; start <= to; start = addDays(start, longest)) {
    const end = addDays(start, longest - 1);
    out.push([start, end < to ? end : to]);
  }
  return out;
}
