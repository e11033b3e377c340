import { startThrowawayInfluxd, type ThrowawayInfluxd } from '../collector/src/storage/influx/test-support/throwaway-influxd';
import { CollectorProcess, createWorkspace, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { callApi, type ApiResponse } from './support/collector-api';

/**
 * Every /api/v1 route of the real process refuses a call without a token (401), with an unknown or
 * revoked token (401) and with a token lacking the route's scope (403); /healthz answers without a
 * token; and no response body or log line ever carries a token's plaintext (the one exception by
 * design: the reply that creates a token).
 */

jest.setTimeout(90_000);

type Scope = 'ingest' | 'read' | 'admin';

interface Route {
  readonly method: string;
  readonly path: string;
  readonly scope: Scope;
  /** A body the route accepts, so that an admitted call succeeds. */
  readonly body?: string;
  readonly contentType?: string;
  /** The status of an admitted call. */
  readonly admittedStatus: number;
}

const ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/v1/write', scope: 'ingest', body: 'revenue,region=na,product=platform value=1250.5', contentType: 'text/plain', admittedStatus: 200 },
  {
    method: 'POST',
    path: '/api/v1/metrics',
    scope: 'ingest',
    body: JSON.stringify({ points: [{ kpi: 'headcount', value: 42, dimensions: { department: 'finance' } }] }),
    contentType: 'application/json',
    admittedStatus: 200,
  },
  { method: 'GET', path: '/api/v1/health', scope: 'read', admittedStatus: 200 },
  { method: 'GET', path: '/api/v1/kpis', scope: 'read', admittedStatus: 200 },
  { method: 'GET', path: '/api/v1/kpis/revenue', scope: 'read', admittedStatus: 200 },
  { method: 'GET', path: '/api/v1/tokens', scope: 'admin', admittedStatus: 200 },
  {
    method: 'POST',
    path: '/api/v1/tokens',
    scope: 'admin',
    body: JSON.stringify({ name: 'made by a test', scopes: ['read'] }),
    contentType: 'application/json',
    admittedStatus: 201,
  },
  // No such token: a 404 shows the handler ran.
  { method: 'DELETE', path: '/api/v1/tokens/00000000-0000-0000-0000-000000000000', scope: 'admin', admittedStatus: 404 },
];

/** Scopes a token created with `scopes` holds (admin includes the others). */
function holds(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}

let influx: ThrowawayInfluxd;
let workspace: CollectorWorkspace;
let collector: CollectorProcess;
/** Every plaintext token of this run. */
const secrets: string[] = [TEST_ADMIN_TOKEN];
/** Every response body except the ones that create a token. */
const bodies: Array<{ call: string; text: string }> = [];

async function call(route: Route, auth: { token?: string; authorization?: string }): Promise<ApiResponse> {
  const response = await callApi(collector.url, route.method, route.path, { ...auth, body: route.body, contentType: route.contentType });
  if (route.method === 'POST' && route.path === '/api/v1/tokens' && response.status === 201) {
    secrets.push((response.json as { token: string }).token);
  } else {
    bodies.push({ call: `${route.method} ${route.path}`, text: response.text });
  }
  return response;
}

async function createToken(name: string, scopes: readonly Scope[]): Promise<{ id: string; token: string }> {
  const reply = await callApi<{ token: string; info: { id: string; scopes: string[] } }>(collector.url, 'POST', '/api/v1/tokens', {
    token: TEST_ADMIN_TOKEN,
    body: JSON.stringify({ name, scopes }),
    contentType: 'application/json',
  });
  expect(reply.status).toBe(201);
  expect(reply.json.info.scopes).toEqual(scopes);
  secrets.push(reply.json.token);
  return { id: reply.json.info.id, token: reply.json.token };
}

beforeAll(async () => {
  influx = await startThrowawayInfluxd();
  workspace = createWorkspace('auth');
  // Debug logging: a token that leaks at any level the operator may turn on is a leak.
  collector = await CollectorProcess.start(workspace.collectorOptions({ influxUrl: influx.url, env: { FINMON_LOG_LEVEL: 'debug' } }));
});

afterAll(async () => {
  await collector?.kill();
  await influx?.cleanup();
  workspace?.remove();
});

