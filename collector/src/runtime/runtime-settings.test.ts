import { readRuntimeSettings } from './runtime-settings';

describe('readRuntimeSettings', () => {
  it('uses local defaults: 127.0.0.1:8080, data in .finmon, spawned influxd, SQLite state', () => {
    const s = readRuntimeSettings({}, [], '/srv/finmon');
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBe(8080);
    expect(s.dataDir).toBe('/srv/finmon/.finmon');
    expect(s.influxUrl).toBeUndefined();
    expect(s.stateDb).toEqual({ kind: 'sqlite', file: '/srv/finmon/.finmon/state.sqlite' });
    expect(s.metricsConfigPath).toBe('/srv/finmon/metrics_config.json');
    expect(s.demo.enabled).toBe(false);
  });

  it('reads FINMON_PORT and lets --port override it', () => {
    expect(readRuntimeSettings({ FINMON_PORT: '9090' }, [], '/x').port).toBe(9090);
    expect(readRuntimeSettings({ FINMON_PORT: '9090' }, ['--port', '7070'], '/x').port).toBe(7070);
  });

  it('takes a postgres connection string for the state store', () => {
    const s = readRuntimeSettings({ FINMON_STATE_DB: 'postgres://u@127.0.0.1/finmon' }, [], '/x');
    expect(s.stateDb).toEqual({ kind: 'postgres', connectionString: 'postgres://u@127.0.0.1/finmon' });
  });

  it('parses the demo flags', () => {
    const s = readRuntimeSettings({}, ['--demo', '--backfill-days=30', '--speed', '60', '--seed', '7'], '/x');
    expect(s.demo).toEqual({ enabled: true, backfillDays: 30, speed: 60, seed: 7 });
  });

  it('turns on the Grafana Live push only with both URL and token; the stream defaults to "finmon"', () => {
    expect(readRuntimeSettings({}, [], '/x').grafanaLive).toBeUndefined();
    expect(readRuntimeSettings({ FINMON_GRAFANA_URL: '', FINMON_GRAFANA_TOKEN: '' }, [], '/x').grafanaLive).toBeUndefined();
    const s = readRuntimeSettings({ FINMON_GRAFANA_URL: 'https://grafana.example.com/sub/', FINMON_GRAFANA_TOKEN: 'glsa_abc' }, [], '/x');
    expect(s.grafanaLive).toEqual({ url: 'https://grafana.example.com/sub', token: 'glsa_abc', stream: 'finmon' });
    const custom = readRuntimeSettings(
      { FINMON_GRAFANA_URL: 'http://127.0.0.1:3000', FINMON_GRAFANA_TOKEN: 'glsa_abc', FINMON_GRAFANA_STREAM: 'finmon-eu_2' },
      [],
      '/x',
    );
    expect(custom.grafanaLive?.stream).toBe('finmon-eu_2');
  });

  it.each([
    [{ FINMON_GRAFANA_URL: 'http://grafana:3000' }, /FINMON_GRAFANA_TOKEN: required when FINMON_GRAFANA_URL is set/],
    [{ FINMON_GRAFANA_URL: 'http://grafana:3000', FINMON_GRAFANA_TOKEN: '' }, /FINMON_GRAFANA_TOKEN: required when FINMON_GRAFANA_URL is set/],
    [{ FINMON_GRAFANA_TOKEN: 'glsa_secret_value' }, /FINMON_GRAFANA_URL: required when FINMON_GRAFANA_TOKEN is set/],
    [{ FINMON_GRAFANA_URL: 'grafana:3000', FINMON_GRAFANA_TOKEN: 'glsa_secret_value' }, /FINMON_GRAFANA_URL: expected an http:\/\/ or https:\/\/ URL/],
    [{ FINMON_GRAFANA_URL: 'http://admin:hunter2@grafana:3000', FINMON_GRAFANA_TOKEN: 'glsa_secret_value' }, /FINMON_GRAFANA_URL: must not contain a user name or password/],
    [{ FINMON_GRAFANA_URL: 'http://grafana:3000', FINMON_GRAFANA_TOKEN: 'glsa secret value' }, /FINMON_GRAFANA_TOKEN: expected a token without spaces/],
    [{ FINMON_GRAFANA_URL: 'http://grafana:3000', FINMON_GRAFANA_TOKEN: 'glsa_secret_value', FINMON_GRAFANA_STREAM: 'a/b' }, /FINMON_GRAFANA_STREAM: a Grafana Live stream id/],
  ])('rejects the Grafana Live settings %j naming the variable, never echoing secrets', (env, message) => {
    let thrown: unknown;
    try {
      readRuntimeSettings(env, [], '/x');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'FINMON_CONFIG_INVALID', message: expect.stringMatching(message) });
    const text = (thrown as Error).message;
    expect(text).not.toContain('secret');
    expect(text).not.toContain('hunter2');
  });

  it.each([
    [{ FINMON_PORT: 'eighty' }, [], /FINMON_PORT/],
    [{ FINMON_INFLUX_URL: 'not a url' }, [], /FINMON_INFLUX_URL/],
    [{ FINMON_ADMIN_TOKEN: 'short' }, [], /FINMON_ADMIN_TOKEN: at least 32 characters/],
    [{}, ['--speed', '-3'], /--speed/],
    [{}, ['--frobnicate'], /unknown command-line flag --frobnicate/],
    [{}, ['--port'], /--port needs a value/],
    [{}, ['--port', '99999'], /--port/],
    [{}, ['demo'], /unexpected command-line argument "demo"/],
  ])('rejects %j %j naming what is wrong', (env, argv, message) => {
    expect(() => readRuntimeSettings(env, argv, '/x')).toThrow(message);
  });
});
