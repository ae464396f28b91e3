// What every page shares: loading through the API with its states, errors in the API's shape, progress bars,
// a live countdown.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "./api/client";
import { type Key, formatNumber, t } from "./i18n";

export type Loaded<T> =
  | { state: "loading"; data?: undefined; error?: undefined }
  | { state: "error"; data?: undefined; error: ApiError }
  | { state: "ready"; data: T; error?: undefined };

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, "client", error instanceof Error ? error.message : String(error), null, null);
}

/** Runs `load` now and whenever `deps` change; `reload()` again (quietly: the old data stays shown). */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> & { reload: () => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    load().then(
      (data) => {
        if (ticket === latest.current) setLoaded({ state: "ready", data });
      },
      (error: unknown) => {
        if (ticket === latest.current) setLoaded({ state: "error", error: asApiError(error) });
      },
    );
  }, [...deps, round]); // the caller names what `load` depends on
  const reload = useCallback(() => {
    setRound((n) => n + 1);
  }, []);
  return { ...loaded, reload };
}

/** Calls `tick` every `ms` while the page is shown (and the tab visible). */
export function useInterval(tick: () => void, ms: number): void {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible") saved.current();
    }, ms);
    return () => {
      clearInterval(id);
    };
  }, [ms]);
}

export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useInterval(() => {
    setNow(Date.now());
  }, ms);
  return now;
}

export function Page({ title, children }: { title: Key; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${t(title)} · ${t("app.name")}`;
    heading.current?.focus({ preventScroll: true }); // a new page: screen readers start at its title
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>
        {t(title)}
      </h1>
      {children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      {t("common.loading")}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

/** The API's error as a sentence; for a 429 the retry waits for what Retry-After asked. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const [until] = useState(() => Date.now() + (error.retryAfter ?? 0) * 1000);
  const now = useNow();
  const wait = Math.max(0, Math.ceil((until - now) / 1000));
  const message = error.status === 0 && error.code === "network" ? t("common.network") : error.message;
  return (
    <div class="error" role="alert" data-code={error.code}>
      <p>{t("common.error", { message })}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} disabled={wait > 0}>
          {wait > 0 ? t("common.retryIn", { s: wait }) : t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** Loading, error or the content, for one load. */
export function Show<T>({
  loaded,
  children,
}: {
  loaded: Loaded<T> & { reload: () => void };
  children: (data: T) => ComponentChildren;
}) {
  if (loaded.state === "loading") return <Loading />;
  if (loaded.state === "error") return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  return <>{children(loaded.data)}</>;
}

export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const shown = Math.min(value, max);
  return (
    <div class="progress">
      <progress value={shown} max={max} aria-label={label} />
      <span class="progress-figures">
        {formatNumber(value)} / {formatNumber(max)}
      </span>
    </div>
  );
}

/** A one-off action's state: its error, and whether it is running (buttons wait for it). */
export function useAction(): {
  busy: boolean;
  error: ApiError | null;
  run: (action: () => Promise<void>) => Promise<void>;
  clear: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => {
    setError(null);
  }, []);
  return { busy, error, run, clear };
}

/** Copies `text`, then says so (politely, to screen readers too). */
export function CopyButton({ text, label, done }: { text: string; label: string; done: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        class="quiet"
        onClick={() => {
          void navigator.clipboard.writeText(text).then(() => {
            setCopied(true);
          });
        }}
      >
        {label}
      </button>
      <span role="status">{copied ? done : ""}</span>
    </>
  );
}

/** A destructive action asked twice: the first click turns the button into its confirmation. */
export function ConfirmButton({
  label,
  confirm,
  action,
}: {
  label: string;
  confirm: string;
  action: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const state = useAction();
  return (
    <>
      <button
        type="button"
        class={confirming ? "danger" : "quiet"}
        disabled={state.busy}
        onClick={() => {
          if (confirming) void state.run(action);
          else setConfirming(true);
        }}
      >
        {confirming ? confirm : label}
      </button>
      {state.error && <ErrorNotice error={state.error} />}
    </>
  );
}

/** A table that scrolls sideways on narrow screens: its header row, then its rows. */
export function Table({ head, children, testId }: { head: ComponentChildren; children: ComponentChildren; testId?: string }) {
  return (
    <div class="scroll">
      <table data-testid={testId}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** "Next page" when the API gave a cursor. */
export function NextPage({ cursor, onNext }: { cursor: string | null; onNext: (cursor: string) => void }) {
  if (!cursor) return null;
  return (
    <button
      type="button"
      onClick={() => {
        onNext(cursor);
      }}
    >
      {t("common.next")}
    </button>
  );
}

/** One figure on a card: its label, the value, an optional line under it. */
export function Figure({ label, value, sub, testId }: { label: string; value: string; sub?: string; testId?: string }) {
  return (
    <div class="card">
      <p class="label">{label}</p>
      <p class="figure" data-testid={testId}>
        {value}
      </p>
      {sub && <p class="sub">{sub}</p>}
    </div>
  );
}

/** A labelled text input bound to a string. */
export function TextField({
  label,
  value,
  onChange,
  required = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        value={value}
        required={required}
        onInput={(e) => {
          onChange(e.currentTarget.value);
        }}
      />
    </label>
  );
}

/** A blob the API answered (an image that needs the caller's token), as an object URL while it is shown. */
export function useObjectUrl(loaded: Loaded<Blob>): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (loaded.state !== "ready") return;
    const made = URL.createObjectURL(loaded.data);
    setUrl(made);
    return () => {
      URL.revokeObjectURL(made);
    };
  }, [loaded.state, loaded.data]);
  return url;
}
