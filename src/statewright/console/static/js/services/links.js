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

// Nested workflows (arn:aws:states:::states:startExecution[.sync[:2]]). AWS links a child to the
// execution that started it when the parent passes its own id in the child's input as
// AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID ("…_ID.$": "$$.Execution.Id"); the console reads
// it from there, so it works with any server.
const EXECUTION_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:(execution|express):[^:]+:[^:]+/;
export const STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID";

export function startedBy(input) {
  let value = input;
  if (typeof value === "string") {
    try { value = JSON.parse(value); } catch { return null; }
  }
  const parent = value && typeof value === "object" && !Array.isArray(value) ? value[STARTED_BY_KEY] : null;
  return typeof parent === "string" && EXECUTION_ARN.test(parent) ? parent : null;
}

export function startsExecution(state) {
  return Boolean(state && state.Type === "Task" && typeof state.Resource === "string"
    && /^arn:[^:]+:states:::states:startExecution(\.|$)/.test(state.Resource));
}

function parsed(text) {
  if (typeof text !== "string") return text;
  try { return JSON.parse(text); } catch { return null; }
}

// What one visit of a startExecution Task tells of its child: the child's ARN once an event
// carries it (TaskSubmitted or TaskSucceeded output, StartExecution's or DescribeExecution's
// answer; a failed .sync child's DescribeExecution answer as the TaskFailed cause), and the
// state machine the task asked for (TaskScheduled parameters), for while it is not known yet.
export function childOfVisit(visit) {
  let executionArn = null;
  let stateMachineArn = null;
  for (const event of (visit && visit.events) || []) {
    const details = event.taskScheduledEventDetails || event.taskSubmittedEventDetails
      || event.taskSucceededEventDetails || event.taskFailedEventDetails || {};
    if (event.type === "TaskScheduled") {
      const params = parsed(details.parameters);
      if (params && typeof params.StateMachineArn === "string") stateMachineArn = params.StateMachineArn;
      continue;
    }
    const answer = parsed(event.type === "TaskFailed" ? details.cause : details.output);
    if (answer && typeof answer.ExecutionArn === "string" && EXECUTION_ARN.test(answer.ExecutionArn)) {
      executionArn = answer.ExecutionArn;
      if (typeof answer.StateMachineArn === "string") stateMachineArn = answer.StateMachineArn;
    }
  }
  return executionArn || stateMachineArn ? { executionArn, stateMachineArn } : null;
}

export const executionLink = (arn, params = {}) => href(["executions", arn], params);
