import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger';
import { buildErrorHandler, errorBody } from './error-reply';
import { ErrorCodes } from '../core/errors';

/**
 * The collector's HTTP server: fastify with finmon's error replies. Routes are registered by the
 * caller (`buildPipeline`), each route module with only the dependencies it needs.
 */
export function createHttpServer(options: { logger: Logger; bodyLimitBytes: number }): FastifyInstance {
  const app = Fastify({
    // Per-request lines are info; the HTTP log keeps warnings and errors (ingest is high volume).
    loggerInstance: options.logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: true,
  });
  app.setErrorHandler(buildErrorHandler(options.logger.child({ component: 'http' })));
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody(ErrorCodes.NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`));
  });
  return app;
}
