import { ErrorCodes } from '../../core/errors';
import type { AlertTransition } from '../alert-model';
import type { ConditionSignal } from '../rules/rule-kind';
import { AlertLifecycle, type AlertSubject } from './alert-lifecycle';
import { EVENT_HOLD_MS, FLAP_SETTLE_MS, FLAP_START_CHANGES, RESOLVED_RETENTION_MS } from './lifecycle-timing';

const T0 = Date.UTC(2025, 2, 3, 14);
const MIN = 60_000;
const SUBJECT: AlertSubject = {
  kpi: 'cash_position',
  ruleId: 'cash-warning',
  origin: 'static',
  category: 'financial',
  impact: 5,
  labels: { team: 'treasury', source: 'derived' },
  ruleFile: 'metrics_config.json',
};
const ON: ConditionSignal = { active: true, severity: 'warning', summary: 'cash low', value: 5, threshold: 6 };
const OFF: ConditionSignal = { active: false, severity: 'warning', summary: 'cash recovered', value: 7 };
const CFO = { kind: 'user', name: 'cfo' } as const;

/** A lifecycle driven by a script of steps; returns `from→to` of every transition. */
class Script {
  readonly lc = new AlertLifecycle();
  readonly out: AlertTransition[] = [];
  t = T0;
  constructor(readonly forMs = 0) {}
  signal(s: ConditionSignal, atMin?: number): this {
    if (atMin !== undefined) this.t = T0 + atMin * MIN;
    this.lc.apply(SUBJECT, 'fp1', {}, s, this.forMs, this.t, this.out);
    return this;
  }
  tick(atMin: number): this {
    this.t = T0 + atMin * MIN;
    this.lc.tick(this.t, this.out);
    return this;
  }
  moves(): string[] {
    return this.out.map((t) => `${t.from ?? 'none'}→${t.to}`);
  }
}

