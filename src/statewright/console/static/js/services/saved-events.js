// Test events for a Lambda function, kept in this browser's localStorage by function name.

const key = (fn) => `statewright.lambdaEvents.${fn}`;

export function loadEvents(fn) {
  try {
    const saved = JSON.parse(localStorage.getItem(key(fn)) || "{}");
    return saved && typeof saved === "object" ? saved : {};
  } catch {
    return {};
  }
}

export function saveEvent(fn, name, text) {
  const events = loadEvents(fn);
  events[name] = text;
  localStorage.setItem(key(fn), JSON.stringify(events));
  return events;
}

export function deleteEvent(fn, name) {
  const events = loadEvents(fn);
  delete events[name];
  localStorage.setItem(key(fn), JSON.stringify(events));
  return events;
}
