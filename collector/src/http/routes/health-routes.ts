import type { FastifyInstance } from 'fastify';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface HealthRouteDeps {
  auth: RequestAuthenticator;
  /** True once every stage has started. */
  isReady(): boolean;
  /** Details for operators: storage, spool depth, sources, configuration errors. Never secrets. */
  details(): Promise<Record<string, unknown>>;
}

/**
 * GET /healthz answers without a token (orchestrators probe it) and says only ready or not;
 * GET /api/v1/health gives the details to callers with the read scope.
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthRouteDeps): void {
  app.get('/healthz', { schema: { summary: 'Readiness probe (no token): 200 when ready, 503 while starting', tags: ['operations'], security: [] } }, async (_request, reply) => {
    if (deps.isReady()) return reply.status(200).send({ status: 'ok' });
    return reply.status(503).send({ status: 'starting' });
  });
  app.get(
    '/api/v1/health',
    {
      preHandler: requireScope(deps.auth, 'read'),
      schema: { summary: 'Health details: storage, spool depth, shipper, sources, configuration errors, delivery', tags: ['operations'] },
    },
    async () => ({
    status: deps.isReady() ? 'ok' : 'starting',
    ...(await deps.details()),
  }));
}
