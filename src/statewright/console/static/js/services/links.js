// Where each kind of resource lives in the console, so any page can link to it.

import { href } from "../router.js";

const PAGES = {
  "AWS::Lambda::Function": "functions",
  "AWS::DynamoDB::Table": "tables",
  "AWS::S3::Bucket": "buckets",
  "AWS::Logs::LogGroup": "logs",
  "AWS::StepFunctions::StateMachine": "state-machines",
  "AWS::ApiGatewayV2::Api": "apis",
  "AWS::ApiGateway::RestApi": "apis",
};

export function resourceLink(type, physicalId) {
  const page = PAGES[type];
  return page && physicalId ? href([page, physicalId]) : null;
}

export const functionLink = (name) => href(["functions", name]);
export const logGroupLink = (group, params = {}) => href(["logs", group], params);

// Lambda's default log group for a function (LoggingConfig.LogGroup when the API says).
export function functionLogGroup(fn) {
  return (fn && fn.LoggingConfig && fn.LoggingConfig.LogGroup) || `/aws/lambda/${fn.FunctionName || fn}`;
}

// A function name from a name, ARN or partial ARN ("arn:aws:lambda:r:a:function:name:alias").
export function functionName(ref) {
  const m = /:function:([^:]+)/.exec(String(ref || ""));
  return m ? m[1] : String(ref || "");
}

// The Lambda function a Task state calls, when the definition names it: a function ARN as the
// Resource, or FunctionName in the lambda:invoke integration's Parameters/Arguments.
export function taskFunction(state) {
  if (!state || state.Type !== "Task" || typeof state.Resource !== "string") return null;
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(state.Resource)) return functionName(state.Resource);
  if (!/^arn:[^:]+:states:::lambda:invoke/.test(state.Resource)) return null;
  const args = state.Parameters || state.Arguments || {};
  const ref = args.FunctionName;
  return typeof ref === "string" && !ref.includes("{%") ? functionName(ref) : null;
}

// A state of a definition by name, inside Parallel branches and Map processors too.
export function findState(machine, name) {
  for (const [key, state] of Object.entries((machine && machine.States) || {})) {
    if (!state || typeof state !== "object") continue;
    if (key === name) return state;
    for (const inner of [...(state.Branches || []), state.ItemProcessor || state.Iterator]) {
      const found = inner ? findState(inner, name) : null;
      if (found) return found;
    }
  }
  return null;
}

// The console page of the API route that served a request (an execution's origin, as
// GET /_statewright/execution-origin answers it), with the request and execution to show there.
export function apiRequestLink(origin) {
  return href(["apis", origin.apiId], {
    type: origin.protocol === "HTTP" ? "http" : "rest", stage: origin.stage, route: origin.routeKey,
    request: origin.requestId, execution: origin.executionArn, function: origin.functionName,
  });
}
