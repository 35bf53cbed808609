// CloudFormation stacks (the template `statewright serve --template` loaded): resources with
// their local status and why, parameters and outputs, with links to each resource's page.

import { cloudformation, toDate, xmlAll, xmlChild as xmlText } from "../api.js";
import { errorNotice, formatDate, h, notice, replace, statusBadge } from "../dom.js";
import { href } from "../router.js";
import { resourceLink } from "../services/links.js";
import { keyValues, listTable, section, viewHeader } from "../widgets/list-table.js";

const members = (doc, list) => xmlAll(doc, list).flatMap((el) => [...el.children].filter((c) => c.localName === "member"));

// Types the local runtime creates something for; the rest of a stack is kept as a record
// (names and ARNs resolve for other resources) or, as the server's reason says, not emulated.
const EMULATED = /^AWS::(Lambda::(Function|LayerVersion|EventSourceMapping|Url)|DynamoDB::Table|S3::Bucket|Logs::LogGroup|StepFunctions::StateMachine|ApiGateway(V2)?::|Serverless::)/;
const RECORDED = "kept as a record: its name and ARN resolve for the other resources; nothing runs for it locally";

function localStatus(type, reason) {
  if (reason && /does not emulate|not emulated/i.test(reason)) return ["not emulated", "status-failed", reason];
  if (EMULATED.test(type)) return ["emulated", "status-succeeded", reason || ""];
  return ["recorded", "status-unknown", reason || RECORDED];
}

export async function stacksView(root) {
  const body = h("div", {}, notice("loading", "Loading stacks…"));
  replace(root, viewHeader("Stacks"), body);
  let doc;
  try {
    doc = await cloudformation("DescribeStacks");
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const stacks = members(doc, "Stacks");
  if (!stacks.length) {
    replace(body, notice("empty", "No stacks", "Start the server with a template: statewright serve --template template.yaml"));
    return;
  }
  replace(body, listTable("stacks", "Stacks", ["Name", "Status", "Created", "Description"], stacks.map((s) => [
    h("a", { href: href(["stacks", xmlText(s, "StackName")]) }, xmlText(s, "StackName")),
    statusBadge(xmlText(s, "StackStatus")), formatDate(toDate(xmlText(s, "CreationTime"))), xmlText(s, "Description") || ""])));
}

export async function stackView(root, { segments }) {
  const name = segments[1];
  const body = h("div", {}, notice("loading", "Loading the stack…"));
  replace(root, viewHeader(name, { crumb: ["Stacks", href(["stacks"])] }), body);
  let stackDoc; let resourcesDoc;
  try {
    [stackDoc, resourcesDoc] = await Promise.all([
      cloudformation("DescribeStacks", { StackName: name }),
      cloudformation("ListStackResources", { StackName: name })]);
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  const stack = members(stackDoc, "Stacks")[0];
  const resources = members(resourcesDoc, "StackResourceSummaries").map((r) => ({
    logical: xmlText(r, "LogicalResourceId"), physical: xmlText(r, "PhysicalResourceId"),
    type: xmlText(r, "ResourceType"), status: xmlText(r, "ResourceStatus"), reason: xmlText(r, "ResourceStatusReason"),
  }));
  const rows = resources.map((r) => {
    const link = resourceLink(r.type, r.physical);
    const [local, cls, why] = localStatus(r.type, r.reason);
    return h("tr", { dataset: { logical: r.logical, local } },
      h("td", {}, link ? h("a", { href: link }, r.logical) : r.logical),
      h("td", {}, r.type),
      h("td", { class: "wrap" }, r.physical || "—"),
      h("td", {}, statusBadge(r.status), " ", h("span", { class: `chip ${cls}` }, local)),
      h("td", { class: "wrap muted" }, why));
  });
  const pairs = (list, key, value) => members(stack, list).map((m) => [xmlText(m, key), xmlText(m, value)]);
  const outputs = members(stack, "Outputs").map((m) => {
    const value = xmlText(m, "OutputValue") || "";
    const local = value.startsWith(location.origin) ? h("a", { href: value }, value) : value;
    return [xmlText(m, "OutputKey"), local, xmlText(m, "Description") || ""];
  });
  replace(body,
    keyValues("stack-summary", [["Status", statusBadge(xmlText(stack, "StackStatus"))],
      ["Created", formatDate(toDate(xmlText(stack, "CreationTime")))], ["Description", xmlText(stack, "Description")],
      ["Stack ID", xmlText(stack, "StackId")]]),
    section("Resources", listTable("stack-resources", "Resources",
      ["Logical ID", "Type", "Physical ID", "Status", "Why"], rows)),
    section("Parameters", listTable("stack-parameters", "Parameters", ["Key", "Value"], pairs("Parameters", "ParameterKey", "ParameterValue"))),
    section("Outputs", listTable("stack-outputs", "Outputs", ["Key", "Value", "Description"], outputs)));
}
