// DynamoDB: tables with keys, indexes and item counts; an item browser (Scan, or Query with a
// key condition on the table or an index, paginated) and an item editor in DynamoDB JSON.

import { allPages, dynamodb } from "../api.js";
import { errorNotice, formatDate, h, notice, parseJsonInput, replace, toast } from "../dom.js";
import { href, updateParams } from "../router.js";
import { columnsFor, keyValue, showValue } from "../services/dynamo-values.js";
import { keyValues, listTable, section, viewHeader } from "../widgets/list-table.js";

const keyText = (schema) => (schema || []).map((k) => `${k.AttributeName} (${k.KeyType === "HASH" ? "partition" : "sort"})`).join(", ");
const SORT_OPS = ["=", "<", "<=", ">", ">=", "begins_with", "between"];

export async function tablesView(root) {
  const body = h("div", {}, notice("loading", "Loading tables…"));
  replace(root, viewHeader("DynamoDB tables"), body);
  let described;
  try {
    const names = await allPages(dynamodb, "ListTables", {}, "TableNames", { token: "ExclusiveStartTableName", next: "LastEvaluatedTableName" });
    described = await Promise.all(names.map((n) => dynamodb("DescribeTable", { TableName: n }).then((d) => d.Table)));
  } catch (err) {
    replace(body, errorNotice(err));
    return;
  }
  if (!described.length) {
    replace(body, notice("empty", "No tables", "Tables come from a template or CreateTable."));
    return;
  }
  replace(body, listTable("tables", "DynamoDB tables", ["Name", "Keys", "Indexes", "Items", "Status"], described.map((t) => [
    h("a", { href: href(["tables", t.TableName]) }, t.TableName), keyText(t.KeySchema),
    [...(t.GlobalSecondaryIndexes || []), ...(t.LocalSecondaryIndexes || [])].map((i) => i.IndexName).join(", ") || "—",
    String(t.ItemCount ?? "—"), t.TableStatus])));
}

function indexesOf(table) {
  return [{ name: "", label: `${table.TableName} (table)`, schema: table.KeySchema },
    ...(table.GlobalSecondaryIndexes || []).map((i) => ({ name: i.IndexName, label: `${i.IndexName} (global index)`, schema: i.KeySchema })),
    ...(table.LocalSecondaryIndexes || []).map((i) => ({ name: i.IndexName, label: `${i.IndexName} (local index)`, schema: i.KeySchema }))];
}

