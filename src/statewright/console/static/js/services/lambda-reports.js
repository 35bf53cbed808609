// Recent Lambda invocations read from the function's log group: START/END/REPORT lines
// (Duration, Init Duration = a cold start) and, between them, whether the handler failed.

const REQUEST = /^(START|END|REPORT) RequestId: ([0-9a-f-]+)/;
const FAILED = /\[ERROR\]|Traceback \(most recent call last\)|"errorMessage"|Task timed out|Status: (error|timeout)/;

function field(message, name) {
  const m = new RegExp(`${name}: ([0-9.]+) (ms|MB)`).exec(message);
  return m ? Number(m[1]) : null;
}

// events: FilterLogEvents events of one log group. Returns invocations, newest first.
export function invocationsFromLogs(events) {
  const byStream = new Map();
  for (const e of events) {
    if (!byStream.has(e.logStreamName)) byStream.set(e.logStreamName, []);
    byStream.get(e.logStreamName).push(e);
  }
  const found = [];
  for (const [stream, list] of byStream) {
    list.sort((a, b) => a.timestamp - b.timestamp || String(a.eventId).localeCompare(String(b.eventId)));
    let current = null;
    for (const e of list) {
      const message = String(e.message || "");
      const m = REQUEST.exec(message);
      if (m && m[1] === "START") {
        current = { requestId: m[2], stream, start: e.timestamp, failed: false };
        continue;
      }
      if (current && FAILED.test(message)) current.failed = true;
      if (m && m[1] === "REPORT") {
        const inv = current && current.requestId === m[2] ? current : { requestId: m[2], stream, start: e.timestamp, failed: false };
        inv.duration = field(message, "Duration");
        inv.init = field(message, "Init Duration");
        inv.memoryUsed = field(message, "Max Memory Used");
        inv.cold = inv.init !== null;
        if (/Status: (error|timeout)/.test(message)) inv.failed = true;
        found.push(inv);
        current = null;
      }
    }
  }
  return found.sort((a, b) => b.start - a.start);
}

// Environment variables whose names suggest a secret are masked until asked for.
export function isSecretName(name) {
  return /secret|token|passw|credential|private|api_?key|auth/i.test(String(name));
}
