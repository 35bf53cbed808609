// What an API's routes call and who authorizes them, read from the stack's processed template
// (the OpenAPI body SAM generates, with x-amazon-apigateway-integration and -authorizer) when
// the server's API Gateway management API does not report integrations and authorizers.

import { cloudformation, xmlAll, xmlChild } from "../api.js";
import { h } from "../dom.js";
import { functionLink } from "./links.js";

const members = (doc, list) => xmlAll(doc, list).flatMap((el) => [...el.children].filter((c) => c.localName === "member"));

// "arn:...:lambda:path/2015-03-31/functions/${GreetFunction.Arn}/invocations" -> GreetFunction
function uriFunction(uri) {
  const text = typeof uri === "string" ? uri : uri && (uri["Fn::Sub"] || uri["Fn::Join"]);
  const flat = Array.isArray(text) ? JSON.stringify(text) : String(text || "");
  const m = /functions\/\$\{([A-Za-z0-9]+)\.Arn\}/.exec(flat) || /"Fn::GetAtt":\["?([A-Za-z0-9]+)"?,"Arn"/.exec(flat);
  return m ? m[1] : null;
}

const flatText = (value) => (typeof value === "string" ? value : JSON.stringify(value || ""));

// A Step Functions direct integration ("...:states:action/StartExecution") and the state machine
// its request template names (`"stateMachineArn": "${GreetMachine}"`, as SAM's Api events write it).
function statesTarget(integration) {
  const action = /:states:action\/(\w+)/.exec(flatText(integration.uri));
  if (!action) return null;
  const templates = Object.values(integration.requestTemplates || {}).map(flatText).join(" ");
  const machine = /stateMachineArn\W+\$\{([A-Za-z0-9]+)\}/.exec(templates) || /(arn:[^:"\\]+:states:[^"\\]+:stateMachine:[^"\\]+)/.exec(templates);
  return { action: action[1], machine: machine ? machine[1] : null };
}

async function findApi(apiId) {
  const stacks = members(await cloudformation("DescribeStacks"), "Stacks").map((s) => xmlChild(s, "StackName"));
  for (const stack of stacks) {
    const resources = members(await cloudformation("ListStackResources", { StackName: stack }), "StackResourceSummaries")
      .map((r) => ({ logical: xmlChild(r, "LogicalResourceId"), physical: xmlChild(r, "PhysicalResourceId") }));
    const api = resources.find((r) => r.physical === apiId);
    if (api) return { stack, logical: api.logical, physical: new Map(resources.map((r) => [r.logical, r.physical])) };
  }
  return null;
}

// Map of "METHOD /path" -> {integration, functionName, stateMachineArn, authorizers: [names]}, and the
// authorizers: [[name, type, detail]]; null when no stack defines this API.
export async function apiFromTemplate(apiId) {
  const found = await findApi(apiId);
  if (!found) return null;
  const doc = await cloudformation("GetTemplate", { StackName: found.stack, TemplateStage: "Processed" });
  const template = JSON.parse(xmlChild(xmlAll(doc, "GetTemplateResult")[0], "TemplateBody") || "{}");
  const body = (((template.Resources || {})[found.logical] || {}).Properties || {}).Body || {};
  const routes = new Map();
  for (const [path, methods] of Object.entries(body.paths || {})) {
    for (const [method, op] of Object.entries(methods || {})) {
      const integration = (op || {})["x-amazon-apigateway-integration"] || {};
      const logical = uriFunction(integration.uri);
      const verb = method === "x-amazon-apigateway-any-method" ? "ANY" : method.toUpperCase();
      const states = statesTarget(integration);
      routes.set(`${verb} ${path}`, {
        integration: states ? `${integration.type || "aws"} ${states.action}` : integration.type || "",
        functionName: logical ? found.physical.get(logical) || logical : null,
        // A state machine's physical id is its ARN (what the state machine page is keyed by).
        stateMachineArn: states && states.machine ? found.physical.get(states.machine) || states.machine : null,
        authorizers: (op.security || []).flatMap((s) => Object.keys(s)),
      });
    }
  }
  const schemes = { ...((body.components || {}).securitySchemes || {}), ...(body.securityDefinitions || {}) };
  const authorizers = Object.entries(schemes).map(([name, scheme]) => {
    const auth = scheme["x-amazon-apigateway-authorizer"] || {};
    const fn = uriFunction(auth.authorizerUri);
    const functionName = fn ? found.physical.get(fn) || fn : null;
    return [name, auth.type || scheme.type || "", functionName ? h("a", { href: functionLink(functionName) }, functionName) : auth.identitySource || ""];
  });
  return { routes, authorizers };
}
