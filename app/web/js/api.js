// The task API's client: the deployment's config.json (written next to these files when the
// stack is deployed), the signed-in user's bearer token, and requests in the API's error format.

const TOKEN_KEY = "taskapp.token";
let config = null;

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

export async function loadConfig() {
  if (config) return config;
  const response = await fetch("config.json", { cache: "no-store" });
  if (!response.ok) throw new ApiError(response.status, "NoConfig", "config.json is missing: deploy the web app (docs/webapp.md)");
  config = await response.json();
  if (!String(config.apiUrl || "").endsWith("/")) config.apiUrl = `${config.apiUrl || ""}/`;
  return config;
}

// Local only: the demo users' tokens `make run` publishes next to the app; absent on AWS.
export async function demoUsers() {
  try {
    const response = await fetch("demo-users.json", { cache: "no-store" });
    if (!response.ok) return [];
    const users = await response.json();
    return Array.isArray(users) ? users : [];
  } catch {
    return [];
  }
}

function decodePart(part) {
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// Who the token says the user is (for display and menus; the API checks the signature).
export function claims(token) {
  const parts = String(token || "").trim().split(".");
  if (parts.length !== 3) return null;
  try {
    const body = decodePart(parts[1]);
    if (typeof body.sub !== "string" || typeof body.role !== "string") return null;
    return { user: body.sub, role: body.role, exp: typeof body.exp === "number" ? body.exp : null };
  } catch {
    return null;
  }
}

export function session() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const who = claims(token);
  if (!who || (who.exp && who.exp * 1000 < Date.now())) return null;
  return { token, ...who };
}

export function signIn(token) {
  const who = claims(token);
  if (!who) throw new ApiError(0, "InvalidToken", "not a bearer token with `sub` and `role` claims");
  if (who.exp && who.exp * 1000 < Date.now()) throw new ApiError(0, "ExpiredToken", "the token has expired");
  sessionStorage.setItem(TOKEN_KEY, token.trim());
  return who;
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
}

export async function request(method, path, { body, query, headers } = {}) {
  const { apiUrl } = await loadConfig();
  const url = new URL(path.replace(/^\//, ""), apiUrl);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  const current = session();
  const init = { method, headers: { Accept: "application/json", ...(headers || {}) } };
  if (current) init.headers.Authorization = `Bearer ${current.token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, "NetworkError", `the API did not answer (${error.message})`);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401 && current) {
    // The token was refused (expired, or signed with another secret): sign in again, then come back.
    signOut();
    const back = location.hash.startsWith("#/signin") ? "" : `?next=${encodeURIComponent(location.hash)}`;
    location.hash = `#/signin${back}`;
  }
  if (!response.ok) {
    const e = (data && data.error) || {};
    const message = e.message || (data && data.message) || `HTTP ${response.status}`;
    throw new ApiError(response.status, e.code || `HTTP${response.status}`, message, e.field);
  }
  return data;
}

// Every page of a listing (the API pages by nextToken), up to `max` items.
export async function listAll(path, query = {}, max = 2000) {
  const items = [];
  let nextToken;
  do {
    const page = await request("GET", path, { query: { ...query, limit: 100, nextToken } });
    items.push(...(page.items || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < max);
  return items;
}

export const tasks = {
  list: (query) => listAll("tasks", query),
  get: (id) => request("GET", `tasks/${encodeURIComponent(id)}`),
  create: (body, key) => request("POST", "tasks", { body, headers: key ? { "Idempotency-Key": key } : {} }),
  cancel: (id) => request("POST", `tasks/${encodeURIComponent(id)}/cancel`),
  approve: (id, comment) => request("POST", `tasks/${encodeURIComponent(id)}/approve`, { body: comment ? { comment } : {} }),
  reject: (id, comment) => request("POST", `tasks/${encodeURIComponent(id)}/reject`, { body: comment ? { comment } : {} }),
  approvals: () => listAll("approvals"),
  addAttachment: (id, body) => request("POST", `tasks/${encodeURIComponent(id)}/attachments`, { body }),
  attachment: (id, attachmentId) =>
    request("GET", `tasks/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`),
};
