// Hash routes (#/today …): a static site needs no server rewrite for them.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Key } from "./i18n";

export interface RouteDef {
  id: string;
  label: Key;
  load: () => Promise<{ default: ComponentType }>;
  admin?: boolean; // listed only for users holding the admin claim (the API refuses others anyway)
}

// Each page is its own chunk, fetched when first opened: the first load carries only the shell and Today.
export const routes: readonly RouteDef[] = [
  { id: "today", label: "nav.today", load: () => import("./pages/Today") },
  { id: "calendar", label: "nav.calendar", load: () => import("./pages/Calendar") },
  { id: "insights", label: "nav.insights", load: () => import("./pages/Insights") },
  { id: "leaderboard", label: "nav.leaderboard", load: () => import("./pages/Leaderboard") },
  { id: "challenges", label: "nav.challenges", load: () => import("./pages/Challenges") },
  { id: "badges", label: "nav.badges", load: () => import("./pages/Badges") },
  { id: "friends", label: "nav.friends", load: () => import("./pages/Friends") },
  { id: "settings", label: "nav.settings", load: () => import("./pages/Settings") },
  { id: "share", label: "nav.share", load: () => import("./pages/Share") },
  { id: "wrapped", label: "nav.wrapped", load: () => import("./pages/Wrapped") },
  { id: "data", label: "nav.data", load: () => import("./pages/YourData") },
  { id: "analytics", label: "nav.analytics", load: () => import("./pages/Analytics"), admin: true },
];

function fromHash(hash: string): RouteDef {
  const id = hash.replace(/^#\/?/, "").split("?")[0];
  return routes.find((r) => r.id === id) ?? (routes[0] as RouteDef);
}

export function useRoute(): RouteDef {
  const [route, setRoute] = useState(() => fromHash(location.hash));
  useEffect(() => {
    const follow = () => {
      setRoute(fromHash(location.hash));
    };
    addEventListener("hashchange", follow);
    return () => {
      removeEventListener("hashchange", follow);
    };
  }, []);
  return route;
}

function hashQuery(): URLSearchParams {
  return new URLSearchParams(location.hash.split("?")[1] ?? "");
}

// A page's own state kept in its hash (#/leaderboard?scope=friends&period=month), so a reload or a shared
// link opens the same view; a value the page would not accept is ignored (the page's default is shown).
export function useHashParam<T extends string>(
  name: string,
  fallback: T,
  accepts: (value: string) => value is T,
): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => {
    const found = hashQuery().get(name);
    return found !== null && accepts(found) ? found : fallback;
  });
  const set = (next: T) => {
    const query = hashQuery();
    if (next === fallback) query.delete(name);
    else query.set(name, next);
    const base = location.hash.split("?")[0] || "#/";
    const text = query.toString();
    history.replaceState(history.state, "", text ? `${base}?${text}` : base);
    setValue(next);
  };
  return [value, set];
}
