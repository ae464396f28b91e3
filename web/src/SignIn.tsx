// Sign-in with the focus app's account: email and password (or a new account), or Google.
import { useState } from "preact/hooks";
import { signInWithGoogle, signInWithPassword } from "./auth";
import { t } from "./i18n";

export function SignIn() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function attempt(how: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await how();
    } catch (caught) {
      // Firebase's codes ("auth/wrong-password") say more than its messages.
      const code = (caught as { code?: unknown }).code;
      setError(t("signIn.failed", { message: typeof code === "string" ? code : String(caught) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" class="signin">
      <h1>{t("app.name")}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const create = (event.submitter as HTMLButtonElement | null)?.value === "create";
          void attempt(() => signInWithPassword(email, password, create));
        }}
      >
        <h2>{t("signIn.title")}</h2>
        <p>{t("signIn.intro")}</p>
        <label>
          {t("signIn.email")}
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onInput={(e) => {
              setEmail(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          {t("signIn.password")}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            minLength={6}
            value={password}
            onInput={(e) => {
              setPassword(e.currentTarget.value);
            }}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" value="signin" disabled={busy}>
            {t("signIn.submit")}
          </button>
          <button type="submit" value="create" class="quiet" disabled={busy}>
            {t("signIn.create")}
          </button>
        </div>
        <button
          type="button"
          class="quiet"
          disabled={busy}
          onClick={() => {
            void attempt(signInWithGoogle);
          }}
        >
          {t("signIn.google")}
        </button>
      </form>
    </main>
  );
}
