import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COLLECTOR_NODE_FLAGS } from '../collector/src/runtime/node-flags';
import { readRuntimeSettings } from '../collector/src/runtime/runtime-settings';

/**
 * No Docker engine or Grafana runs here, so these files are checked against the repository:
 * everything they mount or copy exists, and the settings they pass are ones finmon accepts.
 */
const repo = path.resolve(__dirname, '..');
const compose = parse(fs.readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { build?: string; image?: string; environment?: Record<string, string>; volumes?: string[]; command?: string[] }>;
};
/** Mounted build outputs: they exist once built, so the build that makes them must exist. */
const BUILD_OUTPUTS: Record<string, { package: string; script: string }> = { './plugin/dist': { package: 'plugin/package.json', script: 'build' } };
/** Compose's `${NAME:-default}` as the value it gives when NAME is unset. */
const composeDefault = (value: string) => value.replace(/\$\{\w+:-(.*)\}$/, '$1');

describe('docker-compose.yml', () => {
  it('runs InfluxDB, the collector in demo mode, Grafana and the one-off folder permissions job', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['collector', 'grafana', 'grafana-access', 'influxdb']);
    expect(compose.services.collector!.command).toEqual(['--demo']);
    expect(compose.services.influxdb!.image).toMatch(/^influxdb:1\./);
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('./')) continue; // a named volume
        const build = BUILD_OUTPUTS[source];
        if (build) {
          const scripts = (JSON.parse(fs.readFileSync(path.join(repo, build.package), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
          expect({ service: name, source, builtBy: build.script in scripts }).toEqual({ service: name, source, builtBy: true });
          continue;
        }
        expect({ service: name, source, exists: fs.existsSync(path.join(repo, source)) }).toEqual({ service: name, source, exists: true });
      }
    }
  });

  it("gives the collector settings finmon accepts", () => {
    const env = { ...compose.services.collector!.environment };
    env.FINMON_ADMIN_TOKEN = env.FINMON_ADMIN_TOKEN!.replace(/^\$\{FINMON_ADMIN_TOKEN:-(.*)\}$/, '$1');
    const settings = readRuntimeSettings(env, compose.services.collector!.command ?? [], '/app');
    expect(settings.influxUrl).toBe('http://influxdb:8086');
    expect(settings.demo.enabled).toBe(true);
  });

  it('sets the variables the provisioning files read', () => {
    const used = ['datasources/finmon-influxdb.yaml', 'plugins/finmon-app.yaml'].flatMap((f) =>
      [...fs.readFileSync(path.join(repo, 'provisioning', f), 'utf8').matchAll(/^[^#\n]*\$([A-Z_]+)/gm)].map((m) => m[1]!),
    );
    expect(used.sort()).toEqual(['FINMON_COLLECTOR_TOKEN', 'FINMON_COLLECTOR_URL', 'FINMON_INFLUX_URL']);
    const env = compose.services.grafana!.environment!;
    expect(env).toMatchObject({ FINMON_INFLUX_URL: 'http://influxdb:8086', FINMON_COLLECTOR_URL: 'http://collector:8080' });
    // The app's collector token is the collector's admin token unless one is set.
    expect(composeDefault(env.FINMON_COLLECTOR_TOKEN!)).toBe(composeDefault(compose.services.collector!.environment!.FINMON_ADMIN_TOKEN!));
  });

  it('mounts provisioning/ where Grafana reads it and the built plugin where Grafana loads it, allowed unsigned', () => {
    const grafana = compose.services.grafana!;
    for (const kind of ['datasources', 'dashboards', 'plugins']) expect(grafana.volumes).toContain(`./provisioning/${kind}:/etc/grafana/provisioning/${kind}:ro`);
    const plugins = ['plugin/src/plugin.json', 'plugin/src/panels/kpi-gauge/plugin.json', 'plugin/src/panels/alert-feed/plugin.json'].map(
      (f) => JSON.parse(fs.readFileSync(path.join(repo, f), 'utf8')) as { id: string; type: string; dependencies: { grafanaDependency: string } },
    );
    const appId = plugins.find((p) => p.type === 'app')!.id;
    expect(grafana.volumes).toContain(`./plugin/dist:/var/lib/grafana/plugins/${appId}:ro`);
    expect(grafana.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort()).toEqual(plugins.map((p) => p.id).sort());
    // The image's Grafana satisfies every plugin's grafanaDependency (">=x.y.z").
    const version = /^grafana\/grafana(?:-oss)?:(\d+)\.(\d+)\.(\d+)$/.exec(grafana.image ?? '')!.slice(1).map(Number);
    for (const p of plugins) {
      const min = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(p.dependencies.grafanaDependency)!.slice(1).map(Number);
      const cmp = version.map((v, i) => v - min[i]!).find((d) => d !== 0) ?? 0;
      expect({ plugin: p.id, image: grafana.image, satisfies: cmp >= 0 }).toEqual({ plugin: p.id, image: grafana.image, satisfies: true });
    }
    const home = grafana.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(fs.existsSync(path.join(repo, home.replace('/etc/grafana/provisioning/', 'provisioning/')))).toBe(true);
  });

  it('runs the folder permissions job against Grafana with its admin password', () => {
    const job = compose.services['grafana-access']!;
    expect(job.command).toEqual(['node', '/provisioning/access/apply-folder-permissions.js']);
    expect(job.volumes).toContain('./provisioning/access:/provisioning/access:ro');
    expect(job.environment).toMatchObject({ GRAFANA_URL: 'http://grafana:3000', GRAFANA_PASSWORD: compose.services.grafana!.environment!.GF_SECURITY_ADMIN_PASSWORD });
  });
});

describe('provisioning/datasources/finmon-influxdb.yaml', () => {
  it('provisions the InfluxQL datasource on the finmon database', () => {
    const file = parse(fs.readFileSync(path.join(repo, 'provisioning/datasources/finmon-influxdb.yaml'), 'utf8')) as {
      apiVersion: number;
      datasources: Array<{ type: string; uid: string; access: string; jsonData: Record<string, unknown> }>;
    };
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toHaveLength(1);
    expect(file.datasources[0]).toMatchObject({ type: 'influxdb', uid: 'finmon-influxdb', access: 'proxy' });
    expect(file.datasources[0]!.jsonData).toMatchObject({ dbName: 'finmon', version: 'InfluxQL' });
  });
});

describe('Dockerfile', () => {
  it('copies only files that exist and starts the built collector', () => {
    const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copies.length).toBeGreaterThan(3);
    for (const source of copies) expect({ source, exists: fs.existsSync(path.join(repo, source)) }).toEqual({ source, exists: true });
    const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)![1]!) as string[];
    expect(entrypoint).toEqual(['node', ...COLLECTOR_NODE_FLAGS, 'collector/dist/main.js']);
    expect(fs.readFileSync(path.join(repo, 'scripts/demo.sh'), 'utf8')).toContain(`exec node ${COLLECTOR_NODE_FLAGS.join(' ')} collector/dist/main.js --demo`);
    expect(dockerfile).toMatch(/FINMON_HOST=0\.0\.0\.0/);
  });
});
