import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AlertingStage } from '../../app/alerting-stage';
import type { Actor, AlertState } from '../../alerting/alert-model';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface AlertRouteDeps {
  auth: RequestAuthenticator;
  alerting: AlertingStage;
  now(): number;
}

const list = (values: readonly [string, ...string[]]) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter((v) => v.length > 0))
    .pipe(z.array(z.enum(values)).min(1))
    .optional();

const alertQuery = z
  .object({
    state: list(['pending', 'firing', 'acknowledged', 'resolved']),
    severity: list(['critical', 'warning', 'info']),
    category: list(['financial', 'operational', 'market', 'system']),
    class: list(['critical', 'warning', 'information', 'predictive']),
    kpi: z
      .string()
      .transform((s) => s.split(','))
      .optional(),
    history: z.enum(['memory', 'all']).optional(),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
  })
  .strict();

const incidentQuery = z
  .object({
    state: z.enum(['firing', 'acknowledged', 'resolved']).optional(),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
  })
  .strict();

const actionBody = z
  .object({
    comment: z.string().max(2000).optional(),
    /** The person acting through an integration (e.g. the Grafana user behind the app's token). */
    user: z.string().min(1).max(200).optional(),
  })
  .strict();

const instant = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);
const silenceBody = z
  .object({
    matchers: z.array(z.object({ name: z.string(), value: z.string(), op: z.enum(['=', '!=', '=~', '!~']).default('=') }).strict()).min(1),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
    duration: z
      .string()
      .regex(/^[0-9]+(m|h|d)$/, 'a duration such as "30m", "4h" or "2d"')
      .optional(),
    comment: z.string().min(1).max(2000),
    user: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((b) => (b.endsAt === undefined) !== (b.duration === undefined), { message: 'give either "endsAt" or "duration"' });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
    throw new FinmonError(ErrorCodes.REQUEST_INVALID, `invalid ${what}: ${problems}`, 400);
  }
  return parsed.data;
}

