// Share: the card as it is now, links made from it (copy, open, revoke), and how often each was opened.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { formatDate, t } from "../i18n";
import { CopyButton, Empty, ErrorNotice, Page, Show, useAction, useLoad, useObjectUrl } from "../ui";

type Field = Schemas["CardField"];
const FIELDS: readonly Field[] = ["display_name", "level", "badges", "longest_streak"];

/** The caller's card needs their token, so it is fetched and shown from an object URL. */
function CurrentCard() {
  const card = useLoad(
    () => ok(api.GET("/v1/me/share-card", { params: { query: { format: "png" } }, parseAs: "blob" })),
    [],
  );
  const url = useObjectUrl(card);
  return (
    <section aria-labelledby="card-title">
      <h2 id="card-title">{t("share.current")}</h2>
      <Show loaded={card}>
        {() => (url ? <img class="share-card" src={url} width={1200} height={630} alt={t("share.current")} data-testid="card" /> : null)}
      </Show>
    </section>
  );
}

function CreateShare({ onCreated }: { onCreated: () => void }) {
  const [include, setInclude] = useState<Field[]>(["display_name", "level"]);
  const action = useAction();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void action.run(async () => {
          await ok(api.POST("/v1/shares", { body: { include } }));
          onCreated();
        });
      }}
    >
      <h2>{t("share.create")}</h2>
      <fieldset>
        <legend>{t("share.include")}</legend>
        {FIELDS.map((field) => (
          <label class="check" key={field}>
            <input
              type="checkbox"
              checked={include.includes(field)}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setInclude(on ? [...include, field] : include.filter((f) => f !== field));
              }}
            />
            {t(`share.field.${field}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={action.busy}>
        {t("share.submit")}
      </button>
      {action.error && <ErrorNotice error={action.error} />}
    </form>
  );
}

function ShareItem({ share, onChanged }: { share: Schemas["ShareOut"]; onChanged: () => void }) {
  const action = useAction();
  return (
    <li data-testid={`share-${share.id}`}>
      <p class="mono">
        <a href={share.url} target="_blank" rel="noopener noreferrer">
          {share.url}
        </a>
      </p>
      <p class="meta">
        {t("share.createdAt", { date: formatDate(share.created_at.slice(0, 10)) })} · {t("share.opens", { n: share.opens })}
      </p>
      <div class="actions">
        <CopyButton text={share.url} label={t("share.copy")} done={t("share.copied")} />
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await ok(api.DELETE("/v1/shares/{id}", { params: { path: { id: share.id } } }));
              onChanged();
            })
          }
        >
          {t("share.revoke")}
        </button>
      </div>
      {action.error && <ErrorNotice error={action.error} />}
    </li>
  );
}

export default function Share() {
  const shares = useLoad(() => ok(api.GET("/v1/shares")), []);
  return (
    <Page title="share.title">
      <CurrentCard />
      <CreateShare onCreated={shares.reload} />
      <h2>{t("share.yours")}</h2>
      <Show loaded={shares}>
        {(data) =>
          data.shares.length === 0 ? (
            <Empty>{t("share.none")}</Empty>
          ) : (
            <ul class="list">
              {data.shares.map((s) => (
                <ShareItem key={s.id} share={s} onChanged={shares.reload} />
              ))}
            </ul>
          )
        }
      </Show>
    </Page>
  );
}
