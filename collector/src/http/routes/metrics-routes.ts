import type { FastifyInstance } from 'fastify';
import type { CollectorMetrics } from '../../observability/collector-metrics';
import { requireScope, type RequestAuthenticator } from '../authenticate';

/**
 * GET /metrics — the collector's own Prometheus metrics. Read scope: give Prometheus a read token
 * (`authorization: { credentials: <token> }` in its scrape config).
 */
export function registerMetricsRoutes(app: FastifyInstance, deps: { auth: RequestAuthenticator; metrics: CollectorMetrics }): void {
  app.get(
    '/metrics',
    {
      preHandler: requireScope(deps.auth, 'read'),
      schema: { summary: "The collector's own metrics in Prometheus text format", tags: ['operations'], security: [{ bearer: [] }] },
    },
    async (_request, reply) => {
      const { contentType, body } = await deps.metrics.render();
      return reply.header('content-type', contentType).send(body);
    },
  );
}
