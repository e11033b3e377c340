import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * provisioning/access/apply-folder-permissions.js against a local HTTP server that answers like
 * Grafana's teams and folder-permission API (no Grafana server can run here): teams are created
 * once, each role folder gets exactly the permissions of folder-permissions.json, the admin
 * credentials go in a Basic Authorization header, a second run changes nothing, and a failure
 * names the folder and Grafana's answer.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const access = require('../provisioning/access/apply-folder-permissions.js') as {
  readConfig(file: string): { teams: string[]; folders: Array<{ uid: string; permissions: Array<{ team?: string; role?: string; permission: string }> }> };
  applyFolderPermissions(options: Record<string, unknown>): Promise<{ teams: Record<string, number>; folders: Array<{ uid: string; items: unknown[] }> }>;
};
const CONFIG = path.join(__dirname, '..', 'provisioning', 'access', 'folder-permissions.json');

interface FakeGrafana {
  url: string;
  teams: Map<string, number>;
  folders: Map<string, unknown[] | null>;
  requests: Array<{ method: string; path: string; authorization?: string; body?: unknown }>;
  refuseFolder?: string;
  close(): Promise<void>;
}

async function fakeGrafana(folderUids: string[], options: { foldersAppearAfter?: number } = {}): Promise<FakeGrafana> {
  const state: Omit<FakeGrafana, 'url' | 'close'> = { teams: new Map(), folders: new Map(folderUids.map((u) => [u, null])), requests: [] };
  let folderLookups = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      state.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization, body });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Basic ${Buffer.from('admin:s3cret').toString('base64')}`) return send(401, { message: 'Unauthorized' });
      if (req.method === 'GET' && url.pathname === '/api/health') return send(200, { database: 'ok' });
      if (req.method === 'GET' && url.pathname === '/api/teams/search') {
        const name = url.searchParams.get('name') ?? '';
        const teams = [...state.teams].filter(([n]) => n === name).map(([n, id]) => ({ id, name: n }));
        return send(200, { totalCount: teams.length, teams, page: 1, perPage: 1000 });
      }
      if (req.method === 'POST' && url.pathname === '/api/teams') {
        const name = String(body?.name);
        if (state.teams.has(name)) return send(409, { message: 'Team name taken' });
        state.teams.set(name, state.teams.size + 10);
        return send(200, { message: 'Team created', teamId: state.teams.get(name) });
      }
      const folder = /^\/api\/folders\/([^/]+)(\/permissions)?$/.exec(url.pathname);
      if (folder) {
        const uid = decodeURIComponent(folder[1]!);
        if (!state.folders.has(uid) || (folder[2] === undefined && ++folderLookups <= (options.foldersAppearAfter ?? 0))) return send(404, { message: 'folder not found' });
        if (folder[2] && req.method === 'POST') {
          if (uid === result.refuseFolder) return send(403, { message: 'You do not have permission' });
          state.folders.set(uid, (body?.items as unknown[]) ?? []);
          return send(200, { message: 'Folder permissions updated' });
        }
        return send(200, { uid, title: uid });
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result: FakeGrafana = {
    ...state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return result;
}

const config = access.readConfig(CONFIG);
const folderUids = config.folders.map((f) => f.uid);
let grafana: FakeGrafana;

afterEach(async () => {
  await grafana?.close();
});

test('creates the teams and gives each role folder exactly its permissions, once folders exist', async () => {
  grafana = await fakeGrafana(folderUids, { foldersAppearAfter: 2 });
  const log: string[] = [];
  const outcome = await access.applyFolderPermissions({ config, url: grafana.url, user: 'admin', password: 's3cret', pollMs: 10, waitMs: 5000, log: (l: string) => log.push(l) });

  expect([...grafana.teams.keys()]).toEqual(['Executives', 'Finance Ops', 'Engineering']);
  const id = (name: string) => grafana.teams.get(name)!;
  expect(Object.fromEntries(grafana.folders)).toEqual({
    'finmon-executive': [{ role: 'Viewer', permission: 1 }, { teamId: id('Executives'), permission: 2 }],
    'finmon-finance-ops': [{ teamId: id('Executives'), permission: 1 }, { teamId: id('Finance Ops'), permission: 2 }],
    'finmon-engineering': [{ teamId: id('Executives'), permission: 1 }, { teamId: id('Engineering'), permission: 2 }],
  });
  expect(outcome.folders.map((f) => f.uid)).toEqual(folderUids);
  expect(log).toContain('team "Finance Ops" created (id 11)');
  // Every request carried the admin credentials, and the password appears nowhere else.
  expect(grafana.requests.every((r) => r.authorization === `Basic ${Buffer.from('admin:s3cret').toString('base64')}`)).toBe(true);
  expect(JSON.stringify(log)).not.toContain('s3cret');
});

test('a second run finds the teams and sets the same permissions again', async () => {
  grafana = await fakeGrafana(folderUids);
  const run = () => access.applyFolderPermissions({ config, url: grafana.url, user: 'admin', password: 's3cret', pollMs: 10, waitMs: 5000 });
  const first = await run();
  const second = await run();
  expect(second).toEqual(first);
  expect(grafana.requests.filter((r) => r.method === 'POST' && r.path === '/api/teams')).toHaveLength(3);
});

test('a refused folder fails the run with the folder and Grafana’s answer', async () => {
  grafana = await fakeGrafana(folderUids);
  grafana.refuseFolder = 'finmon-finance-ops';
  await expect(access.applyFolderPermissions({ config, url: grafana.url, user: 'admin', password: 's3cret', pollMs: 10, waitMs: 5000 })).rejects.toThrow(
    'setting the permissions of folder finmon-finance-ops failed: HTTP 403 You do not have permission',
  );
});

test('gives up on a folder that never appears, naming it', async () => {
  grafana = await fakeGrafana(folderUids.slice(0, 1));
  await expect(access.applyFolderPermissions({ config, url: grafana.url, user: 'admin', password: 's3cret', pollMs: 10, waitMs: 200 })).rejects.toThrow(
    /gave up waiting for folder finmon-finance-ops .*HTTP 404/,
  );
});

test('refuses a configuration naming an unknown team, permission or role, saying where', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-access-'));
  const write = (json: unknown) => {
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify(json));
    return file;
  };
  try {
    expect(() => access.readConfig(write({ teams: ['A'], folders: [{ uid: 'f', permissions: [{ team: 'B', permission: 'View' }] }] }))).toThrow(
      /folders\[0\]\.permissions\[0\]: team "B" is not listed in "teams"/,
    );
    expect(() => access.readConfig(write({ teams: [], folders: [{ uid: 'f', permissions: [{ role: 'Viewer', permission: 'Read' }] }] }))).toThrow(
      /permission "Read" is not one of View, Edit, Admin/,
    );
    expect(() => access.readConfig(write({ teams: [], folders: [{ uid: 'f', permissions: [{ role: 'Admin', permission: 'View' }] }] }))).toThrow(/role "Admin" is not Viewer or Editor/);
    expect(() => access.readConfig(write({ teams: [], folders: [] }))).toThrow(/"folders" must list at least one folder/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
