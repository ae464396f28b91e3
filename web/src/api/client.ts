// The typed API client: paths and bodies from our OpenAPI document (schema.d.ts, generated), the caller's ID
// token on every request, a 503 retried after its Retry-After, every error turned into one ApiError.
import createClient from "openapi-fetch";
import { idToken } from "../auth";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const RETRIES_503 = 3;
const LONGEST_WAIT_S = 10;

/** An answer the API refused, in its error shape; `retryAfter` (seconds) when the API asked to wait. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly retryAfter: number | null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The message for one field of a 422's `details`, if the API named it. */
  fieldMessage(field: string): string | null {
    if (!Array.isArray(this.details)) return null;
    for (const item of this.details as unknown[]) {
      if (typeof item === "object" && item !== null) {
        const { field: name, message } = item as Record<string, unknown>;
        if (typeof name === "string" && typeof message === "string" && (name === field || name.startsWith(`${field}.`)))
          return message;
      }
    }
    return null;
  }
}

export function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A 503 is safe to retry (the API says so): wait what Retry-After asks (capped), a few times. */
async function fetchRetrying503(request: Request): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(request.clone());
    if (response.status !== 503 || attempt >= RETRIES_503) return response;
    const wait = Math.min(retryAfterSeconds(response) ?? 1, LONGEST_WAIT_S);
    await sleep(wait * 1000);
  }
}

export const api = createClient<paths>({ baseUrl: "", fetch: fetchRetrying503 });

api.use({
  async onRequest({ request }) {
    const token = await idToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
});

function toApiError(response: Response, body: unknown): ApiError {
  const error =
    typeof body === "object" && body !== null ? (body as { error?: Record<string, unknown> }).error : undefined;
  const code = typeof error?.code === "string" ? error.code : `http_${response.status}`;
  const message = typeof error?.message === "string" ? error.message : response.statusText || code;
  return new ApiError(response.status, code, message, error?.details ?? null, retryAfterSeconds(response));
}

interface Answer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer; an ApiError for anything else (a network failure is status 0). */
export async function ok<A extends Answer>(pending: Promise<A>): Promise<NonNullable<A["data"]>> {
  let answer: A;
  try {
    answer = await pending;
  } catch (cause) {
    throw new ApiError(0, "network", cause instanceof Error ? cause.message : String(cause), null, null);
  }
  if (!answer.response.ok) throw toApiError(answer.response, answer.error);
  return answer.data as NonNullable<A["data"]>;
}