describe('AlertLifecycle', () => {
  it.each([
    ['no for: fires at once', 0, (s: Script) => s.signal(ON, 0), ['none→firing']],
    ['for: pending, then firing on the tick at its end', 30 * MIN, (s: Script) => s.signal(ON, 0).tick(29).tick(30), ['none→pending', 'pending→firing']],
    ['for: cleared before it ends', 30 * MIN, (s: Script) => s.signal(ON, 0).signal(OFF, 10).tick(40), ['none→pending', 'pending→resolved']],
    ['resolved by the condition', 0, (s: Script) => s.signal(ON, 0).signal(ON, 5).signal(OFF, 10), ['none→firing', 'firing→resolved']],
    ['a returning condition starts a new cycle', 0, (s: Script) => s.signal(ON, 0).signal(OFF, 10).signal(ON, 20), ['none→firing', 'firing→resolved', 'resolved→firing']],
    ['inactive signals without an alert do nothing', 0, (s: Script) => s.signal(OFF, 0).signal(OFF, 5), []],
  ])('%s', (_name, forMs, run, expected) => {
    const s = new Script(forMs);
    run(s);
    expect(s.moves()).toEqual(expected);
  });

  it('records who acknowledged, with the comment, and keeps it until the condition clears', () => {
    const s = new Script().signal(ON, 0);
    s.lc.acknowledge('fp1', CFO, '  looking into it ', T0 + 3 * MIN, s.out);
    s.lc.acknowledge('fp1', CFO, 'again', T0 + 4 * MIN, s.out); // no second transition
    s.signal(ON, 5).signal(OFF, 10);
    expect(s.moves()).toEqual(['none→firing', 'firing→acknowledged', 'acknowledged→resolved']);
    const ack = s.out[1]!;
    expect(ack).toMatchObject({ actor: CFO, at: T0 + 3 * MIN, reason: 'acknowledged by cfo: looking into it' });
    expect(ack.alert).toMatchObject({ state: 'acknowledged', acknowledgedAt: T0 + 3 * MIN, acknowledgedBy: 'cfo' });
    expect(s.out[2]!.actor).toEqual({ kind: 'system', name: 'finmon' });
  });

  it.each([
    ['pending', 30 * MIN, ErrorCodes.ALERT_TRANSITION_INVALID, 409],
    ['resolved', 0, ErrorCodes.ALERT_TRANSITION_INVALID, 409],
  ])('refuses to acknowledge a %s alert', (state, forMs, code, status) => {
    const s = new Script(forMs).signal(ON, 0);
    if (state === 'resolved') s.signal(OFF, 1);
    expect(() => s.lc.acknowledge('fp1', CFO, undefined, T0 + 2 * MIN, s.out)).toThrow(
      expect.objectContaining({ code, httpStatus: status, message: `alert fp1 is ${state}; only a firing alert can be acknowledged` }),
    );
  });

  it('answers NOT_FOUND for an unknown fingerprint', () => {
    const s = new Script();
    expect(() => s.lc.acknowledge('nope', CFO, undefined, T0, s.out)).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND, httpStatus: 404 }));
    expect(() => s.lc.resolve('nope', CFO, undefined, T0, s.out)).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND }));
  });

  it('keeps a manually resolved alert resolved while its condition holds, and starts over after it cleared', () => {
    const s = new Script().signal(ON, 0);
    s.lc.resolve('fp1', CFO, 'known issue, fixing', T0 + MIN, s.out);
    s.signal(ON, 5).signal(ON, 10); // still active: stays resolved
    s.signal(OFF, 15).signal(ON, 20); // cleared, then back: a new cycle
    expect(s.moves()).toEqual(['none→firing', 'firing→resolved', 'resolved→firing']);
    expect(s.out[1]).toMatchObject({ actor: CFO, reason: 'resolved by cfo: known issue, fixing' });
    expect(s.out[2]!.alert.startsAt).toBe(T0 + 20 * MIN);
  });

  it('resolves a pending alert by hand too', () => {
    const s = new Script(30 * MIN).signal(ON, 0);
    s.lc.resolve('fp1', CFO, undefined, T0 + MIN, s.out);
    s.tick(40);
    expect(s.moves()).toEqual(['none→pending', 'pending→resolved']);
  });

  it('reports severity changes of an open alert as update transitions', () => {
    const s = new Script().signal(ON, 0).signal({ ...ON, severity: 'critical' }, 1).signal(ON, 2);
    expect(s.moves()).toEqual(['none→firing', 'firing→firing', 'firing→firing']);
    expect(s.out.map((t) => t.reason)).toEqual(['cash low', 'severity raised from warning to critical: cash low', 'severity lowered from critical to warning: cash low']);
    expect(s.out[1]!.alert.priority).toBeGreaterThan(s.out[0]!.alert.priority);
  });

  it(`marks an alert flapping after ${FLAP_START_CHANGES} state changes in the window and announces when it settled`, () => {
    const s = new Script();
    for (let i = 0; i < FLAP_START_CHANGES / 2; i++) s.signal(ON, i * 20).signal(OFF, i * 20 + 10);
    const flags = s.out.map((t) => t.alert.flapping);
    expect(flags).toEqual([...Array(FLAP_START_CHANGES - 1).fill(false), true]);
    const last = (FLAP_START_CHANGES / 2 - 1) * 20 + 10;
    s.tick(last + FLAP_SETTLE_MS / MIN - 1);
    expect(s.out).toHaveLength(FLAP_START_CHANGES);
    s.tick(last + FLAP_SETTLE_MS / MIN);
    const settled = s.out.at(-1)!;
    expect(settled).toMatchObject({ from: 'resolved', to: 'resolved', reason: 'stopped flapping; resolved' });
    expect(settled.alert.flapping).toBe(false);
  });

  it('holds an event for EVENT_HOLD_MS, then resolves it (on a tick, or before the next event)', () => {
    const event: ConditionSignal = { active: true, severity: 'info', summary: 'passed 5M', event: true };
    const s = new Script(30 * MIN).signal(event, 0); // `for` does not apply to events
    s.tick(EVENT_HOLD_MS / MIN - 1).tick(EVENT_HOLD_MS / MIN);
    s.signal(event, 60).signal(event, 60 + EVENT_HOLD_MS / MIN);
    expect(s.moves()).toEqual(['none→firing', 'firing→resolved', 'resolved→firing', 'firing→resolved', 'resolved→firing']);
  });

  it('forgets resolved alerts after the retention, keeps open ones', () => {
    const s = new Script().signal(ON, 0).signal(OFF, 1);
    s.lc.apply({ ...SUBJECT, ruleId: 'other' }, 'fp2', {}, ON, 0, T0, s.out);
    s.tick(1 + RESOLVED_RETENTION_MS / MIN);
    expect(s.lc.get('fp1')).toBeUndefined();
    expect(s.lc.get('fp2')?.state).toBe('firing');
  });

  it('restores pending alerts with their `for` timer from a snapshot', () => {
    const s = new Script(30 * MIN).signal(ON, 0).tick(20);
    const restored = new AlertLifecycle();
    restored.restore(JSON.parse(JSON.stringify(s.lc.snapshot())));
    expect(restored.nextDueAt()).toBe(T0 + 30 * MIN);
    const out: AlertTransition[] = [];
    restored.tick(T0 + 30 * MIN, out);
    expect(out.map((t) => `${t.from}→${t.to}`)).toEqual(['pending→firing']);
    expect(restored.drainChanges().history[0]!.seq).toBe(2);
  });

  it('queues changed alerts and numbered history for the store, once', () => {
    const s = new Script().signal(ON, 0).signal(ON, 1).signal(OFF, 2);
    const first = s.lc.drainChanges();
    expect(first.alerts.map((a) => a.alert.state)).toEqual(['resolved']);
    expect(first.history.map((h) => [h.seq, h.transition.to])).toEqual([
      [1, 'firing'],
      [2, 'resolved'],
    ]);
    expect(s.lc.drainChanges()).toEqual({ alerts: [], history: [] });
  });
});
