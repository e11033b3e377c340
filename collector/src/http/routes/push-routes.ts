import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PushSubscriptionStore } from '../../channels/push/push-subscription-store';
import { endpointProblem } from '../../channels/push/web-push-channel';
import type { Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface PushRouteDeps {
  readonly auth: RequestAuthenticator;
  readonly subscriptions: PushSubscriptionStore;
  readonly clock: Clock;
  /** `channels.push.vapidPublicKey` of the current settings; undefined when push is not configured. */
  vapidPublicKey(): string | undefined;
  /** Accept http:// endpoints (tests only). */
  readonly allowInsecureEndpoints?: boolean;
}

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what}: base64url text`)
    .refine((text) => Buffer.from(text, 'base64url').length === bytes, `${what}: ${bytes} bytes once decoded`);

const subscribeBody = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'an id of letters, digits, "_", "-" or "." (it goes into notification_settings.yaml)')
      .optional(),
    label: z.string().min(1).max(200).optional(),
    subscription: z
      .object({
        endpoint: z.string().min(1).max(2048),
        expirationTime: z.number().nullable().optional(),
        keys: z
          .object({
            p256dh: base64url(65, 'keys.p256dh (the P-256 public key)').refine(
              (text) => Buffer.from(text, 'base64url')[0] === 4,
              'keys.p256dh: an uncompressed P-256 point',
            ),
            auth: base64url(16, 'keys.auth (the auth secret)'),
          })
          .strict(),
      })
      .strict()
      .describe('PushSubscription.toJSON() of the browser'),
  })
  .strict();

/**
 * Web Push subscriptions of the finmon app:
 * - GET    /api/v1/push/vapid-public-key   (read)    → { publicKey } for PushManager.subscribe()
 * - POST   /api/v1/push/subscriptions      (respond) body { id?, label?, subscription } → 201 { id }
 *   The id is what a recipient lists under `channels.push` in notification_settings.yaml. The same
 *   token may subscribe again under its id (a renewed subscription); another token gets 409.
 * - GET    /api/v1/push/subscriptions      (admin)   → { subscriptions } without keys or endpoint paths
 * - DELETE /api/v1/push/subscriptions/:id  (admin)   → 204
 */
export function registerPushRoutes(app: FastifyInstance, deps: PushRouteDeps): void {
  app.get('/api/v1/push/vapid-public-key', { preHandler: requireScope(deps.auth, 'read') }, async () => {
    const publicKey = deps.vapidPublicKey();
    if (publicKey === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, 'Web Push is not configured (channels.push in notification_settings.yaml)', 404);
    return { publicKey };
  });

  app.post('/api/v1/push/subscriptions', { preHandler: requireScope(deps.auth, 'respond') }, async (request, reply) => {
    const parsed = subscribeBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FinmonError(ErrorCodes.REQUEST_INVALID, `body${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`, 400);
    }
    const body = parsed.data;
    const problem = endpointProblem(body.subscription.endpoint, deps.allowInsecureEndpoints === true);
    if (problem !== undefined) throw new FinmonError(ErrorCodes.REQUEST_INVALID, `body.subscription.endpoint: ${problem}`, 400);
    const principal = request.principal?.name;
    const id = body.id ?? `push-${randomBytes(5).toString('hex')}`;
    const [existing] = await deps.subscriptions.getMany([id]);
    if (existing !== undefined && existing.endpoint !== body.subscription.endpoint && existing.createdBy !== principal) {
      throw new FinmonError(
        ErrorCodes.PUSH_SUBSCRIPTION_CONFLICT,
        `push subscription "${id}" belongs to another device; choose another id, or an admin deletes it first`,
        409,
      );
    }
    await deps.subscriptions.upsert({
      id,
      endpoint: body.subscription.endpoint,
      p256dh: body.subscription.keys.p256dh,
      auth: body.subscription.keys.auth,
      createdAt: deps.clock.now(),
      ...(body.label === undefined ? {} : { label: body.label }),
      ...(principal === undefined ? {} : { createdBy: principal }),
    });
    return reply.status(existing === undefined ? 201 : 200).send({ id });
  });

  app.get('/api/v1/push/subscriptions', { preHandler: requireScope(deps.auth, 'admin') }, async () => {
    const all = await deps.subscriptions.list();
    return {
      subscriptions: all.map((s) => ({
        id: s.id,
        label: s.label ?? null,
        pushService: new URL(s.endpoint).origin,
        createdAt: s.createdAt,
        createdBy: s.createdBy ?? null,
        lastSuccessAt: s.lastSuccessAt ?? null,
        goneAt: s.goneAt ?? null,
      })),
    };
  });

  app.delete('/api/v1/push/subscriptions/:id', { preHandler: requireScope(deps.auth, 'admin') }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await deps.subscriptions.delete(id))) throw new FinmonError(ErrorCodes.NOT_FOUND, `no push subscription "${id}"`, 404);
    return reply.status(204).send();
  });
}
