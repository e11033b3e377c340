import type { LiveTimers } from '../live-timers';

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

/**
 * {@link LiveTimers} that fire only when a test calls `advance(ms)`: timers fire in due order
 * (ties in creation order), including ones set by callbacks within the advanced span.
 */
export class ManualTimers implements LiveTimers {
  private now = 0;
  private nextId = 1;
  private pending: Pending[] = [];

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, due: this.now + Math.max(0, ms), callback };
    this.pending.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((t) => t.id !== handle);
  }

  /** Timers waiting, with how long until each fires. */
  waiting(): number[] {
    return this.pending.map((t) => t.due - this.now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const t of this.pending) {
        if (t.due <= until && (next === undefined || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      }
      if (next === undefined) break;
      const fired = next;
      this.pending = this.pending.filter((t) => t !== fired);
      this.now = fired.due;
      fired.callback();
    }
    this.now = until;
  }
}
