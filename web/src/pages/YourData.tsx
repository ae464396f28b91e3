// Your data: the export downloaded, wrong sessions removed, the account deleted (and followed to the end).
import { useState } from "preact/hooks";
import { ApiError, api, ok, type Schemas } from "../api/client";
import { signOutUser } from "../auth";
import { formatDuration, formatInstant, t } from "../i18n";
import { ConfirmButton, Empty, ErrorNotice, NextPage, Page, Show, useAction, useLoad, Table } from "../ui";

const POLL_MS = 1500;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function Export() {
  const action = useAction();
  const [started, setStarted] = useState(false);
  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">{t("data.export")}</h2>
      <p>{t("data.exportIntro")}</p>
      <button
        type="button"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            const blob = await ok(api.GET("/v1/me/export", { parseAs: "blob" }));
            const link = document.createElement("a");
            link.href = URL.createObjectURL(blob);
            link.download = "focus-export.json";
            link.click();
            setTimeout(() => {
              URL.revokeObjectURL(link.href);
            }, 10_000);
            setStarted(true);
          })
        }
      >
        {t("data.exportButton")}
      </button>
      <span role="status">{started ? ` ${t("data.exportReady")}` : ""}</span>
      {action.error && <ErrorNotice error={action.error} />}
    </section>
  );
}

function SessionRow({ session, onChanged }: { session: Schemas["SessionOut"]; onChanged: () => void }) {
  const seconds = (Date.parse(session.end) - Date.parse(session.start)) / 1000;
  return (
    <tr>
      <td>{formatInstant(session.start, session.timezone)}</td>
      <td class="num">{formatDuration(seconds)}</td>
      <td>
        <ConfirmButton
          label={t("data.delete")}
          confirm={t("data.confirmDelete")}
          action={async () => {
            await ok(api.DELETE("/v1/me/sessions/{id}", { params: { path: { id: session.id } } }));
            onChanged();
          }}
        />
      </td>
    </tr>
  );
}

function Sessions() {
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useLoad(
    () => ok(api.GET("/v1/me/sessions", { params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } } })),
    [cursor],
  );
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("data.sessions")}</h2>
      <p>{t("data.sessionsIntro")}</p>
      <Show loaded={page}>
        {(data) =>
          data.sessions.length === 0 ? (
            <Empty>{t("data.noSessions")}</Empty>
          ) : (
            <>
              <Table
                head={
                  <>
                    <th scope="col">{t("calendar.start")}</th>
                    <th scope="col" class="num">
                      {t("insights.focus")}
                    </th>
                    <th scope="col">
                      <span class="visually-hidden">{t("data.delete")}</span>
                    </th>
                  </>
                }
              >
                {data.sessions.map((s) => (
                  <SessionRow key={s.id} session={s} onChanged={page.reload} />
                ))}
              </Table>
              <NextPage cursor={data.next_cursor} onNext={setCursor} />
            </>
          )
        }
      </Show>
    </section>
  );
}

/** Follows the erasure job to its end; once the account is gone its token is refused, which also means done. */
async function eraseAccount(): Promise<void> {
  const answer = await api.DELETE("/v1/me");
  if (answer.response.status === 204) return;
  const { job } = await ok(Promise.resolve(answer));
  for (;;) {
    await sleep(POLL_MS);
    try {
      const { job: now } = await ok(api.GET("/v1/jobs/{id}", { params: { path: { id: job.id } } }));
      if (now.status === "done") return;
      if (now.status === "failed") throw new ApiError(500, "erasure_failed", now.error?.message ?? "failed", null, null);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return;
      throw error;
    }
  }
}

function DeleteAccount() {
  const [typed, setTyped] = useState("");
  const [done, setDone] = useState(false);
  const action = useAction();
  const word = t("data.deleteWord");
  if (done) return <p class="banner ok">{t("data.deleted")}</p>;
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">{t("data.deleteAccount")}</h2>
      <p>{t("data.deleteIntro")}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            await eraseAccount();
            setDone(true);
            await signOutUser();
          });
        }}
      >
        <label>
          {t("data.deleteConfirmLabel", { word })}
          <input
            value={typed}
            autoComplete="off"
            onInput={(e) => {
              setTyped(e.currentTarget.value);
            }}
          />
        </label>
        <button type="submit" class="danger" disabled={action.busy || typed !== word}>
          {action.busy ? t("data.deleting") : t("data.deleteButton")}
        </button>
      </form>
      {action.error && <ErrorNotice error={action.error} />}
    </section>
  );
}

export default function YourData() {
  return (
    <Page title="data.title">
      <Export />
      <Sessions />
      <DeleteAccount />
    </Page>
  );
}
