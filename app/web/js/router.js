// Hash routes (`#/tasks/<id>`): a static bucket serves one index.html, so the page's state lives
// in the fragment and every view has a URL that can be bookmarked and shared.

export function current() {
  const raw = location.hash.replace(/^#/, "") || "/tasks";
  const [path, query = ""] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function link(parts, params) {
  const path = parts.map((p) => encodeURIComponent(p)).join("/");
  const query = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString() : "";
  return `#/${path}${query ? `?${query}` : ""}`;
}

export function go(parts, params) {
  location.hash = link(parts, params);
}
