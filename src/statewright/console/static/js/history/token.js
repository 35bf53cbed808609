// Finds task tokens that an execution is waiting on (.waitForTaskToken): the token only
// appears inside the TaskScheduled event's parameters, at the place the definition put
// $$.Task.Token (JSONPath) or $states.context.Task.Token (JSONata).

import { asJson, detailsOf } from "./analyze.js";

// Paths in the definition's Parameters/Arguments whose value is the task token.
function tokenPaths(template, path = [], found = []) {
  if (template && typeof template === "object") {
    for (const [key, value] of Object.entries(template)) {
      if (key.endsWith(".$") && value === "$$.Task.Token") found.push([...path, key.slice(0, -2)]);
      else if (typeof value === "string" && /\$states\.context\.Task\.Token/.test(value)) found.push([...path, key]);
      else tokenPaths(value, [...path, key], found);
    }
  }
  return found;
}

function at(value, path) {
  return path.reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), value);
}

// Strings in the parameters that could be a token, for when the definition does not say.
function candidates(value, found = []) {
  if (typeof value === "string" && value.length >= 16 && !/\s/.test(value) && !value.startsWith("arn:")) found.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) candidates(v, found);
  return found;
}

export function waitingTokens(analysis, findState) {
  const result = [];
  for (const visit of analysis.visits) {
    if (visit.status !== "running") continue;
    const scheduled = [...visit.events].reverse().find((e) => e.type === "TaskScheduled");
    if (!scheduled) continue;
    const details = detailsOf(scheduled);
    const state = findState(visit.name) || {};
    const resource = String(details.resource || state.Resource || "");
    if (!/waitForTaskToken/.test(resource) && !/waitForTaskToken/.test(String(state.Resource || ""))) continue;
    const parameters = asJson(details.parameters);
    const paths = tokenPaths(state.Parameters || state.Arguments);
    let tokens = paths.map((p) => at(parameters, p)).filter((t) => typeof t === "string");
    if (!tokens.length) tokens = candidates(parameters);
    for (const token of new Set(tokens)) result.push({ name: visit.name, token, eventId: scheduled.id });
  }
  return result;
}
