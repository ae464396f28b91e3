// Friends: your id to hand out, requests to send and accept, friends with today's focus, removal confirmed;
// friend streaks with both friends' marks for the pair's date, a nudge, accepting and ending.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { currentUid } from "../auth";
import { formatDate, formatDuration, t } from "../i18n";
import { ConfirmButton, CopyButton, Empty, ErrorNotice, Page, Show, TextField, useAction, useLoad } from "../ui";


type Pair = Schemas["FriendStreakOut"];

function PairRow({ pair, uid, onChanged }: { pair: Pair; uid: string; onChanged: () => void }) {
  const name = pair.friend.display_name ?? pair.friend.user_id;
  const action = useAction();
  const [nudged, setNudged] = useState(false);
  const path = { params: { path: { id: pair.id } } };
  const invitedMe = pair.status === "invited" && pair.invited_by !== uid;
  return (
    <li data-testid={`pair-${pair.friend.user_id}`}>
      <h3>{t("pairs.with", { name })}</h3>
      {pair.status === "active" && pair.today ? (
        <p class="meta">
          {t("pairs.length", { n: pair.length })} · {t("pairs.longest", { n: pair.longest })} ·{" "}
          {t("pairs.on", { date: formatDate(pair.today.date) })}{" "}
          <span data-testid="pair-me">{t(pair.today.me ? "pairs.meDone" : "pairs.meNot")}</span>,{" "}
          <span data-testid="pair-friend">{t(pair.today.friend ? "pairs.friendDone" : "pairs.friendNot", { name })}</span>
          {pair.at_risk && ` · ${t("pairs.atRisk")}`}
        </p>
      ) : (
        <p class="meta">{t(invitedMe ? "pairs.invitedYou" : "pairs.waiting", { name })}</p>
      )}
      <div class="actions">
        {invitedMe && (
          <button
            type="button"
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                await ok(api.POST("/v1/friend-streaks/{id}:accept", path));
                onChanged();
              })
            }
          >
            {t("pairs.accept")}
          </button>
        )}
        {pair.status === "active" && (
          <button
            type="button"
            disabled={action.busy || nudged}
            onClick={() =>
              void action.run(async () => {
                await ok(api.POST("/v1/friend-streaks/{id}:nudge", path));
                setNudged(true);
              })
            }
          >
            {nudged ? t("pairs.nudged") : t("pairs.nudge", { name })}
          </button>
        )}
        <ConfirmButton
          label={t(pair.status === "active" ? "pairs.end" : invitedMe ? "pairs.decline" : "pairs.withdraw")}
          confirm={t("pairs.confirmEnd", { name })}
          action={async () => {
            await ok(api.DELETE("/v1/friend-streaks/{id}", path));
            onChanged();
          }}
        />
      </div>
      {action.error && <ErrorNotice error={action.error} />}
    </li>
  );
}

function StartPair({ friend, onChanged }: { friend: Schemas["FriendOut"]; onChanged: () => void }) {
  const action = useAction();
  return (
    <>
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            await ok(api.POST("/v1/friend-streaks", { body: { user_id: friend.user_id } }));
            onChanged();
          })
        }
      >
        {t("pairs.start")}
      </button>
      {action.error && <ErrorNotice error={action.error} />}
    </>
  );
}

function FriendRow({
  friend,
  paired,
  onChanged,
}: {
  friend: Schemas["FriendOut"];
  paired: boolean;
  onChanged: () => void;
}) {
  const name = friend.display_name ?? friend.user_id;
  return (
    <li>
      <h3>{name}</h3>
      <p class="meta">
        {t("friends.streak", { n: friend.current_streak })} ·{" "}
        {t("friends.today", { minutes: formatDuration(friend.today.seconds) })}
        {friend.today.qualified && ` · ${t("friends.counted")}`}
      </p>
      <div class="actions">
        {!paired && <StartPair friend={friend} onChanged={onChanged} />}
        <ConfirmButton
          label={t("friends.remove")}
          confirm={t("friends.confirmRemove", { name })}
          action={async () => {
            await ok(api.DELETE("/v1/friends/{uid}", { params: { path: { uid: friend.user_id } } }));
            onChanged();
          }}
        />
      </div>
    </li>
  );
}

