// Badges: the ones earned (when), the ones still locked (how far), and how rare each is.
import { api, ok, type Schemas } from "../api/client";
import { formatDate, formatPercent, t } from "../i18n";
import { Empty, Page, Progress, Show, useLoad } from "../ui";

function BadgeCard({ badge }: { badge: Schemas["BadgeOut"] }) {
  const earned = badge.earned_at !== null;
  return (
    <li class={earned ? "badge card" : "badge card locked"} data-testid={`badge-${badge.id}`}>
      <h3>{badge.name}</h3>
      <p class="meta">{badge.description}</p>
      {badge.earned_at !== null ? (
        <p>{t("badges.earnedOn", { date: formatDate(badge.earned_at.slice(0, 10)) })}</p>
      ) : (
        <Progress value={badge.progress.current} max={badge.progress.target} label={badge.name} />
      )}
      <p class="meta">{t("badges.rarity", { pct: formatPercent(badge.rarity) })}</p>
    </li>
  );
}

function Group({ title, badges }: { title: string; badges: Schemas["BadgeOut"][] }) {
  return (
    <section>
      <h2>
        {title} ({badges.length})
      </h2>
      {badges.length === 0 ? (
        <Empty>{t("common.none")}</Empty>
      ) : (
        <ul class="list cards badge-grid">
          {badges.map((b) => (
            <BadgeCard key={b.id} badge={b} />
          ))}
        </ul>
      )}
    </section>
  );
}

export default function Badges() {
  const badges = useLoad(() => ok(api.GET("/v1/me/badges")), []);
  return (
    <Page title="badges.title">
      <Show loaded={badges}>
        {(data) => (
          <>
            <Group title={t("badges.earned")} badges={data.badges.filter((b) => b.earned_at !== null)} />
            <Group title={t("badges.locked")} badges={data.badges.filter((b) => b.earned_at === null)} />
          </>
        )}
      </Show>
    </Page>
  );
}
