// Talking to the Chorus API: the key kept in the browser, JSON calls, and errors turned
// into sentences a person can act on.

const KEY_STORE = "chorus.key";

export function getKey() {
  return localStorage.getItem(KEY_STORE) || "";
}

export function setKey(key) {
  if (key) localStorage.setItem(KEY_STORE, key.trim());
  else localStorage.removeItem(KEY_STORE);
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

const QUOTA_CODES = new Set(["quota_not_enough", "insufficient_user_quota", "insufficient_credits"]);

// The sentence shown to the person for an error answered by the API (or none at all).
export function explain(error) {
  if (!(error instanceof ApiError)) return String(error && error.message ? error.message : error);
  if (error.status === 0) {
    return "Cannot reach the Chorus service. Check that it is running, then try again.";
  }
  if (error.status === 401) {
    return "The API key was not accepted. Enter a valid key above and save it.";
  }
  if (error.status === 402 || QUOTA_CODES.has(error.code)) {
    return "Out of credits: this key cannot make more songs until credits are added.";
  }
  if (error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : " Wait a moment.";
    return `Rate limited: too many requests or songs at once.${wait}`;
  }
  if (error.status === 503) return "The service is busy right now. Try again in a minute.";
  return error.message || `The service answered ${error.status}.`;
}

// One API call; resolves the envelope's data, throws ApiError otherwise.
export async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  const key = getKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "network", String(error));
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  const ok = payload && (payload.code === "success" || payload.code === 200);
  if (!response.ok || !ok) {
    const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    throw new ApiError(
      response.status,
      payload && typeof payload.code === "string" ? payload.code : "",
      payload && payload.message ? payload.message : `HTTP ${response.status}`,
      Number.isFinite(retry) ? retry : null,
    );
  }
  return payload.data;
}

const SUNO = "dialect=suno";

export function submitMusic(body) {
  return call("POST", "/suno/submit/music", body);
}

export function submitLyrics(prompt) {
  return call("POST", "/suno/submit/lyrics", { prompt });
}

export function fetchTask(taskId) {
  return call("GET", `/suno/fetch/${encodeURIComponent(taskId)}?${SUNO}`);
}

export function library(query, page, pageSize) {
  const params = new URLSearchParams({
    q: query,
    page: String(page),
    page_size: String(pageSize),
    action: "MUSIC",
  });
  return call("GET", `/api/library?${params}&${SUNO}`);
}

export function timing(clipId) {
  return call("GET", `/suno/act/timing/${encodeURIComponent(clipId)}`);
}

// Which optional routes this server has (MIDI and stems downloads), read once from its
// OpenAPI document.
let routes = null;
export async function serverRoutes() {
  if (routes === null) {
    routes = fetch("/openapi.json")
      .then((answer) => (answer.ok ? answer.json() : { paths: {} }))
      .then((doc) => new Set(Object.keys(doc.paths || {})))
      .catch(() => new Set());
  }
  return routes;
}

// The file links a clip act answers (``{"midi_url": ...}``, ``{"vocals_url": ..., ...}``):
// [{name, url}] for every "<name>_url" field.
export async function actLinks(path) {
  const data = await call("GET", path);
  return Object.entries(data || {})
    .filter(([field, url]) => field.endsWith("_url") && typeof url === "string" && url)
    .map(([field, url]) => ({ name: field.slice(0, -4), url }));
}
