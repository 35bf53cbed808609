// The console is just another client of the AWS Step Functions JSON 1.0 API on this origin,
// so anything it shows can also be done with boto3 or the AWS CLI.

export class ApiError extends Error {
  constructor(type, message, status) {
    super(message || type);
    this.type = type;
    this.status = status;
  }
}

const ENDPOINT = "/";

export async function sfn(action, body = {}) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": `AWSStepFunctions.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError("NetworkError", `Cannot reach the server: ${err.message}`, 0);
  }
  const text = await response.text();
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError("BadResponse", `${action}: the server answered ${response.status} with non-JSON text`, response.status);
    }
  }
  if (!response.ok) {
    // AWS puts the error name in __type, sometimes prefixed with a namespace and '#'.
    const type = String(data.__type || `HTTP ${response.status}`).split("#").pop();
    throw new ApiError(type, data.message || data.Message || `${action} failed`, response.status);
  }
  return data;
}

// Follows nextToken until `limit` items are read, for list calls whose pages hold `key`.
export async function sfnAll(action, body, key, limit = 1000) {
  const items = [];
  let nextToken;
  do {
    const page = await sfn(action, nextToken ? { ...body, nextToken } : body);
    items.push(...(page[key] || []));
    nextToken = page.nextToken;
  } while (nextToken && items.length < limit);
  return items;
}

// The AWS wire format sends timestamps as epoch seconds; accept ISO strings too.
export function toDate(value) {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number") return new Date(value * 1000);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
