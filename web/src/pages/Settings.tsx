// Settings: time zone, display name, leaderboard visibility, notification channels, kinds, quiet hours, reminder.
import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { type Key, formatDate, t } from "../i18n";
import { ErrorNotice, Page, Show, useAction, useLoad } from "../ui";

type Settings = Schemas["SettingsOut"];
type Visibility = Schemas["Visibility"];
const VISIBILITIES: readonly Visibility[] = ["public", "friends", "hidden"];
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function zones(current: string | null): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [browserZone];
  return [...new Set([...(current ? [current] : []), browserZone, ...all])].sort();
}

function FieldError({ error, field }: { error: ReturnType<typeof useAction>["error"]; field: string }) {
  const message = error?.fieldMessage(field);
  return message ? (
    <span class="error" id={`${field}-error`}>
      {message}
    </span>
  ) : null;
}

// 00:00 to 12:00 in steps of 15 minutes, as the API takes them.
const DAY_STARTS = Array.from({ length: 49 }, (_, i) => {
  const minutes = i * 15;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
});

function Form({ initial }: { initial: Settings }) {
  const [timezone, setTimezone] = useState(initial.timezone ?? browserZone);
  const [name, setName] = useState(initial.display_name ?? "");
  const [visibility, setVisibility] = useState<Visibility>(initial.leaderboard_visibility);
  const n = initial.notifications;
  const [push, setPush] = useState(n.push);
  const [email, setEmail] = useState(n.email);
  const [kinds, setKinds] = useState<Record<string, boolean>>({ ...n.kinds });
  const [quietOn, setQuietOn] = useState(n.quiet_hours !== null);
  const [quietStart, setQuietStart] = useState(n.quiet_hours?.start ?? "22:00");
  const [quietEnd, setQuietEnd] = useState(n.quiet_hours?.end ?? "07:00");
  const [reminderHour, setReminderHour] = useState(n.reminder_hour);
  const [dayStart, setDayStart] = useState(initial.day_start_next?.day_start ?? initial.day_start);
  const [next, setNext] = useState(initial.day_start_next);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  function submit(event: Event): void {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      const body: Schemas["SettingsPatch"] = {
        timezone,
        display_name: name.trim() === "" ? null : name.trim(),
        leaderboard_visibility: visibility,
        day_start: dayStart,
        notifications: {
          push,
          email,
          kinds,
          reminder_hour: reminderHour,
          quiet_hours: quietOn ? { start: quietStart, end: quietEnd } : null,
        },
      };
      const answer = await ok(api.PATCH("/v1/me/settings", { body })); // the form already shows the rest
      setNext(answer.day_start_next);
      setSaved(true);
    });
  }

  const invalid = (field: string) => (action.error?.fieldMessage(field) ? true : undefined);
  return (
    <form onSubmit={submit}>
      <label>
        {t("settings.timezone")}
        <select
          value={timezone}
          aria-invalid={invalid("timezone")}
          onChange={(e) => {
            setTimezone(e.currentTarget.value);
          }}
        >
          {zones(initial.timezone).map((z) => (
            <option key={z} value={z}>
              {z === browserZone ? t("settings.timezoneBrowser", { zone: z }) : z}
            </option>
          ))}
        </select>
        <FieldError error={action.error} field="timezone" />
      </label>
      <label>
        {t("settings.displayName")}
        <input
          value={name}
          maxLength={50}
          aria-invalid={invalid("display_name")}
          onInput={(e) => {
            setName(e.currentTarget.value);
          }}
        />
        <FieldError error={action.error} field="display_name" />
      </label>
      <label>
        {t("settings.dayStart")}
        <select
          value={dayStart}
          aria-invalid={invalid("day_start")}
          aria-describedby="day-start-hint"
          onChange={(e) => {
            setDayStart(e.currentTarget.value);
          }}
        >
          {DAY_STARTS.map((time) => (
            <option key={time} value={time}>
              {time}
            </option>
          ))}
        </select>
        <span class="meta" id="day-start-hint">
          {t("settings.dayStartHint")}
        </span>
        {next && (
          <span class="meta" data-testid="day-start-next">
            {t("settings.dayStartNext", { date: formatDate(next.from), time: next.day_start })}
          </span>
        )}
        <FieldError error={action.error} field="day_start" />
      </label>
      <fieldset>
        <legend>{t("settings.visibility")}</legend>
        {VISIBILITIES.map((v) => (
          <label class="check" key={v}>
            <input
              type="radio"
              name="visibility"
              checked={visibility === v}
              onChange={() => {
                setVisibility(v);
              }}
            />
            {t(`settings.visibility.${v}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("settings.notifications")}</legend>
        <label class="check">
          <input
            type="checkbox"
            checked={push}
            onChange={(e) => {
              setPush(e.currentTarget.checked);
            }}
          />
          {t("settings.push")}
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={email}
            onChange={(e) => {
              setEmail(e.currentTarget.checked);
            }}
          />
          {t("settings.email")}
        </label>
        <fieldset>
          <legend>{t("settings.kinds")}</legend>
          {Object.keys(kinds)
            .sort()
            .map((kind) => (
              <label class="check" key={kind}>
                <input
                  type="checkbox"
                  checked={kinds[kind]}
                  onChange={(e) => {
                    setKinds({ ...kinds, [kind]: e.currentTarget.checked });
                  }}
                />
                {t(`kind.${kind}` as Key)}
              </label>
            ))}
        </fieldset>
        <label class="check">
          <input
            type="checkbox"
            checked={quietOn}
            onChange={(e) => {
              setQuietOn(e.currentTarget.checked);
            }}
          />
          {t("settings.quietOn")}
        </label>
        {quietOn && (
          <div class="actions">
            <label>
              {t("settings.quietStart")}
              <input
                type="time"
                value={quietStart}
                required
                onInput={(e) => {
                  setQuietStart(e.currentTarget.value);
                }}
              />
            </label>
            <label>
              {t("settings.quietEnd")}
              <input
                type="time"
                value={quietEnd}
                required
                onInput={(e) => {
                  setQuietEnd(e.currentTarget.value);
                }}
              />
            </label>
          </div>
        )}
        <FieldError error={action.error} field="notifications.quiet_hours" />
        <label>
          {t("settings.reminderHour")}
          <select
            value={String(reminderHour)}
            onChange={(e) => {
              setReminderHour(Number(e.currentTarget.value));
            }}
          >
            {Array.from({ length: 24 }, (_, h) => (
              <option key={h} value={String(h)}>
                {`${String(h).padStart(2, "0")}:00`}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      {action.error && <ErrorNotice error={action.error} />}
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          {t("common.save")}
        </button>
        <span role="status">{saved ? t("common.saved") : ""}</span>
      </div>
    </form>
  );
}

export default function SettingsPage() {
  const settings = useLoad(() => ok(api.GET("/v1/me/settings")), []);
  return (
    <Page title="settings.title">
      <Show loaded={settings}>{(data) => <Form initial={data} />}</Show>
    </Page>
  );
}