function actorOf(request: FastifyRequest, user: string | undefined): Actor {
  const token = request.principal?.name ?? 'unknown';
  return { kind: 'api', name: user === undefined ? token : `${user} (via ${token})` };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The alert API: alerts and incidents (list, one with history and escalation status, acknowledge,
 * resolve), silences, escalations now, dead letters. Reading needs the read scope; acting needs
 * respond (admin implies both). The actor recorded in the history is the token's name, or
 * "<user> (via <token>)" when an integration names the person acting.
 */
export function registerAlertRoutes(app: FastifyInstance, deps: AlertRouteDeps): void {
  const { alerting } = deps;
  const read = (summary: string, tags = ['alerts']) => ({ preHandler: requireScope(deps.auth, 'read'), schema: { summary, tags } });
  const respond = (summary: string, tags = ['alerts']) => ({ preHandler: requireScope(deps.auth, 'respond'), schema: { summary, tags } });

  app.get('/api/v1/alerts', read('List alerts; filters state, severity, category, class, kpi (comma-separated)'), async (request) => {
    const q = parse(alertQuery, request.query, 'query');
    const filter = {
      ...(q.state ? { state: q.state as AlertState[] } : {}),
      ...(q.severity ? { severity: q.severity as ('critical' | 'warning' | 'info')[] } : {}),
      ...(q.category ? { category: q.category as ('financial' | 'operational' | 'market' | 'system')[] } : {}),
      ...(q.class ? { alertClass: q.class as ('critical' | 'warning' | 'information' | 'predictive')[] } : {}),
      ...(q.kpi ? { kpi: q.kpi } : {}),
    };
    const alerts =
      q.history === 'all'
        ? await alerting.alerts.listAlerts({ ...filter, ...(q.limit ? { limit: q.limit } : {}) })
        : alerting.listAlerts(filter).slice(0, q.limit ?? 5000);
    return { alerts };
  });

  app.get('/api/v1/alerts/:fingerprint', read('One alert with its full history (who, when, why)'), async (request) => {
    const { fingerprint } = request.params as { fingerprint: string };
    const stored = await alerting.alerts.getAlert(fingerprint);
    const live = alerting.engine.getAlert(fingerprint);
    if (stored === undefined && live === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no alert with fingerprint "${fingerprint}"`, 404);
    return { alert: live ?? stored!.alert, history: stored?.history ?? [] };
  });

  app.post('/api/v1/alerts/:fingerprint/ack', respond('Acknowledge an alert'), async (request) => {
    const { fingerprint } = request.params as { fingerprint: string };
    const body = parse(actionBody, request.body, 'body');
    return { alert: await alerting.acknowledgeAlert(fingerprint, actorOf(request, body.user), body.comment) };
  });

  app.post('/api/v1/alerts/:fingerprint/resolve', respond('Resolve an alert by hand'), async (request) => {
    const { fingerprint } = request.params as { fingerprint: string };
    const body = parse(actionBody, request.body, 'body');
    return { alert: await alerting.resolveAlert(fingerprint, actorOf(request, body.user), body.comment) };
  });

  app.get('/api/v1/incidents', read('List incidents (consolidated alerts), by priority', ['incidents']), async (request) => {
    const q = parse(incidentQuery, request.query, 'query');
    return { incidents: await alerting.incidents.incidents({ ...(q.state ? { state: q.state } : {}), ...(q.limit ? { limit: q.limit } : {}) }) };
  });

  app.get('/api/v1/incidents/:id', read('One incident: its alerts, escalation status, muted alerts and history', ['incidents']), async (request) => {
    const { id } = request.params as { id: string };
    const details = await alerting.incidents.incident(id, deps.now());
    if (details === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no incident "${id}"`, 404);
    const histories = await Promise.all(details.incident.alerts.map((a) => alerting.alerts.getAlert(a.fingerprint)));
    const history = histories.flatMap((h) => h?.history ?? []).sort((a, b) => a.at - b.at);
    return { ...details, history };
  });

  app.post('/api/v1/incidents/:id/ack', respond('Acknowledge an incident: its alerts, and escalation stops', ['incidents']), async (request) => {
    const { id } = request.params as { id: string };
    const body = parse(actionBody, request.body, 'body');
    return { incident: await alerting.acknowledgeIncident(id, actorOf(request, body.user), body.comment) };
  });

  app.post('/api/v1/incidents/:id/resolve', respond('Resolve an incident by hand; everyone paged is told', ['incidents']), async (request) => {
    const { id } = request.params as { id: string };
    const body = parse(actionBody, request.body, 'body');
    return { incident: await alerting.resolveIncident(id, actorOf(request, body.user), body.comment) };
  });

  app.get('/api/v1/escalations', read('Who is on which escalation level of which open incident now', ['incidents']), async () => ({
    escalations: alerting.incidents.escalationsNow(deps.now()),
    maintenance: alerting.incidents.openMaintenanceWindows(deps.now()),
  }));

  app.get('/api/v1/silences', read('Silences (active and pending; ?expired=true adds expired ones)', ['silences']), async (request) => {
    const { expired } = parse(z.object({ expired: z.enum(['true', 'false']).optional() }).strict(), request.query, 'query');
    return { silences: await alerting.incidents.listSilences(deps.now(), { includeExpired: expired === 'true' }) };
  });

  app.post('/api/v1/silences', respond('Create a silence: matchers, endsAt or duration, comment', ['silences']), async (request, reply) => {
    const body = parse(silenceBody, request.body, 'silence');
    const now = deps.now();
    const startsAt = body.startsAt ?? now;
    const endsAt = body.endsAt ?? startsAt + Number(body.duration!.slice(0, -1)) * UNIT_MS[body.duration!.slice(-1)]!;
    const silence = await alerting.incidents.createSilence(
      { matchers: body.matchers, startsAt, endsAt, createdBy: actorOf(request, body.user).name, comment: body.comment },
      now,
    );
    return reply.status(201).send({ silence });
  });

  app.delete('/api/v1/silences/:id', respond('Expire a silence now', ['silences']), async (request) => {
    const { id } = request.params as { id: string };
    return { silence: await alerting.incidents.expireSilence(id, deps.now()) };
  });

  app.get('/api/v1/notifications/dead-letters', read('Notifications given up after their retries', ['notifications']), async () => ({
    deadLetters: await alerting.notifier.deadLetters.list(),
  }));

  app.post('/api/v1/notifications/dead-letters/:id/retry', respond('Send a dead letter again', ['notifications']), async (request, reply) => {
    const { id } = request.params as { id: string };
    await alerting.notifier.deadLetters.retry(id);
    return reply.status(202).send({ retried: id });
  });
}
