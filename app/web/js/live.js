// Statuses update without reloading: the current view re-reads the API every few seconds while
// the tab is visible, and redraws only when the answer changed.

export class Poller {
  constructor(load, render, intervalMs = 2500) {
    this.load = load;
    this.render = render;
    this.intervalMs = intervalMs;
    this.timer = null;
    this.last = null;
    this.stopped = false;
  }

  start() {
    this.tick();
    return this;
  }

  async tick() {
    if (this.stopped) return;
    if (document.visibilityState !== "hidden") {
      try {
        const data = await this.load();
        const digest = JSON.stringify(data);
        if (!this.stopped && digest !== this.last) {
          this.last = digest;
          this.render(data, null);
        }
      } catch (error) {
        if (!this.stopped) {
          this.last = null;
          this.render(null, error);
        }
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  refresh() {
    clearTimeout(this.timer);
    this.last = null;
    this.tick();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
