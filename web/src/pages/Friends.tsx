// Friends: your id to hand out, requests to send and accept, friends with today's focus, removal confirmed.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { currentUid } from "../auth";
import { formatDuration, t } from "../i18n";
import { ConfirmButton, CopyButton, Empty, ErrorNotice, Page, Show, TextField, useAction, useLoad } from "../ui";


function FriendRow({ friend, onChanged }: { friend: Schemas["FriendOut"]; onChanged: () => void }) {
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
  const uid = currentUid() ?? "";
  return (
    <Page title="friends.title">
      <p>
        {t("friends.yourId")}: <span class="mono" data-testid="my-uid">{uid}</span>{" "}
        <CopyButton text={uid} label={t("friends.copy")} done={t("friends.copied")} />
      </p>
      <AddFriend onChanged={friends.reload} />
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
                  <FriendRow key={f.user_id} friend={f} onChanged={friends.reload} />
                ))}
              </ul>
            )}
          </>
        )}
      </Show>
    </Page>
  );
}
