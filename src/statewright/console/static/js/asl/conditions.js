// Choice rules as short readable text for edge labels: `$.amount > 100 and $.vip == true`.

const COMPARISONS = {
  Equals: "==", LessThan: "<", GreaterThan: ">", LessThanEquals: "<=", GreaterThanEquals: ">=",
};
const KINDS = ["String", "Numeric", "Boolean", "Timestamp"];

function literal(value) {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
}

function comparison(rule) {
  for (const [key, value] of Object.entries(rule)) {
    if (key === "StringMatches") return `${rule.Variable} matches ${literal(value)}`;
    const kind = KINDS.find((k) => key.startsWith(k));
    if (!kind) continue;
    let op = key.slice(kind.length);
    const isPath = op.endsWith("Path");
    if (isPath) op = op.slice(0, -4);
    if (COMPARISONS[op]) {
      const rhs = isPath ? value : literal(value);
      // Timestamps compare as times, not strings; say so when it is not obvious.
      const suffix = kind === "Timestamp" && !isPath ? " (time)" : "";
      return `${rule.Variable} ${COMPARISONS[op]} ${rhs}${suffix}`;
    }
  }
  const tests = {
    IsNull: ["is null", "is not null"], IsPresent: ["is present", "is absent"],
    IsNumeric: ["is numeric", "is not numeric"], IsString: ["is a string", "is not a string"],
    IsBoolean: ["is boolean", "is not boolean"], IsTimestamp: ["is a timestamp", "is not a timestamp"],
  };
  for (const [key, [yes, no]] of Object.entries(tests)) {
    if (key in rule) return `${rule.Variable} ${rule[key] ? yes : no}`;
  }
  return null;
}

function wrap(text, nested) {
  return nested ? `(${text})` : text;
}

export function describeRule(rule, nested = false) {
  if (!rule || typeof rule !== "object") return "?";
  if (typeof rule.Condition === "string") {
    return rule.Condition.replace(/^\s*\{%\s*/, "").replace(/\s*%\}\s*$/, "");
  }
  if (Array.isArray(rule.And)) return wrap(rule.And.map((r) => describeRule(r, true)).join(" and "), nested);
  if (Array.isArray(rule.Or)) return wrap(rule.Or.map((r) => describeRule(r, true)).join(" or "), nested);
  if (rule.Not) return `not ${describeRule(rule.Not, true)}`;
  return comparison(rule) || JSON.stringify(rule);
}

// Labels longer than this are cut on the graph (the full text is in the tooltip).
export function shorten(text, max = 48) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
