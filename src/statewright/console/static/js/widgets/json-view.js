// Pretty-printed, highlighted JSON where every line knows its JSON pointer, so a state's
// lines can be highlighted and a validation diagnostic can be pinned under the line it names.

import { h } from "../dom.js";

const escapePointer = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");

function printValue(value, pointer, depth, prefix, comma, lines) {
  const pad = "  ".repeat(depth);
  const tail = comma ? [["punct", ","]] : [];
  const isArray = Array.isArray(value);
  if (value === null || typeof value !== "object") {
    const cls = value === null ? "null" : typeof value === "string" ? "string" : typeof value === "number" ? "number" : "boolean";
    lines.push({ pointer, tokens: [["pad", pad], ...prefix, [cls, JSON.stringify(value)], ...tail] });
    return;
  }
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
  if (!entries.length) {
    lines.push({ pointer, tokens: [["pad", pad], ...prefix, ["punct", open + close], ...tail] });
    return;
  }
  lines.push({ pointer, tokens: [["pad", pad], ...prefix, ["punct", open]] });
  entries.forEach(([key, child], i) => {
    const childPrefix = isArray ? [] : [["key", JSON.stringify(key)], ["punct", ": "]];
    printValue(child, `${pointer}/${escapePointer(key)}`, depth + 1, childPrefix, i < entries.length - 1, lines);
  });
  lines.push({ pointer, tokens: [["pad", pad], ["punct", close], ...tail], closing: true });
}

export function jsonLines(value) {
  const lines = [];
  printValue(value, "", 0, [], false, lines);
  return lines;
}

// The deepest state a pointer lies in: "/States/P/Branches/0/States/B/Next" -> that of B.
export function statePointer(pointer) {
  const m = /^(.*\/States\/[^/]+)/.exec(pointer);
  return m ? m[1] : null;
}

export function renderJson(value, { onSelectPointer } = {}) {
  const code = h("code", {});
  const lines = jsonLines(value);
  for (const line of lines) {
    const el = h("span", { class: line.closing ? "line closing" : "line", dataset: { pointer: line.pointer } });
    for (const [cls, text] of line.tokens) el.append(cls === "pad" ? text : h("span", { class: `j-${cls}` }, text));
    el.append("\n");
    code.append(el);
  }
  const pre = h("pre", { class: "json", tabindex: 0 }, code);
  if (onSelectPointer) {
    code.addEventListener("click", (event) => {
      const line = event.target.closest(".line");
      if (line) onSelectPointer(line.dataset.pointer);
    });
  }
  const lineEls = [...code.children];
  return {
    el: pre,
    // Highlights the lines of one state (pointer prefix) and scrolls the first into view.
    highlight(prefix) {
      let first = null;
      for (const el of lineEls) {
        const p = el.dataset.pointer;
        const on = Boolean(prefix) && (p === prefix || p.startsWith(`${prefix}/`));
        el.classList.toggle("hl", on);
        if (on && !first) first = el;
      }
      if (first) pre.scrollTop = first.offsetTop - pre.offsetTop - 8;
    },
    // diagnostics: [{location, message, severity}] pinned under the line with that pointer.
    pin(diagnostics) {
      code.querySelectorAll(".diag").forEach((el) => el.remove());
      for (const diag of diagnostics) {
        let target = null;
        // AWS writes array steps as Branches[0]; the lines use JSON pointers (Branches/0).
        const location = String(diag.location || "").replace(/\[(\d+)\]/g, "/$1");
        for (let p = location; target === null; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
          target = lineEls.find((el) => el.dataset.pointer === p && !el.classList.contains("closing")) || null;
          if (!p) break;
        }
        const note = h("span", { class: `diag diag-${String(diag.severity || "ERROR").toLowerCase()}`, role: "note" },
          `⚠ ${diag.code ? `${diag.code}: ` : ""}${diag.message}\n`);
        if (target) target.after(note);
        else code.prepend(note);
      }
    },
  };
}
