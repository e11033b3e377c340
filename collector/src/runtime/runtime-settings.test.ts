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
