import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { requireScope, type RequestAuthenticator } from './authenticate';

/**
 * The collector's OpenAPI 3 document, built by @fastify/swagger from the routes registered after
 * this call (their `schema.summary`, `tags`, params and bodies), served at GET /api/v1/openapi.json
 * (read scope, like the rest of the API).
 */
export async function registerOpenApi(app: FastifyInstance, deps: { auth: RequestAuthenticator; version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'finmon collector API',
        description:
          'Ingest financial and operational metrics, read KPIs, manage alerts, incidents, silences and tokens. ' +
          'Every route except GET /healthz takes `Authorization: Bearer <token>`; scopes: ingest, read, respond, admin. ' +
          'Errors answer `{ "error": { "code": "FINMON_…", "message": "…" } }`.',
        version: deps.version,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.get(
    '/api/v1/openapi.json',
    { preHandler: requireScope(deps.auth, 'read'), schema: { hide: true } },
    async () => app.swagger(),
  );
}
