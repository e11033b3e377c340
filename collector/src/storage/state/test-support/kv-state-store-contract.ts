import { ManualClock } from '../../../core/clock';
import { ErrorCodes } from '../../../core/errors';
import type { KvStateStore } from '../kv-state-store';

/** Builds a fresh, empty store on the given clock; `dispose` releases it. */
export type KvStoreFactory = (clock: ManualClock) => Promise<{ store: KvStateStore; dispose(): Promise<void> }>;

/** The behaviour every `KvStateStore` shares; call inside a describe block. */
export function kvStateStoreContract(factory: KvStoreFactory): void {
  const T0 = Date.UTC(2025, 0, 2, 9, 30);
  let clock: ManualClock;
  let store: KvStateStore;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    ({ store, dispose } = await factory(clock));
  });
  afterEach(async () => dispose());

  it('returns undefined for a key never written', async () => {
    expect(await store.get('demo', 'missing')).toBeUndefined();
  });

  it('round-trips JSON values with the time of the write', async () => {
    const value = { incidents: [{ kpi: 'revenue', factor: 0.5 }], note: 'ünïcode ✓', n: 1.25, nothing: null };
    await store.set('demo', 'incidents', value);
    expect(await store.get('demo', 'incidents')).toEqual({
      namespace: 'demo',
      key: 'incidents',
      value,
      updatedAt: T0,
    });
  });

  it('replaces a value and its time on a second write', async () => {
    await store.set('config', 'version', 1);
    clock.advance(60_000);
    await store.set('config', 'version', 2);
    expect(await store.get('config', 'version')).toMatchObject({ value: 2, updatedAt: T0 + 60_000 });
  });

  it('keeps namespaces apart', async () => {
    await store.set('a', 'k', 'in a');
    await store.set('b', 'k', 'in b');
    expect((await store.get('a', 'k'))?.value).toBe('in a');
    expect((await store.get('b', 'k'))?.value).toBe('in b');
    expect(await store.list('a')).toHaveLength(1);
  });

  it('lists a namespace ordered by key code units, whatever the server collation', async () => {
    for (const key of ['b', 'B', 'a', '_x', 'a2']) await store.set('ns', key, key.length);
    await store.set('other', 'zzz', 0);
    expect((await store.list('ns')).map((e) => e.key)).toEqual(['B', '_x', 'a', 'a2', 'b']);
    expect(await store.list('empty')).toEqual([]);
  });

  it('deletes a value and says whether one was there', async () => {
    await store.set('demo', 'k', true);
    expect(await store.delete('demo', 'k')).toBe(true);
    expect(await store.get('demo', 'k')).toBeUndefined();
    expect(await store.delete('demo', 'k')).toBe(false);
  });

  it('rejects a value without a JSON form and keeps the previous value', async () => {
    await store.set('demo', 'k', 'kept');
    await expect(store.set('demo', 'k', undefined)).rejects.toMatchObject({
      code: ErrorCodes.STORAGE_REJECTED,
      message: expect.stringContaining('demo/k'),
    });
    await expect(store.set('demo', 'k', { big: 1n })).rejects.toMatchObject({ code: ErrorCodes.STORAGE_REJECTED });
    expect((await store.get('demo', 'k'))?.value).toBe('kept');
  });

  it('hands out copies: mutating a read value does not change the stored one', async () => {
    await store.set('demo', 'obj', { list: [1] });
    const read = (await store.get('demo', 'obj'))?.value as { list: number[] };
    read.list.push(2);
    expect((await store.get('demo', 'obj'))?.value).toEqual({ list: [1] });
  });
}
