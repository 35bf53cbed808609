// The console is just another client of the AWS APIs on this origin, so anything it shows can
// also be done with boto3 or the AWS CLI. One small client per wire protocol (docs/protocols.md):
// JSON with a target prefix (Step Functions, DynamoDB, Logs), rest-json paths (Lambda, API
// Gateway), rest-xml (S3, read with DOMParser) and query form posts with XML answers
// (CloudFormation). Requests are unsigned: the server routes them by these protocol markers.
// `statewright()` reads the server's own console endpoints (not AWS).

export class ApiError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.type = type;
    this.status = status;
  }
}

async function send(url, init, what) {
  try {
    return await fetch(url, init);
  } catch (err) {
    throw new ApiError("NetworkError", `Cannot reach the server: ${err.message}`, 0);
  }
}

function parseJsonText(text, what, status) {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("BadResponse", `${what}: the server answered ${status} with non-JSON text`, status);
  }
}

// AWS puts the error name in __type (JSON) or x-amzn-ErrorType (rest-json), sometimes
// prefixed with a namespace and '#', sometimes followed by ':' and a link.
function errorName(raw, status) {
  return String(raw || `HTTP ${status}`).split(":")[0].split("#").pop();
}

// A client for an awsJson service: jsonClient("AWSStepFunctions", "1.0")("ListStateMachines", {}).
export function jsonClient(targetPrefix, version = "1.0") {
  return async function call(action, body = {}) {
    const response = await send("/", {
      method: "POST",
      headers: { "Content-Type": `application/x-amz-json-${version}`, "X-Amz-Target": `${targetPrefix}.${action}` },
      body: JSON.stringify(body),
    });
    const data = parseJsonText(await response.text(), action, response.status);
    if (!response.ok) {
      throw new ApiError(errorName(data.__type, response.status), data.message || data.Message || `${action} failed`, response.status);
    }
    return data;
  };
}

export const sfn = jsonClient("AWSStepFunctions", "1.0");
export const dynamodb = jsonClient("DynamoDB_20120810", "1.0");
export const logs = jsonClient("Logs_20140328", "1.1");

function withQuery(path, query) {
  const entries = Object.entries(query || {}).filter(([, v]) => v !== undefined && v !== null && v !== "");
  return entries.length ? `${path}?${new URLSearchParams(entries)}` : path;
}

// A rest-json call (Lambda, API Gateway): returns the parsed body, or with raw: true the
// Response itself (Lambda's Invoke answers with the function's payload and headers).
export async function restJson(method, path, { query, body, headers = {}, raw = false } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers["Content-Type"] = init.headers["Content-Type"] || "application/json";
  }
  const response = await send(withQuery(path, query), init);
  if (raw && response.ok) return response;
  const text = await response.text();
  const data = parseJsonText(text, `${method} ${path}`, response.status);
  if (!response.ok) {
    const type = response.headers.get("x-amzn-ErrorType") || data.__type || data.Type || data.code;
    throw new ApiError(errorName(type, response.status), data.message || data.Message || `${method} ${path} failed`, response.status);
  }
  return data;
}

// Statewright's own read-only endpoints under /_statewright/ (not AWS APIs: links AWS keeps
// only in X-Ray, such as the API request that started an execution). Another server has none,
// so a failure answers null and the page simply shows no link.
export async function statewright(path, query) {
  try {
    const response = await fetch(withQuery(`/_statewright/${path}`, query));
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// Follows a JSON API's page token until `limit` items are read.
// token: the request's page parameter; next: the answer's (when its name differs).
export async function allPages(call, action, body, key, { limit = 1000, token = "nextToken", next: nextKey = token } = {}) {
  const items = [];
  let next;
  do {
    const page = await call(action, next ? { ...body, [token]: next } : body);
    items.push(...(page[key] || []));
    next = page[nextKey];
  } while (next && items.length < limit);
  return items;
}

export function sfnAll(action, body, key, limit = 1000) {
  return allPages(sfn, action, body, key, { limit });
}

// --- XML answers (S3's rest-xml, the query protocol) ---------------------------------------

function parseXml(text) {
  return new DOMParser().parseFromString(text, "application/xml");
}

// The text of the first descendant element named `name` (namespaces ignored).
export function xmlText(node, name) {
  const found = node ? node.getElementsByTagName(name)[0] : undefined;
  return found ? found.textContent : undefined;
}

// The text of the direct child element named `name` (a stack's Description, not an output's).
export function xmlChild(node, name) {
  const found = node ? [...node.children].find((c) => c.localName === name) : undefined;
  return found ? found.textContent : undefined;
}

// Direct or nested elements named `name`, in document order.
export function xmlAll(node, name) {
  return node ? [...node.getElementsByTagName(name)] : [];
}

function xmlError(text, status, fallback) {
  const doc = text ? parseXml(text) : null;
  const code = doc ? xmlText(doc, "Code") : undefined;
  const message = doc ? xmlText(doc, "Message") : undefined;
  return new ApiError(code || `HTTP ${status}`, message || fallback, status);
}

// A path-style S3 request: s3("GET", "/bucket", {query: {"list-type": 2}}). Returns
// {response, doc} with the XML parsed when the answer is XML, or the Response with raw: true.
export async function s3(method, path, { query, body, headers = {}, raw = false } = {}) {
  const response = await send(withQuery(path, query), { method, headers, body });
  if (!response.ok) throw xmlError(await response.text(), response.status, `${method} ${path} failed`);
  if (raw || method === "HEAD") return { response, doc: null };
  const text = await response.text();
  return { response, doc: text ? parseXml(text) : null };
}

// An awsQuery call (CloudFormation): a form post with Action and Version; the XML answer.
export async function query(action, version, params = {}) {
  const form = new URLSearchParams({ Action: action, Version: version });
  for (const [key, value] of Object.entries(params)) if (value !== undefined) form.append(key, value);
  const response = await send("/", {
    method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, body: form,
  });
  const text = await response.text();
  if (!response.ok) throw xmlError(text, response.status, `${action} failed`);
  return parseXml(text);
}

export const cloudformation = (action, params) => query(action, "2010-05-15", params);

// The AWS wire format sends timestamps as epoch seconds; accept ISO strings too.
export function toDate(value) {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number") return new Date(value * 1000);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
