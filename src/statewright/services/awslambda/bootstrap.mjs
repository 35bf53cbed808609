// Statewright's Node.js runtime for local Lambda: loads `_HANDLER` from LAMBDA_TASK_ROOT and
// serves events from the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's Node.js
// runtimes do (CommonJS and ES modules; async or callback handlers; error JSON with "trace";
// console lines as "<time>\t<request id>\t<LEVEL>\t<message>", or JSON records with JSON logs).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import util from "node:util";
import { pathToFileURL } from "node:url";

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const base = "/2018-06-01/runtime";
let currentRequestId = "";

function call(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host, port, method, path: base + url, agent, headers: { ...headers, ...(body ? { "Content-Length": Buffer.byteLength(body) } : {}) } },
      (response) => {
        const chunks = [];
        response.on("data", (chunk) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      });
    request.setNoDelay(true);
    request.on("error", reject);
    if (body) request.write(body);
    request.end();
  });
}

// With LoggingConfig.LogFormat JSON (AWS_LAMBDA_LOG_FORMAT), console lines are JSON records and
// those below AWS_LAMBDA_LOG_LEVEL are dropped, as Lambda's Node.js runtimes do.
const LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
const jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT === "JSON";
const threshold = LEVELS.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || "").toUpperCase());

function writeLog(level, message) {
  const timestamp = new Date().toISOString();
  if (jsonLogs) {
    if (threshold >= 0 && LEVELS.indexOf(level) < threshold) return;
    process.stdout.write(JSON.stringify({ timestamp, level, requestId: currentRequestId || undefined, message }) + "\n");
    return;
  }
  const text = typeof message === "string" ? message : JSON.stringify(message);
  process.stdout.write(`${timestamp}\t${currentRequestId || "undefined"}\t${level}\t${text}`.replace(/\n/g, "\r") + "\n");
}

function patchConsole() {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
  for (const [name, level] of Object.entries(levels)) {
    console[name] = (...args) => writeLog(level, util.format(...args));
  }
}

function errorJson(error, type) {
  const isError = error instanceof Error;
  return {
    errorType: type || (isError ? error.name : typeof error === "string" ? "string" : typeof error),
    errorMessage: isError ? error.message : typeof error === "string" ? error : JSON.stringify(error),
    trace: isError && error.stack ? error.stack.split("\n") : [],
  };
}

function moduleFile(root, name) {
  for (const extension of [".js", ".mjs", ".cjs"]) {
    const candidate = path.resolve(root, name + extension);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

async function loadHandler() {
  const spec = process.env._HANDLER || "";
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = spec.lastIndexOf(".");
  if (dot <= 0) {
    throw Object.assign(new Error(`Bad handler ${spec}`), { lambdaType: "Runtime.MalformedHandlerName" });
  }
  const moduleName = spec.slice(0, dot);
  const functionPath = spec.slice(dot + 1);
  const file = moduleFile(root, moduleName);
  if (file === null) {
    throw Object.assign(new Error(`Error: Cannot find module '${moduleName}'`), { lambdaType: "Runtime.ImportModuleError" });
  }
  let loaded;
  try {
    loaded = await import(pathToFileURL(file).href);
  } catch (error) {
    const type = error instanceof SyntaxError ? "Runtime.UserCodeSyntaxError" : "Runtime.ImportModuleError";
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { lambdaType: type });
  }
  let handler = loaded;
  for (const part of functionPath.split(".")) {
    handler = handler?.[part] ?? (handler === loaded ? loaded.default?.[part] : undefined);
  }
  if (typeof handler !== "function") {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { lambdaType: "Runtime.HandlerNotFound" });
  }
  return handler;
}

function makeContext(headers) {
  const deadline = Number(headers["lambda-runtime-deadline-ms"]);
  const clientContext = headers["lambda-runtime-client-context"];
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers["lambda-runtime-aws-request-id"],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

function run(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (error) {
      reject(error);
    }
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (error) {
    const body = errorJson(error, error.lambdaType);
    console.error(`${body.errorType}: ${body.errorMessage}`);
    await call("POST", "/init/error", JSON.stringify(body), { "Lambda-Runtime-Function-Error-Type": body.errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const requestId = next.headers["lambda-runtime-aws-request-id"];
    currentRequestId = requestId;
    if (next.headers["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"];
    try {
      const event = JSON.parse(next.body.toString("utf8") || "null");
      const result = await run(handler, event, makeContext(next.headers));
      const body = result === undefined ? "null" : JSON.stringify(result);
      await call("POST", `/invocation/${requestId}/response`, body, { "Content-Type": "application/json" });
    } catch (error) {
      const body = errorJson(error);
      if (jsonLogs) writeLog("ERROR", { errorType: body.errorType, errorMessage: body.errorMessage, stackTrace: body.trace });
      else console.error(`Invoke Error \t${JSON.stringify(body)}`);
      await call("POST", `/invocation/${requestId}/error`, JSON.stringify(body),
        { "Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": body.errorType });
    }
  }
}

main();
