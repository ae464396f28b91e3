// The leaderboard: everyone or friends × week, month or all time; the caller's row marked; jump to it; pages.
import { useState } from "preact/hooks";
import { api, ok } from "../api/client";
import { useHashParam } from "../router";
import { currentUid } from "../auth";
import type { Key } from "../i18n";
import { formatNumber, t } from "../i18n";
import { Empty, NextPage, Page, Show, useLoad, Table } from "../ui";

type Scope = "global" | "friends";
type Period = "week" | "month" | "all";
type Start = "top" | "me";
const isScope = (v: string): v is Scope => v === "global" || v === "friends";
const isPeriod = (v: string): v is Period => v === "week" || v === "month" || v === "all";

function Toggle<T extends string>({
  name,
  options,
  value,
  onChange,
}: {
  name: Key;
  options: readonly [T, Key][];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div class="toggles" role="group" aria-label={t(name)}>
      <span class="name" aria-hidden="true">
        {t(name)}
      </span>
      {options.map(([option, label]) => (
        <button
          key={option}
          type="button"
          aria-pressed={value === option}
          onClick={() => {
            onChange(option);
          }}
        >
          {t(label)}
        </button>
      ))}
    </div>
  );
}

export default function Leaderboard() {
  const [scope, setScope] = useHashParam<Scope>("scope", "global", isScope);
  const [period, setPeriod] = useHashParam<Period>("period", "week", isPeriod);
  const [start, setStart] = useState<Start>("top");
  // The cursors of the pages seen so far: "next page" pushes, a new board or "back to the top" clears.
  const [cursor, setCursor] = useState<string | null>(null);
  const me = currentUid();
  const board = useLoad(
    () =>
      ok(
        api.GET("/v1/leaderboard", {
          params: { query: { scope, period, start, limit: 25, ...(cursor ? { cursor } : {}) } },
        }),
      ),
    [scope, period, start, cursor],
  );
  const reset = (next: () => void) => {
    next();
    setStart("top");
    setCursor(null);
  };
  return (
    <Page title="leaderboard.title">
      <Toggle
        name="leaderboard.scope"
        options={[
          ["global", "leaderboard.global"],
          ["friends", "leaderboard.friends"],
        ]}
        value={scope}
        onChange={(v) => {
          reset(() => {
            setScope(v);
          });
        }}
      />
      <Toggle
        name="leaderboard.period"
        options={[
          ["week", "leaderboard.week"],
          ["month", "leaderboard.month"],
          ["all", "leaderboard.all"],
        ]}
        value={period}
        onChange={(v) => {
          reset(() => {
            setPeriod(v);
          });
        }}
      />
      <Show loaded={board}>
        {(data) => (
          <>
            <p data-testid="my-rank" data-rank={data.me.rank}>
              {t("leaderboard.me", { rank: data.me.rank, score: data.me.score })}
            </p>
            <div class="actions">
              <button
                type="button"
                class="quiet"
                onClick={() => {
                  setCursor(null);
                  setStart("me");
                }}
              >
                {t("leaderboard.jump")}
              </button>
              {(start === "me" || cursor) && (
                <button
                  type="button"
                  class="quiet"
                  onClick={() => {
                    setCursor(null);
                    setStart("top");
                  }}
                >
                  {t("leaderboard.top")}
                </button>
              )}
            </div>
            {start === "me" && !cursor && !data.entries.some((e) => e.user_id === me) && (
              <p class="banner info">{t("leaderboard.notShown")}</p>
            )}
            {data.entries.length === 0 ? (
              <Empty>{t("leaderboard.empty")}</Empty>
            ) : (
              <Table
                testId="board"
                head={
                  <>
                    <th scope="col" class="num">
                      {t("leaderboard.rank")}
                    </th>
                    <th scope="col">{t("leaderboard.name")}</th>
                    <th scope="col" class="num">
                      {t("leaderboard.score")}
                    </th>
                    <th scope="col" class="num">
                      {t("leaderboard.current")}
                    </th>
                    <th scope="col" class="num">
                      {t("leaderboard.longest")}
                    </th>
                  </>
                }
              >
                {data.entries.map((entry) => {
                  const mine = entry.user_id === me;
                  return (
                    <tr key={entry.user_id} aria-current={mine ? "true" : undefined} data-me={mine ? "true" : undefined}>
                      <td class="num">{formatNumber(entry.rank)}</td>
                      <td>
                        {entry.display_name ?? t("leaderboard.anonymous")}
                        {mine && ` ${t("leaderboard.you")}`}
                      </td>
                      <td class="num">{formatNumber(entry.score)}</td>
                      <td class="num">{formatNumber(entry.current_streak)}</td>
                      <td class="num">{formatNumber(entry.longest_streak)}</td>
                    </tr>
                  );
                })}
              </Table>
            )}
            <NextPage cursor={data.next_cursor} onNext={setCursor} />
          </>
        )}
      </Show>
    </Page>
  );
}
