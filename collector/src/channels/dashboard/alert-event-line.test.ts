import { parseLineProtocol } from '../../ingest/line-protocol/parse-line-protocol';
import { InfluxClient } from '../../storage/influx/influx-client';
import { useThrowawayInfluxd } from '../../storage/influx/test-support/throwaway-influxd';
import { T0, testAlert, testTransition } from '../test-support/fixtures';
import { alertEventLine } from './alert-event-line';
import { feedEventFromTransition } from './feed-event';

const NASTY = 'say "hi" \\ back,slash = and\nnew line';

describe('alertEventLine', () => {
  it('writes one alert_events point with the shared tags and fields, time in ns', () => {
    const line = alertEventLine(testTransition(), 'inc-42');
    expect(line).toBe(
      'alert_events,category=financial,class=critical,kpi=bank_balance,severity=critical,state=firing ' +
        'fingerprint="fp-cash-ops-usd",title="Firing: Cash position ops-usd 812,400 USD is below 1,000,000 USD",' +
        `text="value 812,400 below 1,000,000 for 15m",value=812400,incident="inc-42" ${BigInt(T0) * 1_000_000n}`,
    );
  });

  it('leaves out value and incident when unknown, and names the person who acted', () => {
    const transition = testTransition({
      from: 'firing',
      to: 'acknowledged',
      actor: { kind: 'user', name: 'Dana Whitfield' },
      reason: 'acknowledged: looking into it',
      alert: testAlert({ value: undefined, state: 'acknowledged' }),
    });
    const { records, errors } = parseLineProtocol(alertEventLine(transition));
    expect(errors).toEqual([]);
    expect(records[0]!.fields).toEqual({
      fingerprint: 'fp-cash-ops-usd',
      title: 'Acknowledged: Cash position ops-usd 812,400 USD is below 1,000,000 USD',
      text: 'acknowledged: looking into it (by Dana Whitfield)',
    });
  });

  it('escapes quotes, backslashes, commas and line breaks so the line parses back to the same texts', () => {
    const transition = testTransition({ reason: NASTY, alert: testAlert({ summary: NASTY, kpi: 'cash_usd' }) });
    const line = alertEventLine(transition);
    expect(line.split('\n')).toHaveLength(1);
    const { records, errors } = parseLineProtocol(line);
    expect(errors).toEqual([]);
    expect(records[0]!.measurement).toBe('alert_events');
    expect(records[0]!.tags).toEqual({ category: 'financial', class: 'critical', kpi: 'cash_usd', severity: 'critical', state: 'firing' });
    expect(records[0]!.fields.title).toBe(`Firing: ${NASTY.replace('\n', ' ')}`);
    expect(records[0]!.fields.text).toBe(NASTY.replace('\n', ' '));
    expect(records[0]!.timestamp).toBe(BigInt(T0) * 1_000_000n);
  });
});

describe('alert_events in a real InfluxDB', () => {
  const influxd = useThrowawayInfluxd();

  it('is accepted by InfluxDB and reads back as Grafana annotations would query it', async () => {
    const influx = new InfluxClient({ url: influxd.url, database: 'finmon' });
    await influx.createDatabase();
    const firing = testTransition({ reason: NASTY });
    const resolved = testTransition({ from: 'firing', to: 'resolved', at: T0 + 60_000, reason: 'back above 1,000,000', alert: testAlert({ value: undefined, state: 'resolved' }) });
    await influx.write(`${alertEventLine(firing, 'inc-42')}\n${alertEventLine(resolved)}`);
    const series = await influx.query(`SELECT "title", "text", "value", "incident", "fingerprint" FROM "alert_events" WHERE "kpi" = 'bank_balance' GROUP BY "state"`);
    const byState = Object.fromEntries(series.map((s) => [s.tags.state, s.rows[0]]));
    expect(byState.firing).toEqual({
      time: T0,
      title: feedEventFromTransition(firing).title,
      text: NASTY.replace('\n', ' '),
      value: 812400,
      incident: 'inc-42',
      fingerprint: 'fp-cash-ops-usd',
    });
    expect(byState.resolved).toEqual({
      time: T0 + 60_000,
      title: 'Resolved: Cash position ops-usd 812,400 USD is below 1,000,000 USD',
      text: 'back above 1,000,000',
      value: null,
      incident: null,
      fingerprint: 'fp-cash-ops-usd',
    });
  });
});
