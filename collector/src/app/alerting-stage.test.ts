import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InMemoryTokenStore } from '../auth/in-memory-token-store';
import { TokenService } from '../auth/token-service';
import { loadConfigPair } from '../config/config-loader';
import type { ChannelName } from '../config/notification-settings-schema';
import { ManualClock } from '../core/clock';
import { silentLogger } from '../core/logger';
import { pointAt } from '../core/point';
import { registerAlertRoutes } from '../http/routes/alert-routes';
import { withColumns, type PointColumns } from '../ingest/point-columns';
import { createHttpServer } from '../http/server';
import { TokenAuthenticator } from '../http/token-authenticator';
import type { Channel, ChannelSendInput } from '../notify/channel-port';
import { openStateDb, type StateDb } from '../storage/state';
import { AlertingStage, type AlertingStageOptions } from './alerting-stage';

const REPO = join(__dirname, '..', '..', '..');
const config = loadConfigPair({ metrics: join(REPO, 'metrics_config.json'), notifications: join(REPO, 'notification_settings.yaml') });
/** Tuesday 2026-11-24 10:00 in New York: business hours for every recipient of the example settings. */
const T0 = Date.parse('2026-11-24T15:00:00Z');

/** A channel at the delivery boundary that records what it is handed (the real channels have their own tests against local servers). */
class RecordingChannel implements Channel {
  constructor(
    readonly name: ChannelName,
    private readonly sent: { channel: ChannelName; input: ChannelSendInput }[],
  ) {}
  canReach(recipient: Parameters<Channel['canReach']>[0]): boolean {
    const c = recipient.channels;
    return this.name === 'sms' ? c.phone !== undefined : c[this.name] !== undefined;
  }
  async send(input: ChannelSendInput) {
    this.sent.push({ channel: this.name, input });
    return { ok: true as const };
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('AlertingStage: points → alert → incident → escalation → outbox → channel, with the API', () => {
  let dir: string;
  let state: StateDb;
  let clock: ManualClock;
  let sent: { channel: ChannelName; input: ChannelSendInput }[];
  let stage: AlertingStage;
  let app: FastifyInstance;
  let respondToken: string;
  let readToken: string;

  const channels = () => (['email', 'sms', 'slack', 'push', 'ntfy'] as const).map((n) => new RecordingChannel(n, sent));
  const start = () =>
    AlertingStage.start({ db: state.db, config, clock, logger: silentLogger(), channels: channels(), tickMs: 10, notifierPollMs: 10 });
  /** Replaces the stage with one whose timers and periodic save stay out of the way of a test. */
  const restartQuiet = async (extra: Partial<AlertingStageOptions>) => {
    await stage.stop();
    stage = await AlertingStage.start({
      db: state.db,
      config,
      clock,
      logger: silentLogger(),
      channels: channels(),
      tickMs: 60_000,
      persistMs: 3_600_000,
      ...extra,
    });
  };
  const serve = async () => {
    app = createHttpServer({ logger: silentLogger(), bodyLimitBytes: 64 * 1024 });
    const tokens = new TokenService({ store: new InMemoryTokenStore(), clock });
    respondToken = (await tokens.create({ name: 'grafana-app', scopes: ['read', 'respond'] })).plaintext;
    readToken = (await tokens.create({ name: 'dashboard', scopes: ['read'] })).plaintext;
    registerAlertRoutes(app, { auth: new TokenAuthenticator(tokens), alerting: stage, now: () => clock.now() });
    await app.ready();
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finmon-alerting-stage-'));
    state = await openStateDb({ kind: 'sqlite', file: join(dir, 'state.db') });
    clock = new ManualClock(T0);
    sent = [];
    stage = await start();
    await serve();
  });

  afterEach(async () => {
    await app.close();
    await stage.stop();
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages on a critical cash alert, takes an acknowledgement through the API and survives a restart', async () => {
    stage.onPoints([pointAt('cash_position', {}, 3_500_000, T0)]);
    await stage.settle();
    const [alert] = stage.listAlerts({ kpi: 'cash_position', state: 'firing' });
    expect(alert).toMatchObject({ ruleId: 'cash-critical', severity: 'critical', value: 3_500_000, threshold: 4_000_000 });

    // The first escalation level is paged once the critical group wait (if any) has passed.
    clock.advance(11_000);
    await until('the first page', () => sent.length > 0);
    const first = sent[0]!.input.message;
    expect(first.kind).toBe('incident');
    expect(first.reason).toBe('firing');
    expect(first.incident!.alerts.map((a) => a.fingerprint)).toContain(alert!.fingerprint);
    /** What was sent about the cash incident (other KPIs go silent meanwhile and raise their own no-data incidents). */
    const aboutCash = () => sent.filter((s) => s.input.message.incident?.kpis.includes('cash_position'));
    const pagedBefore = aboutCash().length;

    const incidents = await app.inject({ url: '/api/v1/incidents?state=firing', headers: { authorization: `Bearer ${readToken}` } });
    expect(incidents.statusCode).toBe(200);
    const incidentId = incidents.json().incidents.find((i: { kpis: string[] }) => i.kpis.includes('cash_position')).id as string;

    // A read token cannot acknowledge; the respond token can, on behalf of a named user.
    const refused = await app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/ack`, headers: { authorization: `Bearer ${readToken}` }, payload: {} });
    expect(refused.statusCode).toBe(403);
    const ack = await app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incidentId}/ack`,
      headers: { authorization: `Bearer ${respondToken}` },
      payload: { comment: 'moving funds from the reserve account', user: 'priya' },
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().incident.state).toBe('acknowledged');

    const one = await app.inject({ url: `/api/v1/alerts/${alert!.fingerprint}`, headers: { authorization: `Bearer ${readToken}` } });
    expect(one.json().alert.state).toBe('acknowledged');
    expect(one.json().history.map((h: { to: string; actor: { kind: string; name: string } }) => [h.to, h.actor.kind, h.actor.name])).toEqual([
      ['firing', 'system', 'finmon'],
      ['acknowledged', 'api', 'priya (via grafana-app)'],
    ]);

    // Restart: the acknowledged alert and its incident come back; an hour later nobody was paged again about it.
    await stage.stop();
    stage = await start();
    await app.close();
    await serve();
    expect(stage.listAlerts({ kpi: 'cash_position' }).filter((a) => a.ruleId === 'cash-critical')).toEqual([
      expect.objectContaining({ fingerprint: alert!.fingerprint, state: 'acknowledged' }),
    ]);
    clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 150));
    await stage.settle();
    expect(aboutCash()).toHaveLength(pagedBefore);
    // Meanwhile the KPIs that got no data for an hour raised "system failure" incidents of their own.
    expect(sent.some((s) => s.input.message.incident?.category === 'system')).toBe(true);
    // The 30-minute warning fired meanwhile, muted by the critical of the same KPI (inhibition).
    expect(stage.listAlerts({ kpi: 'cash_position', state: 'firing' }).map((a) => a.ruleId)).toEqual(['cash-warning']);

    // Back above the critical's recoverAt: the critical resolves, the incident stays open for the warning…
    stage.onPoints([pointAt('cash_position', {}, 4_700_000, clock.now())]);
    await stage.settle();
    expect(stage.listAlerts({ kpi: 'cash_position', state: 'resolved' }).map((a) => a.ruleId)).toEqual(['cash-critical']);
    expect(aboutCash().some((s) => s.input.message.reason === 'resolved')).toBe(false);
    // …and above the warning's recoverAt the incident resolves by itself: once it has stayed
    // resolved for its confirm period (2 × the 15-minute cadence of cash_position), everyone paged is told.
    stage.onPoints([pointAt('cash_position', {}, 6_600_000, clock.now() + 60_000)]);
    await stage.settle();
    await new Promise((r) => setTimeout(r, 150));
    expect(aboutCash().some((s) => s.input.message.reason === 'resolved')).toBe(false);
    clock.advance(29 * 60_000);
    await new Promise((r) => setTimeout(r, 150));
    expect(aboutCash().some((s) => s.input.message.reason === 'resolved')).toBe(false);
    clock.advance(3 * 60_000);
    await until('the resolution notice', () => aboutCash().some((s) => s.input.message.reason === 'resolved'));
    const pagedRecipients = new Set(aboutCash().slice(0, pagedBefore).map((s) => s.input.recipient.id));
    const told = new Set(aboutCash().filter((s) => s.input.message.reason === 'resolved').map((s) => s.input.recipient.id));
    expect([...pagedRecipients].every((r) => told.has(r))).toBe(true);
  });

  it('saves pending episodes with the periodic save and tells listeners only what people hear of; batches queued meanwhile are evaluated together', async () => {
    const heard: string[] = [];
    await restartQuiet({
      onTransitions: [async (ts) => void heard.push(...ts.map((t) => `${t.alert.ruleId}:${t.from ?? 'none'}→${t.to}`))],
    });
    const saves = jest.spyOn(stage.alerts, 'apply');
    // Uptime dips below 99.9 % (pending for 25 minutes) and recovers: nobody hears of it, nothing is written yet.
    stage.onPoints([pointAt('platform_uptime', { service: 'api' }, 99.2, T0)]);
    await stage.settle();
    const [pending] = stage.listAlerts({ kpi: 'platform_uptime', state: 'pending' });
    expect(pending).toMatchObject({ ruleId: 'uptime-warning' });
    stage.onPoints([pointAt('platform_uptime', { service: 'api' }, 99.99, T0 + 60_000)]);
    await stage.settle();
    expect(heard).toEqual([]);
    expect(saves).not.toHaveBeenCalled();
    expect(await stage.alerts.getAlert(pending!.fingerprint)).toBeUndefined();

    // Five batches arrive while the queue is busy, each with an account running low: one evaluation
    // step, one save, five alerts heard of.
    for (let i = 0; i < 5; i++) {
      stage.onPoints([pointAt('bank_balance', { account: `ops-${i}`, bank: 'jpm', currency: 'USD' }, 120_000, T0 + 120_000 + i)]);
    }
    await stage.settle();
    expect(saves).toHaveBeenCalledTimes(1);
    expect(heard).toEqual(Array.from({ length: 5 }, () => 'account-low:none→firing'));
    // The save took the pending episode along: its audit trail is complete.
    const stored = await stage.alerts.getAlert(pending!.fingerprint);
    expect(stored?.history.map((h) => `${h.from ?? 'none'}→${h.to}`)).toEqual(['none→pending', 'pending→resolved']);
  });

  it('evaluates points that come with their columns from the columns, and the points after them as points', async () => {
    const heard: string[] = [];
    await restartQuiet({
      onTransitions: [async (ts) => void heard.push(...ts.map((t) => `${t.alert.ruleId}:${t.from ?? 'none'}→${t.to}`))],
    });
    const series = [0, 1].map((i) => ({ kpi: 'bank_balance', tags: Object.freeze({ account: `ops-${i}`, bank: 'jpm', currency: 'USD' }) }));
    const accepted = series.map((s) => pointAt(s.kpi, s.tags, 120_000, T0));
    const columns: PointColumns = {
      length: 2,
      space: { identity: (id) => series[id]! },
      ids: Int32Array.from([0, 1]),
      times: Float64Array.from([T0, T0]),
      values: Float64Array.from([120_000, 120_000]),
      toPoints: () => accepted,
    };
    stage.onPoints(withColumns([...accepted, pointAt('platform_uptime', { service: 'api' }, 99.2, T0)], columns));
    await stage.settle();
    expect(heard).toEqual(['account-low:none→firing', 'account-low:none→firing']);
    expect(stage.listAlerts({ kpi: 'platform_uptime', state: 'pending' })).toHaveLength(1);
  });

  it('saves early when a storm of pending episodes piles up unsaved transitions', async () => {
    await restartQuiet({ maxUnsavedTransitions: 3 });
    const saves = jest.spyOn(stage.alerts, 'apply');
    const uptime = (value: number, i: number) => {
      stage.onPoints([pointAt('platform_uptime', { service: 'web' }, value, T0 + i * 1000)]);
      return stage.settle();
    };
    await uptime(99.2, 0); // → pending
    await uptime(99.99, 1); // pending → resolved
    expect(saves).not.toHaveBeenCalled();
    await uptime(99.2, 2); // → pending: the third unsaved transition
    expect(saves).toHaveBeenCalledTimes(1);
    const [pending] = stage.listAlerts({ kpi: 'platform_uptime', state: 'pending' });
    const stored = await stage.alerts.getAlert(pending!.fingerprint);
    expect(stored?.history.map((h) => `${h.from ?? 'none'}→${h.to}`)).toEqual(['none→pending', 'pending→resolved', 'resolved→pending']);
  });

  it('silences through the API: a matching alert raises no page, and bad requests name the problem', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/silences',
      headers: { authorization: `Bearer ${respondToken}` },
      payload: { matchers: [{ name: 'kpi', value: 'cash_position' }], comment: 'bank migration' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/"endsAt" or "duration"/);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/silences',
      headers: { authorization: `Bearer ${respondToken}` },
      payload: { matchers: [{ name: 'kpi', value: 'cash_position' }], duration: '2h', comment: 'bank migration' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().silence).toMatchObject({ createdBy: 'grafana-app', endsAt: T0 + 2 * 3_600_000 });

    stage.onPoints([pointAt('cash_position', {}, 3_000_000, T0)]);
    await stage.settle();
    expect(stage.listAlerts({ kpi: 'cash_position', state: 'firing' })).toHaveLength(1);
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 150));
    await stage.settle();
    expect(sent).toHaveLength(0);

    const listed = await app.inject({ url: '/api/v1/silences', headers: { authorization: `Bearer ${readToken}` } });
    expect(listed.json().silences).toHaveLength(1);
    const filters = await app.inject({ url: '/api/v1/alerts?severity=critical,urgent', headers: { authorization: `Bearer ${readToken}` } });
    expect(filters.statusCode).toBe(400);
    expect(filters.json().error.message).toMatch(/severity/);
  });
});