function queryForm(table, params, onRun) {
  const types = Object.fromEntries((table.AttributeDefinitions || []).map((a) => [a.AttributeName, a.AttributeType]));
  const indexes = indexesOf(table);
  const mode = h("select", { id: "item-mode" }, ["scan", "query"].map((m) => h("option", { value: m, selected: m === (params.mode || "scan") }, m === "scan" ? "Scan" : "Query")));
  const index = h("select", { id: "item-index" }, indexes.map((i) => h("option", { value: i.name, selected: i.name === (params.index || "") }, i.label)));
  const pk = h("input", { id: "pk-value", value: params.pk || "", autocomplete: "off" });
  const op = h("select", { id: "sk-op", "aria-label": "Sort key condition" }, SORT_OPS.map((o) => h("option", { value: o, selected: o === (params.op || "=") }, o)));
  const sk = h("input", { id: "sk-value", value: params.sk || "", autocomplete: "off", "aria-label": "Sort key value" });
  const sk2 = h("input", { id: "sk-value2", value: params.sk2 || "", autocomplete: "off", "aria-label": "Upper bound" });
  const pkLabel = h("label", { for: "pk-value" });
  const skBox = h("div", {}, h("label", { for: "sk-value", class: "sk-label" }), h("div", { class: "actions" }, op, sk, sk2));
  const keyBox = h("div", { class: "filters" }, h("div", {}, pkLabel, pk), skBox);

  const chosen = () => indexes.find((i) => i.name === index.value) || indexes[0];
  const sync = () => {
    const schema = chosen().schema;
    const hash = schema.find((k) => k.KeyType === "HASH");
    const range = schema.find((k) => k.KeyType === "RANGE");
    pkLabel.textContent = `${hash.AttributeName} =`;
    skBox.hidden = !range;
    skBox.querySelector(".sk-label").textContent = range ? `${range.AttributeName} (optional)` : "";
    sk2.hidden = op.value !== "between";
    keyBox.hidden = mode.value !== "query";
  };
  [mode, index, op].forEach((el) => el.addEventListener("change", sync));

  const build = () => {
    const request = { TableName: table.TableName, Limit: 25 };
    if (index.value) request.IndexName = index.value;
    if (mode.value !== "query") return request;
    const schema = chosen().schema;
    const hash = schema.find((k) => k.KeyType === "HASH");
    const range = schema.find((k) => k.KeyType === "RANGE");
    const names = { "#pk": hash.AttributeName };
    const values = { ":pk": keyValue(types[hash.AttributeName], pk.value) };
    let condition = "#pk = :pk";
    if (range && sk.value !== "") {
      names["#sk"] = range.AttributeName;
      values[":sk"] = keyValue(types[range.AttributeName], sk.value);
      if (op.value === "begins_with") condition += " AND begins_with(#sk, :sk)";
      else if (op.value === "between") {
        values[":sk2"] = keyValue(types[range.AttributeName], sk2.value);
        condition += " AND #sk BETWEEN :sk AND :sk2";
      } else condition += ` AND #sk ${op.value} :sk`;
    }
    return { ...request, KeyConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
  };
  const run = h("button", { type: "submit", class: "primary", id: "run-items" }, "Run");
  const form = h("form", { class: "item-query", onsubmit: (e) => {
    e.preventDefault();
    updateParams({ mode: mode.value, index: index.value, pk: pk.value, op: op.value, sk: sk.value, sk2: sk2.value });
    onRun(mode.value === "query" ? "Query" : "Scan", build());
  } },
  h("div", { class: "filters" }, h("div", {}, h("label", { for: "item-mode" }, "Operation"), mode),
    h("div", {}, h("label", { for: "item-index" }, "Table or index"), index)), keyBox, h("div", { class: "actions" }, run));
  sync();
  return form;
}

function itemEditor(table, onSaved) {
  const keyNames = table.KeySchema.map((k) => k.AttributeName);
  const text = h("textarea", { id: "item-json", rows: 12, spellcheck: false, "aria-describedby": "item-json-status" });
  const status = h("p", { id: "item-json-status", class: "meta", "aria-live": "polite" });
  const title = h("h2", {}, "Item");
  const save = h("button", { type: "button", class: "primary", id: "item-save" }, "Save item");
  const del = h("button", { type: "button", class: "danger", id: "item-delete" }, "Delete item");
  const el = h("section", { class: "item-editor", id: "item-editor", hidden: true }, title,
    h("p", { class: "meta" }, "DynamoDB JSON: every value typed, e.g. {\"name\": {\"S\": \"Ada\"}, \"age\": {\"N\": \"36\"}}."),
    h("label", { for: "item-json" }, "Item (DynamoDB JSON)"), text, status,
    h("div", { class: "actions" }, save, del, h("button", { type: "button", onclick: () => { el.hidden = true; } }, "Close")));
  text.addEventListener("input", () => {
    const parsed = parseJsonInput(text.value);
    status.textContent = parsed.ok ? "" : parsed.error;
    save.disabled = !parsed.ok;
  });
  save.addEventListener("click", async () => {
    const parsed = parseJsonInput(text.value);
    if (!parsed.ok) return;
    try {
      await dynamodb("PutItem", { TableName: table.TableName, Item: parsed.value });
      // The item exists now: it can be deleted from here.
      title.textContent = "Item";
      del.hidden = false;
      status.textContent = "Saved.";
      toast("Item saved");
      onSaved();
    } catch (err) {
      status.textContent = `${err.type}: ${err.message}`;
    }
  });
  del.addEventListener("click", async () => {
    const parsed = parseJsonInput(text.value);
    if (!parsed.ok || !window.confirm("Delete this item?")) return;
    const key = Object.fromEntries(keyNames.map((k) => [k, parsed.value[k]]));
    try {
      await dynamodb("DeleteItem", { TableName: table.TableName, Key: key });
      toast("Item deleted");
      el.hidden = true;
      onSaved();
    } catch (err) {
      status.textContent = `${err.type}: ${err.message}`;
    }
  });
  return {
    el,
    open(item, isNew = false) {
      title.textContent = isNew ? "New item" : "Item";
      text.value = JSON.stringify(item, null, 2);
      status.textContent = "";
      save.disabled = false;
      del.hidden = isNew;
      el.hidden = false;
      text.focus();
    },
  };
}

export async function tableView(root, { segments, params }) {
  const name = segments[1];
  const crumb = ["DynamoDB tables", href(["tables"])];
  let table;
  try {
    table = (await dynamodb("DescribeTable", { TableName: name })).Table;
  } catch (err) {
    replace(root, viewHeader(name, { crumb }), errorNotice(err));
    return;
  }
  const keyNames = table.KeySchema.map((k) => k.AttributeName);
  const results = h("div", { id: "item-results" });
  let pages = [];
  let last = null;
  const editor = itemEditor(table, () => last && show(last.action, last.request, last.start));
  async function show(action, request, start) {
    last = { action, request, start };
    replace(results, notice("loading", `${action}…`));
    let page;
    try {
      page = await dynamodb(action, start ? { ...request, ExclusiveStartKey: start } : request);
    } catch (err) {
      replace(results, errorNotice(err));
      return;
    }
    const items = page.Items || [];
    // The keys of the index being read first, then the table's, then the other attributes.
    const index = indexesOf(table).find((i) => i.name === (request.IndexName || ""));
    const columns = columnsFor(items, [...new Set([...index.schema.map((k) => k.AttributeName), ...keyNames])]);
    const prev = h("button", { type: "button", id: "page-prev", disabled: !pages.length, onclick: () => show(action, request, pages.pop()) }, "Previous page");
    const next = h("button", { type: "button", id: "page-next", disabled: !page.LastEvaluatedKey, onclick: () => { pages.push(start); show(action, request, page.LastEvaluatedKey); } }, "Next page");
    replace(results, h("p", { class: "meta", id: "item-count" }, `${action}: ${items.length} items on this page (${page.ScannedCount ?? items.length} read)`),
      items.length ? listTable("items", "Items", columns, items.map((item) => h("tr", { dataset: { key: JSON.stringify(keyNames.map((k) => item[k])) } },
        columns.map((c, i) => h("td", {}, i === 0 ? h("button", { type: "button", class: "link", onclick: () => editor.open(item) }, showValue(item[c]) || "(item)") : showValue(item[c])))))) :
        notice("empty", "No items match"),
      h("div", { class: "actions" }, prev, next));
  }
  const form = queryForm(table, params, (action, request) => { pages = []; show(action, request, null); });
  const indexes = [...(table.GlobalSecondaryIndexes || []).map((i) => [i, "global"]), ...(table.LocalSecondaryIndexes || []).map((i) => [i, "local"])];
  const blank = Object.fromEntries(keyNames.map((k) => [k, { [(table.AttributeDefinitions.find((a) => a.AttributeName === k) || {}).AttributeType || "S"]: "" }]));
  replace(root, viewHeader(table.TableName, { crumb, meta: `${table.ItemCount ?? 0} items · ${table.TableStatus}`,
    actions: h("button", { type: "button", id: "item-new", onclick: () => editor.open(blank, true) }, "New item") }),
  keyValues("table-summary", [["Keys", keyText(table.KeySchema)], ["Items", String(table.ItemCount ?? 0)],
    ["Billing", (table.BillingModeSummary && table.BillingModeSummary.BillingMode) || "PROVISIONED"],
    ["Created", formatDate(table.CreationDateTime ? new Date(table.CreationDateTime * 1000) : null)], ["ARN", table.TableArn]]),
  indexes.length ? section("Indexes", listTable("table-indexes", "Indexes", ["Name", "Kind", "Keys", "Projection"],
    indexes.map(([i, kind]) => [i.IndexName, kind, keyText(i.KeySchema), (i.Projection && i.Projection.ProjectionType) || "—"]))) : null,
  section("Items", form, editor.el, results));
  const request = { TableName: table.TableName, Limit: 25 };
  if (params.mode === "query") form.requestSubmit(); else show("Scan", params.index ? { ...request, IndexName: params.index } : request, null);
}
