import type { Alert, Dispatch, Incident } from '../alerting/alert-model';
import type { GroupNotification } from '../consolidation/consolidator';
import { buildIncident } from '../consolidation/incident-record';
import { alert, HOUR, MINUTE, T0 } from '../consolidation/test-support/alert-fixtures';
import { newEscalationRecord, nextTimerAt, type EscalationRecord } from './escalation-record';
import { Escalator, type EscalationInput } from './escalator';
import { testSettings } from './test-support/settings-fixture';

const cash = alert({ kpi: 'cash_position', severity: 'critical', fingerprint: 'cash' });
const platform = alert({ kpi: 'platform_uptime', severity: 'critical', category: 'operational', fingerprint: 'uptime', labels: { team: 'sre', source: 'platform' } });

function incident(alerts: Alert[], state?: Incident['state']): Incident {
  const built = buildIncident({ id: 'inc-1', groupKey: 'g', alerts, openedAt: T0, updatedAt: T0 });
  return state === undefined ? built : { ...built, state };
}

/** "reason Llevel recipients [channels]" — dispatches as a person would read them. */
function show(d: Dispatch): string {
  return [d.reason, d.level === undefined ? undefined : `L${d.level}`, d.recipients.join(','), d.channels ? `[${d.channels.join(',')}]` : undefined]
    .filter((x) => x !== undefined)
    .join(' ');
}

/** One incident's escalation driven step by step; every dispatch is kept. */
class Run {
  record: EscalationRecord = newEscalationRecord('inc-1', T0);
  readonly sent: Dispatch[] = [];
  constructor(
    readonly escalator = new Escalator(testSettings()),
    public current: Incident = incident([cash]),
  ) {}

  notify(reason: GroupNotification['reason'], now: number, inc: Incident = this.current): string[] {
    this.current = inc;
    const step = this.escalator.onNotification(this.record, { reason, incident: inc }, { incident: inc, muted: false }, now);
    return this.keep(step.record, step.dispatches);
  }

  sync(now: number, input: Partial<EscalationInput> = {}): string[] {
    const step = this.escalator.sync(this.record, { incident: this.current, muted: false, ...input }, now);
    return this.keep(step.record, step.dispatches);
  }

  private keep(record: EscalationRecord, dispatches: readonly Dispatch[]): string[] {
    this.record = record;
    this.sent.push(...dispatches);
    return dispatches.map(show);
  }
}

describe('climbing the levels', () => {
  it('escalates at each timeout, loops `repeat` times, then stops', () => {
    const run = new Run();
    expect(run.notify('firing', T0)).toEqual(['firing L0 priya,tomas [push,sms]']);
    expect(run.sync(T0 + 15 * MINUTE - 1)).toEqual([]);
    expect(run.sync(T0 + 15 * MINUTE)).toEqual(['escalation L1 dana [sms,email]']);
    expect(run.sync(T0 + 45 * MINUTE)).toEqual(['escalation L2 marcus [sms]']);
    expect(run.sync(T0 + 105 * MINUTE)).toEqual(['escalation L0 priya,tomas [push,sms]']); // repeat: 1
    expect(run.escalator.status(run.record)).toMatchObject({ policy: 'finance-critical', level: 0, cycle: 1, state: 'active', nextAt: T0 + 120 * MINUTE });
    expect(run.sync(T0 + 120 * MINUTE)).toEqual(['escalation L1 dana [sms,email]']);
    expect(run.sync(T0 + 150 * MINUTE)).toEqual(['escalation L2 marcus [sms]']);
    expect(run.sync(T0 + 210 * MINUTE)).toEqual([]);
    expect(run.escalator.status(run.record)).toMatchObject({ state: 'exhausted', paged: ['priya', 'tomas', 'dana', 'marcus'] });
    expect(nextTimerAt(run.record)).toBeUndefined();
    expect(run.sync(T0 + 24 * HOUR)).toEqual([]);
  });

  it('pages every level that came due once when ticked late, and keeps the planned timeline', () => {
    const run = new Run();
    run.notify('firing', T0);
    expect(run.sync(T0 + 50 * MINUTE)).toEqual(['escalation L1 dana [sms,email]', 'escalation L2 marcus [sms]']);
    expect(run.sync(T0 + 50 * MINUTE)).toEqual([]);
    expect(nextTimerAt(run.record)).toBe(T0 + 105 * MINUTE);
  });

  it('gives every dispatch a distinct key `${incident}:${reason}:${n}`, the same when replayed', () => {
    const run = new Run();
    run.notify('firing', T0);
    const saved = run.record;
    run.sync(T0 + 50 * MINUTE);
    expect(run.sent.map((d) => d.key)).toEqual(['inc-1:firing:1', 'inc-1:escalation:2', 'inc-1:escalation:3']);
    const replay = new Escalator(testSettings()).sync(saved, { incident: run.current, muted: false }, T0 + 50 * MINUTE);
    expect(replay.dispatches.map((d) => d.key)).toEqual(['inc-1:escalation:2', 'inc-1:escalation:3']);
  });
});