function Incoming({ request, onChanged }: { request: Schemas["PendingRequestOut"]; onChanged: () => void }) {
  const action = useAction();
  return (
    <li>
      <span class="mono">{request.display_name ?? request.user_id}</span>{" "}
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            await ok(api.POST("/v1/friends/requests/{uid}:accept", { params: { path: { uid: request.user_id } } }));
            onChanged();
          })
        }
      >
        {t("friends.accept")}
      </button>
      {action.error && <ErrorNotice error={action.error} />}
    </li>
  );
}

function AddFriend({ onChanged }: { onChanged: () => void }) {
  const [id, setId] = useState("");
  const [sent, setSent] = useState(false);
  const action = useAction();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setSent(false);
        void action.run(async () => {
          await ok(api.POST("/v1/friends/requests", { body: { user_id: id.trim() } }));
          setSent(true);
          setId("");
          onChanged();
        });
      }}
    >
      <h2>{t("friends.add")}</h2>
      <TextField label={t("friends.addId")} value={id} onChange={setId} required />
      <button type="submit" disabled={action.busy}>
        {t("friends.send")}
      </button>
      <span role="status">{sent ? ` ${t("friends.sent")}` : ""}</span>
      {action.error && <ErrorNotice error={action.error} />}
    </form>
  );
}

export default function Friends() {
  const friends = useLoad(() => ok(api.GET("/v1/friends")), []);
  const pairs = useLoad(() => ok(api.GET("/v1/me/friend-streaks")), []);
  const uid = currentUid() ?? "";
  const reload = () => {
    friends.reload();
    pairs.reload();
  };
  return (
    <Page title="friends.title">
      <p>
        {t("friends.yourId")}: <span class="mono" data-testid="my-uid">{uid}</span>{" "}
        <CopyButton text={uid} label={t("friends.copy")} done={t("friends.copied")} />
      </p>
      <AddFriend onChanged={friends.reload} />
      <h2 id="pairs-list">{t("pairs.title")}</h2>
      <Show loaded={pairs}>
        {(data) =>
          data.friend_streaks.length === 0 ? (
            <Empty>{t("pairs.none")}</Empty>
          ) : (
            <ul class="list" aria-labelledby="pairs-list">
              {data.friend_streaks.map((p) => (
                <PairRow key={p.id} pair={p} uid={uid} onChanged={reload} />
              ))}
            </ul>
          )
        }
      </Show>
      <Show loaded={friends}>
        {(data) => (
          <>
            <h2>{t("friends.incoming")}</h2>
            {data.requests.incoming.length === 0 ? (
              <Empty>{t("friends.noRequests")}</Empty>
            ) : (
              <ul class="list">
                {data.requests.incoming.map((r) => (
                  <Incoming key={r.user_id} request={r} onChanged={friends.reload} />
                ))}
              </ul>
            )}
            <h2>{t("friends.outgoing")}</h2>
            {data.requests.outgoing.length === 0 ? (
              <Empty>{t("friends.noRequests")}</Empty>
            ) : (
              <ul class="list">
                {data.requests.outgoing.map((r) => (
                  <li key={r.user_id} class="mono">
                    {r.display_name ?? r.user_id}
                  </li>
                ))}
              </ul>
            )}
            <h2 id="friends-list">{t("friends.title")}</h2>
            {data.friends.length === 0 ? (
              <Empty>{t("friends.none")}</Empty>
            ) : (
              <ul class="list" aria-labelledby="friends-list">
                {data.friends.map((f) => (
                  <FriendRow
                    key={f.user_id}
                    friend={f}
                    paired={pairs.state === "ready" && pairs.data.friend_streaks.some((p) => p.friend.user_id === f.user_id)}
                    onChanged={reload}
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </Show>
    </Page>
  );
}
