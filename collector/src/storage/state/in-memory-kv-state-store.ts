import type { Clock } from '../../core/clock';
import { compareKeys, encodeKvValue, type KvEntry, type KvStateStore } from './kv-state-store';

/**
 * A `KvStateStore` in a Map, for tests of the modules that keep state. Values go through JSON like
 * the SQL store, so a test cannot pass by sharing a mutable object with the code under test.
 */
export class InMemoryKvStateStore implements KvStateStore {
  private readonly entries = new Map<string, { namespace: string; key: string; text: string; updatedAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(namespace: string, key: string): Promise<KvEntry | undefined> {
    const entry = this.entries.get(address(namespace, key));
    return entry === undefined ? undefined : toEntry(entry);
  }

  async set(namespace: string, key: string, value: unknown): Promise<void> {
    const text = encodeKvValue(namespace, key, value);
    this.entries.set(address(namespace, key), { namespace, key, text, updatedAt: this.clock.now() });
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    return this.entries.delete(address(namespace, key));
  }

  async list(namespace: string): Promise<KvEntry[]> {
    return [...this.entries.values()]
      .filter((e) => e.namespace === namespace)
      .sort((a, b) => compareKeys(a.key, b.key))
      .map(toEntry);
  }
}

function address(namespace: string, key: string): string {
  return JSON.stringify([namespace, key]);
}

function toEntry(e: { namespace: string; key: string; text: string; updatedAt: number }): KvEntry {
  return { namespace: e.namespace, key: e.key, value: JSON.parse(e.text), updatedAt: e.updatedAt };
}