describe('acknowledgement', () => {
  it('stops the escalation; the ack timeout re-alerts from the first level; a new ack stops it again', () => {
    const run = new Run();
    run.notify('firing', T0);
    const ackAt = T0 + 5 * MINUTE;
    expect(run.sync(ackAt, { ackAt })).toEqual([]);
    expect(run.escalator.status(run.record)).toMatchObject({ state: 'acknowledged', nextAt: ackAt + 4 * HOUR });
    expect(run.sync(T0 + 3 * HOUR, { ackAt })).toEqual([]);
    expect(run.sync(ackAt + 4 * HOUR, { ackAt })).toEqual(['ack_timeout L0 priya,tomas [push,sms]']);
    expect(run.sync(ackAt + 4 * HOUR + 15 * MINUTE, { ackAt })).toEqual(['escalation L1 dana [sms,email]']);
    const again = ackAt + 4 * HOUR + 20 * MINUTE;
    expect(run.sync(again, { ackAt: again })).toEqual([]);
    expect(run.sync(again + HOUR, { ackAt: again })).toEqual([]);
    expect(run.escalator.status(run.record)).toMatchObject({ state: 'acknowledged', nextAt: again + 4 * HOUR });
  });

  it('an ack on an exhausted escalation still times out', () => {
    const run = new Run();
    run.notify('firing', T0);
    run.sync(T0 + 4 * HOUR);
    expect(run.escalator.status(run.record).state).toBe('exhausted');
    const ackAt = T0 + 5 * HOUR;
    run.sync(ackAt, { ackAt });
    expect(run.sync(ackAt + 4 * HOUR, { ackAt })).toEqual(['ack_timeout L0 priya,tomas [push,sms]']);
  });

  it('new alerts firing into an acknowledged incident start the escalation over', () => {
    const run = new Run();
    run.notify('firing', T0);
    run.sync(T0 + 5 * MINUTE, { ackAt: T0 + 5 * MINUTE });
    const more = incident([cash, alert({ kpi: 'bank_balance', fingerprint: 'bank', series: { account: 'ops' } })]);
    expect(more.state).toBe('firing');
    expect(run.notify('update', T0 + 10 * MINUTE, more)).toEqual(['update L0 priya,tomas [push,sms]']);
    expect(run.sync(T0 + 25 * MINUTE)).toEqual(['escalation L1 dana [sms,email]']);
  });
});

describe('resolution', () => {
  it('tells everyone paged so far at once, on the channels they were paged on', () => {
    const run = new Run();
    run.notify('firing', T0);
    run.sync(T0 + 15 * MINUTE);
    const resolved = incident([{ ...cash, state: 'resolved', resolvedAt: T0 + 20 * MINUTE }]);
    expect(run.notify('resolved', T0 + 20 * MINUTE, resolved)).toEqual(['resolved priya,tomas [push,sms]', 'resolved dana [sms,email]']);
    // The record stays open (the consolidator may reopen the incident) with nothing left to do.
    expect(run.record.closed).toBe(false);
    expect(run.record.tracks).toEqual([]);
    expect(run.record.routes).toEqual([]);
    expect(run.escalator.status(run.record, true).state).toBe('resolved');
    expect(run.sync(T0 + 10 * HOUR)).toEqual([]);
  });

  it('groups people paged on several channel sets by their union', () => {
    const run = new Run();
    const both = incident([cash, alert({ kpi: 'debt_to_ebitda', fingerprint: 'lev' })]);
    expect(run.notify('firing', T0, both)).toEqual(['firing L0 priya,tomas [push,sms]', 'firing dana [email]']);
    run.sync(T0 + 15 * MINUTE);
    expect(run.notify('resolved', T0 + 16 * MINUTE, incident([{ ...cash, state: 'resolved' }]))).toEqual([
      'resolved priya,tomas [push,sms]',
      'resolved dana [email,sms]',
    ]);
  });
});

