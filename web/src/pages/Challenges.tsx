// Challenges: active and upcoming ones with the caller's standing, join and leave, live progress, completions.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { formatDate, t, tn } from "../i18n";
import { Empty, ErrorNotice, Page, Progress, Show, TextField, useAction, useInterval, useLoad } from "../ui";

type Detail = { challenge: Schemas["ChallengeOut"]; me: Schemas["ChallengeMeOut"] };
const SHOWN = 20; // per list: the listing carries the caller's standing, one read for all of them
const POLL_MS = 30_000;

async function withStanding(status: "active" | "upcoming" | "ended"): Promise<Detail[]> {
  const page = await ok(api.GET("/v1/challenges", { params: { query: { status, limit: SHOWN } } }));
  return page.challenges.map(({ me, ...challenge }) => ({ challenge, me }));
}

async function loadAll(): Promise<{ active: Detail[]; upcoming: Detail[]; completed: Detail[] }> {
  const [active, upcoming, ended] = await Promise.all([
    withStanding("active"),
    withStanding("upcoming"),
    withStanding("ended"),
  ]);
  return { active, upcoming, completed: ended.filter((d) => d.me.completed_at !== null) };
}

function ChallengeItem({ detail, onChanged }: { detail: Detail; onChanged: () => void }) {
  const { challenge, me } = detail;
  const action = useAction();
  const progressLabel = `${challenge.title}: ${t("challenges.progress", { done: me.progress, target: challenge.target })}`;
  const act = (verb: "join" | "leave") =>
    action.run(async () => {
      const path = verb === "join" ? "/v1/challenges/{id}:join" : "/v1/challenges/{id}:leave";
      await ok(api.POST(path, { params: { path: { id: challenge.id } } }));
      onChanged();
    });
  return (
    <li data-testid={`challenge-${challenge.id}`}>
      <h3>{challenge.title}</h3>
      <p class="meta">
        {t(`challenges.target.${challenge.kind}`, { n: challenge.target })} ·{" "}
        {t("challenges.window", { from: formatDate(challenge.starts_on), to: formatDate(challenge.ends_on) })} ·{" "}
        {tn("challenges.participants", challenge.participants)}
        {challenge.reward_xp > 0 && ` · ${t("challenges.reward", { n: challenge.reward_xp })}`}
      </p>
      {me.joined && <Progress value={me.progress} max={challenge.target} label={progressLabel} />}
      {me.joined && me.rank !== null && <p class="meta">{t("challenges.rank", { n: me.rank })}</p>}
      {me.completed_at && (
        <p class="banner ok">{t("challenges.done", { date: formatDate(me.completed_at.slice(0, 10)), xp: challenge.reward_xp })}</p>
      )}
      {challenge.status !== "ended" && (
        <div class="actions">
          {me.joined ? (
            <button type="button" class="quiet" disabled={action.busy} onClick={() => void act("leave")}>
              {t("challenges.leave")}
            </button>
          ) : (
            <button type="button" disabled={action.busy} onClick={() => void act("join")}>
              {t("challenges.join")}
            </button>
          )}
        </div>
      )}
      {action.error && <ErrorNotice error={action.error} />}
    </li>
  );
}

function List({ items, empty, onChanged }: { items: Detail[]; empty: string; onChanged: () => void }) {
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ul class="list">
      {items.map((d) => (
        <ChallengeItem key={d.challenge.id} detail={d} onChanged={onChanged} />
      ))}
    </ul>
  );
}

function Invitation({ onChanged }: { onChanged: () => void }) {
  const [id, setId] = useState("");
  const [found, setFound] = useState<Detail | null>(null);
  const action = useAction();
  return (
    <section aria-labelledby="invite-title">
      <h2 id="invite-title">{t("challenges.invite")}</h2>
      <form
        class="actions"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            setFound(await ok(api.GET("/v1/challenges/{id}", { params: { path: { id: id.trim() } } })));
          });
        }}
      >
        <TextField label={t("challenges.inviteId")} value={id} onChange={setId} required />
        <button type="submit" disabled={action.busy}>
          {t("challenges.open")}
        </button>
      </form>
      {action.error && <ErrorNotice error={action.error} />}
      {found && (
        <ul class="list">
          <ChallengeItem detail={found} onChanged={onChanged} />
        </ul>
      )}
    </section>
  );
}

export default function Challenges() {
  const all = useLoad(loadAll, []);
  useInterval(all.reload, POLL_MS); // progress moves as sessions arrive from the phone
  return (
    <Page title="challenges.title">
      <Show loaded={all}>
        {(data) => (
          <>
            <h2>{t("challenges.active")}</h2>
            <List items={data.active} empty={t("challenges.emptyActive")} onChanged={all.reload} />
            <h2>{t("challenges.upcoming")}</h2>
            <List items={data.upcoming} empty={t("challenges.emptyUpcoming")} onChanged={all.reload} />
            {data.completed.length > 0 && (
              <>
                <h2>{t("challenges.completed")}</h2>
                <List items={data.completed} empty="" onChanged={all.reload} />
              </>
            )}
          </>
        )}
      </Show>
      <Invitation onChanged={all.reload} />
    </Page>
  );
}
