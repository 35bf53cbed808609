// DynamoDB's typed attribute values ({"S": "x"}, {"N": "1"}, {"M": {...}}) shown as short text.

export function showValue(value) {
  if (!value || typeof value !== "object") return "";
  const [type, v] = Object.entries(value)[0] || [];
  switch (type) {
    case "S": case "N": case "B": return String(v);
    case "BOOL": return String(v);
    case "NULL": return "null";
    case "SS": case "NS": case "BS": return `{${v.join(", ")}}`;
    case "L": return `[${v.map(showValue).join(", ")}]`;
    case "M": return `{${Object.entries(v).map(([k, x]) => `${k}: ${showValue(x)}`).join(", ")}}`;
    default: return JSON.stringify(value);
  }
}

// The typed value for a key attribute typed into a form field.
export function keyValue(type, text) {
  return { [type || "S"]: String(text) };
}

// The columns to show for a page of items: the key attributes first, then the others by
// how many items have them, up to `max`.
export function columnsFor(items, keyNames, max = 8) {
  const counts = new Map();
  for (const item of items) for (const name of Object.keys(item)) counts.set(name, (counts.get(name) || 0) + 1);
  const others = [...counts.keys()].filter((n) => !keyNames.includes(n)).sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
  return [...keyNames.filter((n) => counts.has(n) || !items.length), ...others].slice(0, max);
}