describe('one step, many routes', () => {
  it('reaches a recipient once with every channel their routes and levels ask for', () => {
    // debt_to_ebitda critical: the finance policy pages the treasury (push, sms) and the covenant
    // route tells dana by email; dana also on the first level: one dispatch for her, both channels.
    const settings = testSettings();
    const policies = settings.escalation.policies.map((p) =>
      p.id === 'finance-critical' ? { ...p, levels: [{ ...p.levels[0]!, targets: { recipients: ['priya', 'dana'] } }, ...p.levels.slice(1)] } : p,
    );
    const run = new Run(new Escalator({ ...settings, escalation: { ...settings.escalation, policies } }));
    const debt = alert({ kpi: 'debt_to_ebitda', severity: 'critical', fingerprint: 'debt' });
    const sent = run.notify('firing', T0, incident([debt]));
    expect(sent).toEqual(['firing L0 priya [push,sms]', 'firing L0 dana [push,sms,email]']);
    expect(new Set(run.sent.map((d) => d.key)).size).toBe(2);
  });

  it('stops a due track that no route reaches any more, and starts it again when one does', () => {
    const run = new Run();
    expect(run.notify('firing', T0)).toEqual(['firing L0 priya,tomas [push,sms]']);
    // The critical resolved; a warning of the incident is still active: no critical route now.
    const warning = alert({ kpi: 'cash_position', severity: 'warning', fingerprint: 'cash-warning' });
    run.current = incident([{ ...cash, state: 'resolved', resolvedAt: T0 + 5 * MINUTE }, warning]);
    expect(run.sync(T0 + 15 * MINUTE)).toEqual([]);
    expect(run.record.tracks).toEqual([]);
    expect(nextTimerAt(run.record)).toBeUndefined();
    expect(run.sync(T0 + 2 * HOUR)).toEqual([]);
    // Critical again: the policy starts over from its first level (the treasury-warnings route's
    // email to the same people rides along in the same dispatch).
    const again = incident([{ ...cash, state: 'firing' }, warning]);
    expect(run.notify('update', T0 + 3 * HOUR, again)).toEqual(['update L0 priya,tomas [push,sms,email]']);
    expect(run.escalator.status(run.record)).toMatchObject({ state: 'active', level: 0, nextAt: T0 + 3 * HOUR + 15 * MINUTE });
  });
});

describe('business hours in the policy time zone (London)', () => {
  it('inside business hours the CFO is the second level', () => {
    const run = new Run(undefined, incident([platform])); // T0 = Monday 15:00 London
    expect(run.notify('firing', T0)).toEqual(['firing L0 sam [sms]']);
    expect(run.sync(T0 + 10 * MINUTE)).toEqual(['escalation L1 dana [email]']);
    expect(run.sync(T0 + 30 * MINUTE)).toEqual([]); // the night level does not apply; no repeat: done
    expect(run.escalator.status(run.record).state).toBe('exhausted');
  });

  it('outside business hours the second level is skipped for every SRE', () => {
    const evening = T0 + 4 * HOUR; // 19:00 London, 14:00 New York
    const run = new Run(undefined, incident([platform]));
    expect(run.notify('firing', evening)).toEqual(['firing L0 sam [sms]']);
    expect(run.sync(evening + 10 * MINUTE)).toEqual(['escalation L2 alex,jordan,sam [sms]']);
  });

  it('on a Saturday in London it is outside business hours although it is Friday evening in New York', () => {
    const friday = Date.UTC(2025, 2, 8, 0, 30); // Friday 19:30 New York, Saturday 00:30 London
    const run = new Run(undefined, incident([platform]));
    run.notify('firing', friday);
    expect(run.sync(friday + 10 * MINUTE)).toEqual(['escalation L2 alex,jordan,sam [sms]']);
  });
});

describe('on-call schedules', () => {
  it('are resolved when each page goes out: a handoff between two pages changes who is paged', () => {
    const before = Date.UTC(2025, 2, 10, 12, 55); // Monday 08:55 New York: sam's last minutes on call
    const run = new Run(undefined, incident([platform]));
    expect(run.notify('firing', before)).toEqual(['firing L0 sam [sms]']);
    run.sync(before + 3 * MINUTE, { ackAt: before + 3 * MINUTE });
    expect(run.sync(before + 3 * MINUTE + 2 * HOUR, { ackAt: before + 3 * MINUTE })).toEqual(['ack_timeout L0 alex [sms]']);
    expect(run.escalator.currentLevels(run.record, run.current, before + 3 * MINUTE + 2 * HOUR)).toEqual([
      expect.objectContaining({ policy: 'sre-oncall', policyName: 'Platform incident', level: 0, status: 'active', targets: ['alex'], channels: ['sms'] }),
    ]);
  });
});

