// Where the app finds its Firebase project: Hosting's reserved init.json (our preview server's, locally).

export interface WebConfig {
  projectId: string;
  apiKey: string;
  authDomain: string;
  /** Only locally: the Auth emulator's origin; the app then never talks to production Auth. */
  authEmulatorUrl?: string;
}

function isConfig(value: unknown): value is WebConfig {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.projectId === "string" && typeof v.apiKey === "string" && typeof v.authDomain === "string";
}

export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch("/__/firebase/init.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`/__/firebase/init.json answered ${response.status}`);
  const body: unknown = await response.json();
  if (!isConfig(body)) throw new Error("/__/firebase/init.json is not a Firebase web config");
  return body;
}
