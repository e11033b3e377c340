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

describe('docker-compose.yml', () => {
  it('runs InfluxDB, the collector in demo mode and Grafana', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['collector', 'grafana', 'influxdb']);
    expect(compose.services.collector!.command).toEqual(['--demo']);
    expect(compose.services.influxdb!.image).toMatch(/^influxdb:1\./);
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('./')) continue; // a named volume
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

  it('sets the variable the provisioned datasource reads', () => {
    const datasource = fs.readFileSync(path.join(repo, 'provisioning/datasources/finmon-influxdb.yaml'), 'utf8');
    const used = [...datasource.matchAll(/^[^#]*\$([A-Z_]+)/gm)].map((m) => m[1]);
    expect(used).toEqual(['FINMON_INFLUX_URL']);
    expect(compose.services.grafana!.environment).toHaveProperty('FINMON_INFLUX_URL', 'http://influxdb:8086');
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