describe('routes without escalation', () => {
  it('tell information to the route receivers once, without escalation', () => {
    const milestone = alert({ kpi: 'cash_position', severity: 'info', origin: 'milestone', fingerprint: 'm' });
    const run = new Run(undefined, incident([milestone]));
    expect(run.notify('information', T0)).toEqual(['information priya,tomas [email]']);
    expect(run.record.tracks).toEqual([]);
    expect(run.sync(T0 + 10 * HOUR)).toEqual([]);
  });

  it('tell information to a policy first level, without starting it', () => {
    const info = alert({ kpi: 'platform_uptime', severity: 'info', category: 'operational', fingerprint: 'i', labels: { team: 'sre' } });
    const run = new Run(undefined, incident([info]));
    expect(run.notify('information', T0)).toEqual(['information L0 sam [sms]']);
    expect(run.record.tracks).toEqual([]);
  });

  it('send the rest to the default route and repeat to everyone told', () => {
    const run = new Run(undefined, incident([alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'r', labels: { team: 'fpa' } })]));
    expect(run.notify('firing', T0)).toEqual(['firing finance-alerts [slack]']);
    expect(run.notify('repeat', T0 + 4 * HOUR)).toEqual(['repeat finance-alerts [slack]']);
  });

  it('add newly matching routes on an update and tell the others the update', () => {
    const run = new Run();
    run.notify('firing', T0);
    const withCovenant = incident([cash, alert({ kpi: 'debt_to_ebitda', fingerprint: 'lev' })]);
    expect(run.notify('update', T0 + 5 * MINUTE, withCovenant)).toEqual(['update dana [email]', 'update priya,tomas [push,sms]']);
    expect(run.notify('update', T0 + 10 * MINUTE, withCovenant)).toEqual(['update priya,tomas [push,sms]', 'update dana [email]']);
  });

  it('do not repeat while an escalation is still climbing', () => {
    const run = new Run();
    run.notify('firing', T0);
    expect(run.notify('repeat', T0 + 10 * MINUTE)).toEqual([]);
    run.sync(T0 + 5 * HOUR);
    expect(run.notify('repeat', T0 + 5 * HOUR)).toEqual(['repeat priya,tomas [push,sms]', 'repeat dana [sms,email]', 'repeat marcus [sms]']);
  });
});

describe('muted incidents', () => {
  it('hold the due level while every alert is muted, then page it at once and time the next from then', () => {
    const run = new Run();
    run.notify('firing', T0);
    expect(run.sync(T0 + 15 * MINUTE, { muted: true })).toEqual([]);
    expect(run.sync(T0 + HOUR, { muted: true })).toEqual([]);
    expect(run.record.tracks[0]).toMatchObject({ paused: true, level: 0 });
    expect(run.sync(T0 + 2 * HOUR)).toEqual(['escalation L1 dana [sms,email]']);
    expect(nextTimerAt(run.record)).toBe(T0 + 2 * HOUR + 30 * MINUTE);
  });
});

describe('reconfiguration', () => {
  it('drops the track of a removed policy and keeps the others', () => {
    const run = new Run();
    run.notify('firing', T0);
    run.escalator.reconfigure(
      testSettings((s) => {
        s.routing.routes = s.routing.routes.filter((r: { name: string }) => r.name !== 'critical-treasury');
        s.escalation.policies = s.escalation.policies.filter((p: { id: string }) => p.id !== 'finance-critical');
      }),
    );
    expect(run.sync(T0 + 15 * MINUTE)).toEqual([]);
    expect(run.record.tracks).toEqual([]);
  });

  it('keeps a running track when its policy gets fewer levels', () => {
    const run = new Run();
    run.notify('firing', T0);
    run.sync(T0 + 45 * MINUTE); // at L2
    run.escalator.reconfigure(testSettings((s) => void (s.escalation.policies[0].levels = s.escalation.policies[0].levels.slice(0, 2))));
    expect(run.sync(T0 + 105 * MINUTE)).toEqual(['escalation L0 priya,tomas [push,sms]']);
  });
});
