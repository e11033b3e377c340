/**
 * A FIFO queue holding at most `capacity` items: a push into a full queue evicts the oldest item.
 * push, shift-by-take and length are O(1) amortized (a head index into an array that is compacted
 * once the consumed prefix is larger than what is left).
 */
export class BoundedQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`BoundedQueue: capacity must be a positive integer, got ${capacity}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends `item`; returns true when the queue was full and its oldest item was evicted. */
  push(item: T): boolean {
    this.items.push(item);
    if (this.length <= this.capacity) return false;
    this.items[this.head] = undefined;
    this.head++;
    this.compact();
    return true;
  }

  /** Removes and returns up to `max` items, oldest first. */
  take(max: number): T[] {
    const end = Math.min(this.items.length, this.head + Math.max(0, max));
    const taken = this.items.slice(this.head, end) as T[];
    for (let i = this.head; i < end; i++) this.items[i] = undefined;
    this.head = end;
    this.compact();
    return taken;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.clear();
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
