// Hash routes (#/path?query) so every view is a URL that can be shared and reloaded, and
// the server only ever serves index.html.

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [pathPart, queryPart = ""] = raw.split("?");
  const segments = pathPart.split("/").filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(queryPart));
  return { segments, params };
}

export function href(segments, params = {}) {
  const path = segments.map((s) => encodeURIComponent(s)).join("/");
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  ).toString();
  return `#/${path}${query ? `?${query}` : ""}`;
}

export function navigate(segments, params) {
  location.hash = href(segments, params);
}

// Changes query parameters in place (selected state, tab) without re-rendering the view:
// the URL stays shareable but the graph keeps its zoom.
export function updateParams(changes) {
  const { segments, params } = parseHash();
  const next = { ...params, ...changes };
  history.replaceState(null, "", href(segments, next));
}
