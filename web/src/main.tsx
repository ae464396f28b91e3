// The dashboard's entry: the Firebase config, then sign-in, then the page the address names.
import type { User } from "firebase/auth";
import type { ComponentType } from "preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { signOutUser, startAuth, watchUser } from "./auth";
import { loadConfig } from "./config";
import { lang, t } from "./i18n";
import { routes, useRoute } from "./router";
import { SignIn } from "./SignIn";
import { ErrorNotice, Loading, asApiError } from "./ui";
import "./styles.css";

function Shell({ user }: { user: User }) {
  const route = useRoute();
  const [page, setPage] = useState<{ id: string; Component: ComponentType } | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [admin, setAdmin] = useState(false);
  useEffect(() => {
    void user.getIdTokenResult().then((token) => {
      setAdmin(token.claims["admin"] === true);
    });
  }, [user]);
  useEffect(() => {
    let live = true;
    setFailed(null);
    route.load().then(
      (module) => {
        if (live) setPage({ id: route.id, Component: module.default });
      },
      (error: unknown) => {
        if (live) setFailed(error);
      },
    );
    return () => {
      live = false;
    };
  }, [route]);
  return (
    <>
      <a class="skip" href="#main">
        {t("app.skip")}
      </a>
      <header class="top">
        <span class="brand">{t("app.name")}</span>
        <span class="who">{user.email ?? user.uid}</span>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            void signOutUser();
          }}
        >
          {t("app.signOut")}
        </button>
      </header>
      <nav class="sections" aria-label={t("app.nav")}>
        <ul>
          {routes.filter((r) => admin || !r.admin).map((r) => (
            <li key={r.id}>
              <a href={`#/${r.id}`} aria-current={r.id === route.id ? "page" : undefined}>
                {t(r.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">
        {failed !== null ? (
          <ErrorNotice error={asApiError(failed)} />
        ) : page && page.id === route.id ? (
          <page.Component key={page.id} />
        ) : (
          <Loading />
        )}
      </main>
    </>
  );
}

function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => watchUser(setUser), []);
  if (user === undefined) return <Loading />;
  return user ? <Shell user={user} /> : <SignIn />;
}

async function boot(root: HTMLElement): Promise<void> {
  document.documentElement.lang = lang;
  document.title = t("app.name");
  try {
    startAuth(await loadConfig());
  } catch (error) {
    render(<ErrorNotice error={asApiError(error)} />, root);
    return;
  }
  render(<App />, root);
}

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  void boot(root);
}
