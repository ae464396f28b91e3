// Wrapped: the caller's year in review (figures, best month, week, weekday and hour, percentile) and its
// card in both sizes, to download or hand to the system's share sheet.
import { useState } from "preact/hooks";
import { api, ok } from "../api/client";
import { formatDuration, formatNumber, t } from "../i18n";
import { ErrorNotice, Page, Show, useAction, useLoad, useObjectUrl } from "../ui";

type Size = "landscape" | "story";
const SIZES: Record<Size, [number, number]> = { landscape: [1200, 630], story: [1080, 1920] };

function Card({ year, size }: { year: number; size: Size }) {
  const card = useLoad(
    () =>
      ok(
        api.GET("/v1/me/wrapped/card", {
          params: { query: { year, size, format: "png" } },
          parseAs: "blob",
        }),
      ),
    [year, size],
  );
  const url = useObjectUrl(card);
  const action = useAction();
  const [width, height] = SIZES[size];
  const name = `wrapped-${year}-${size}.png`;
  return (
    <figure class={`wrapped-card ${size}`}>
      <Show loaded={card}>
        {(blob) =>
          url ? (
            <>
              <img src={url} width={width} height={height} alt={t(`wrapped.card.${size}`)} data-testid={`wrapped-${size}`} />
              <figcaption>
                <a href={url} download={name}>
                  {t("wrapped.download")}
                </a>{" "}
                {"share" in navigator && (
                  <button
                    type="button"
                    disabled={action.busy}
                    onClick={() =>
                      void action.run(async () => {
                        await navigator.share({ files: [new File([blob], name, { type: "image/png" })] });
                      })
                    }
                  >
                    {t("wrapped.share")}
                  </button>
                )}
              </figcaption>
            </>
          ) : null
        }
      </Show>
      {action.error && <ErrorNotice error={action.error} />}
    </figure>
  );
}

export default function Wrapped() {
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const review = useLoad(() => ok(api.GET("/v1/me/wrapped", { params: { query: { year } } })), [year]);
  return (
    <Page title="wrapped.title">
      <label>
        {t("wrapped.year")}{" "}
        <select
          value={year}
          onChange={(e) => {
            setYear(Number(e.currentTarget.value));
          }}
        >
          {[0, 1, 2].map((back) => (
            <option key={back} value={thisYear - back}>
              {thisYear - back}
            </option>
          ))}
        </select>
      </label>
      <Show loaded={review}>
        {(r) => (
          <>
            <dl class="figures" data-testid="wrapped-figures">
              <div>
                <dt>{t("wrapped.focus")}</dt>
                <dd>{formatDuration(r.focus_seconds)}</dd>
              </div>
              <div>
                <dt>{t("wrapped.daysActive")}</dt>
                <dd>{formatNumber(r.days_active)}</dd>
              </div>
              <div>
                <dt>{t("wrapped.qualified")}</dt>
                <dd>{formatNumber(r.qualified_days)}</dd>
              </div>
              <div>
                <dt>{t("wrapped.longest")}</dt>
                <dd>{formatNumber(r.longest_streak)}</dd>
              </div>
              <div>
                <dt>{t("wrapped.sessions")}</dt>
                <dd>{formatNumber(r.sessions)}</dd>
              </div>
              <div>
                <dt>{t("wrapped.bestMonth")}</dt>
                <dd>{r.best_month ? r.best_month.month : "—"}</dd>
              </div>
              <div>
                <dt>{t("wrapped.bestHour")}</dt>
                <dd>{r.best_hour === null ? "—" : `${String(r.best_hour).padStart(2, "0")}:00`}</dd>
              </div>
              <div>
                <dt>{t("wrapped.percentile")}</dt>
                <dd data-testid="wrapped-percentile">{r.percentile === null ? "—" : `${formatNumber(r.percentile)} %`}</dd>
              </div>
            </dl>
            <h2>{t("wrapped.cards")}</h2>
            <div class="wrapped-cards">
              <Card year={year} size="landscape" />
              <Card year={year} size="story" />
            </div>
          </>
        )}
      </Show>
    </Page>
  );
}
