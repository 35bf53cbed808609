// Small DOM helpers: the console has no framework, so views build elements with h().

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key in el && typeof value !== "string") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : value);
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function formatDate(date) {
  if (!date) return "—";
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

// The last part of an ARN (state machine or execution name), for display.
export function arnName(arn) {
  return String(arn || "").split(":").pop();
}

export function statusBadge(status) {
  const s = String(status || "UNKNOWN");
  return h("span", { class: `badge status-${s.toLowerCase()}` }, s.replace(/_/g, " "));
}

// A full-width message for loading, empty and error states, so each view says what is wrong.
export function notice(kind, title, detail, ...actions) {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("strong", {}, title), detail ? h("p", {}, detail) : null,
    actions.length ? h("div", { class: "actions" }, actions) : null);
}

export function errorNotice(err, retry) {
  const title = err && err.type ? err.type : "Error";
  return notice("error", title, err && err.message ? err.message : String(err),
    retry ? h("button", { type: "button", onclick: retry }, "Retry") : null);
}

let toastTimer;
export function toast(message, kind = "info") {
  let el = document.getElementById("toast");
  if (!el) {
    el = h("div", { id: "toast", role: "status", "aria-live": "polite" });
    document.body.append(el);
  }
  el.className = `toast toast-${kind} visible`;
  el.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove("visible"), 4000);
}

// Parses user-typed JSON and says where it is wrong in words a person can act on.
export function parseJsonInput(text) {
  if (!text.trim()) return { ok: false, error: "Empty: enter a JSON value, for example {}" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    // V8 names a position for most errors, none when the text just stops: say where anyway.
    const m = /position (\d+)/.exec(err.message);
    const pos = m ? Number(m[1]) : /end of JSON/i.test(err.message) ? text.length : null;
    if (pos !== null) {
      const before = text.slice(0, pos).split("\n");
      const what = err.message.replace(/ in JSON at position \d+.*/, "").replace(/ \(line \d+ column \d+\)/, "");
      return { ok: false, error: `${what} at line ${before.length}, column ${before[before.length - 1].length + 1}` };
    }
    return { ok: false, error: err.message };
  }
}
