// Zoom and pan for the graph SVG: wheel or pinch to zoom, drag to pan, keys + - 0 and arrows,
// so a 100-state machine stays usable on a laptop and on a phone.

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;

export function attachViewport(svg, layer, contentSize) {
  const view = { x: 0, y: 0, k: 1 };
  const apply = () => layer.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`);

  function zoomAt(factor, cx, cy) {
    const k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.k * factor));
    view.x = cx - ((cx - view.x) * k) / view.k;
    view.y = cy - ((cy - view.y) * k) / view.k;
    view.k = k;
    apply();
  }

  function center() {
    const r = svg.getBoundingClientRect();
    return [r.width / 2, r.height / 2];
  }

  // fit(0) shows the whole graph; fit(0.75) stops shrinking where 13px text gets hard to
  // read and shows the top of a tall graph instead, for the user to pan down.
  function fit(minScale = 0) {
    const r = svg.getBoundingClientRect();
    if (!r.width || !r.height) return;
    // Never enlarge a small machine past 1:1; a three-state graph blown up looks broken.
    // The top strip is left to the zoom toolbar so it never covers the Start node.
    const top = 40;
    const whole = Math.min(1, (r.width - 16) / contentSize.width, (r.height - top - 8) / contentSize.height);
    const k = Math.max(MIN_SCALE, Math.min(1, Math.max(whole, minScale)));
    view.k = k;
    view.x = (r.width - contentSize.width * k) / 2;
    view.y = top + Math.max(0, (r.height - top - contentSize.height * k) / 2);
    apply();
  }

  // Brings a node into view without changing the zoom, for keyboard and deep-link selection.
  function reveal(box) {
    const r = svg.getBoundingClientRect();
    const left = view.x + (box.x - box.width / 2) * view.k;
    const right = view.x + (box.x + box.width / 2) * view.k;
    const top = view.y + (box.y - box.height / 2) * view.k;
    const bottom = view.y + (box.y + box.height / 2) * view.k;
    if (left < 0 || right > r.width) view.x += r.width / 2 - (left + right) / 2;
    if (top < 0 || bottom > r.height) view.y += r.height / 2 - (top + bottom) / 2;
    apply();
  }

  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(Math.exp(-event.deltaY * 0.0015), event.clientX - r.left, event.clientY - r.top);
  }, { passive: false });

  const pointers = new Map();
  let dragged = false;
  let pinch = null;
  svg.addEventListener("pointerdown", (event) => {
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    dragged = false;
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) };
    }
  });
  svg.addEventListener("pointermove", (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    const dx = event.clientX - last.x;
    const dy = event.clientY - last.y;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && pinch) {
      const [a, b] = [...pointers.values()];
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      const r = svg.getBoundingClientRect();
      zoomAt(distance / pinch.distance, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
      pinch.distance = distance;
      dragged = true;
      return;
    }
    if (!dragged && Math.hypot(dx, dy) < 3) return;
    if (!dragged) svg.setPointerCapture(event.pointerId);
    dragged = true;
    view.x += dx;
    view.y += dy;
    apply();
  });
  const release = (event) => {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
  };
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);
  // A drag that ends on a node must not also select it.
  svg.addEventListener("click", (event) => {
    if (dragged) {
      event.stopPropagation();
      dragged = false;
    }
  }, true);

  svg.addEventListener("keydown", (event) => {
    const step = 60;
    const actions = {
      "+": () => zoomAt(1.25, ...center()), "=": () => zoomAt(1.25, ...center()),
      "-": () => zoomAt(0.8, ...center()), 0: () => fit(),
      ArrowLeft: () => { view.x += step; apply(); }, ArrowRight: () => { view.x -= step; apply(); },
      ArrowUp: () => { view.y += step; apply(); }, ArrowDown: () => { view.y -= step; apply(); },
    };
    const act = actions[event.key];
    if (act && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      act();
    }
  });

  return {
    fit, reveal,
    zoomIn: () => zoomAt(1.25, ...center()),
    zoomOut: () => zoomAt(0.8, ...center()),
    actual: () => { const [cx, cy] = center(); zoomAt(1 / view.k, cx, cy); },
    get scale() { return view.k; },
  };
}