test('GET /healthz answers without a token', async () => {
  const response = await callApi(collector.url, 'GET', '/healthz');
  expect(response.status).toBe(200);
  expect(response.json).toEqual({ status: 'ok' });
});

test.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s refuses a call without a token (401)', async (_name, route) => {
  const response = await call(route, {});
  expect({ status: response.status, code: (response.json as { error?: { code?: string } }).error?.code }).toEqual({
    status: 401,
    code: 'FINMON_AUTH_MISSING',
  });
});

test.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s refuses an unknown token and other schemes (401)', async (_name, route) => {
  const forged = `${TEST_ADMIN_TOKEN.slice(0, -4)}zzzz`;
  for (const auth of [{ token: forged }, { token: 'fm_0123456789ab_notarealsecret' }, { authorization: `Basic ${TEST_ADMIN_TOKEN}` }, { authorization: TEST_ADMIN_TOKEN }]) {
    const response = await call(route, auth);
    expect({ auth, status: response.status }).toEqual({ auth, status: 401 });
  }
});

test('each route admits exactly the tokens holding its scope and answers 403 to the others', async () => {
  const grants: Array<readonly Scope[]> = [['ingest'], ['read'], ['admin'], ['ingest', 'read']];
  const outcomes: string[] = [];
  for (const scopes of grants) {
    const { token } = await createToken(`system test ${scopes.join('+')}`, scopes);
    for (const route of ROUTES) {
      const response = await call(route, { token });
      const admitted = holds(scopes, route.scope);
      const ok = response.status === (admitted ? route.admittedStatus : 403);
      const code = (response.json as { error?: { code?: string } } | undefined)?.error?.code;
      if (!ok || (!admitted && code !== 'FINMON_AUTH_FORBIDDEN')) {
        outcomes.push(`[${scopes.join(',')}] ${route.method} ${route.path}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
      }
    }
  }
  expect(outcomes).toEqual([]);
});

test('a revoked token is refused on every route (401)', async () => {
  const { id, token } = await createToken('system test revoked', ['admin']);
  expect((await call({ method: 'GET', path: '/api/v1/health', scope: 'read', admittedStatus: 200 }, { token })).status).toBe(200);
  const revoke = await callApi<{ revoked: unknown }>(collector.url, 'DELETE', `/api/v1/tokens/${id}`, { token: TEST_ADMIN_TOKEN });
  expect(revoke.status).toBe(200);
  for (const route of ROUTES) {
    const response = await call(route, { token });
    expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({ route: `${route.method} ${route.path}`, status: 401 });
  }
});

test('the token list shows names and prefixes, never a plaintext or a hash', async () => {
  const list = await call({ method: 'GET', path: '/api/v1/tokens', scope: 'admin', admittedStatus: 200 }, { token: TEST_ADMIN_TOKEN });
  expect(list.status).toBe(200);
  const tokens = (list.json as { tokens: Array<Record<string, unknown>> }).tokens;
  expect(tokens.length).toBeGreaterThanOrEqual(secrets.length);
  for (const t of tokens) expect(Object.keys(t).filter((k) => /hash|secret|plaintext|^token$/i.test(k))).toEqual([]);
});

// Runs last: it checks what the tests above received and made the collector log.
test('no response body and no log line contains a token plaintext', async () => {
  expect(bodies.length).toBeGreaterThan(50);
  expect(secrets.length).toBeGreaterThanOrEqual(6);
  // The secret part alone must not leak either (a token is fm_<prefix>_<secret>).
  const needles = secrets.flatMap((s) => [s, s.slice(s.lastIndexOf('_') + 1)]).filter((n) => n.length >= 16);
  const leaksInBodies = bodies.filter((b) => needles.some((n) => b.text.includes(n))).map((b) => `${b.call}: ${b.text.slice(0, 200)}`);
  expect(leaksInBodies).toEqual([]);

  const exit = await collector.stop();
  expect(exit.code).toBe(0);
  const output = collector.stdout + collector.stderr;
  expect(output).toMatch(/"msg":"collector ready"/);
  const leaksInLog = output.split('\n').filter((line) => needles.some((n) => line.includes(n)));
  expect(leaksInLog).toEqual([]);
});
