import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SCOPES } from '../../auth/scopes';
import type { TokenService } from '../../auth/token-service';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { requireScope, type RequestAuthenticator } from '../authenticate';

const createTokenBody = z
  .object({
    name: z.string().min(1),
    scopes: z.array(z.enum(SCOPES)).min(1),
    expiresAt: z.union([z.number().int(), z.iso.datetime({ offset: true })]).optional(),
  })
  .strict();

/**
 * Admin-only token management: create (the plaintext is in this one response and stored nowhere),
 * list (never hashes or plaintext), revoke.
 */
export function registerTokenRoutes(app: FastifyInstance, deps: { auth: RequestAuthenticator; tokens: TokenService }): void {
  const preHandler = requireScope(deps.auth, 'admin');
  const admin = (summary: string) => ({ preHandler, schema: { summary, tags: ['tokens'] } });

  app.post('/api/v1/tokens', admin('Create an API token (the plaintext is shown once)'), async (request, reply) => {
    const parsed = createTokenBody.safeParse(request.body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      throw new FinmonError(ErrorCodes.REQUEST_INVALID, `invalid token request: ${problems}`, 400);
    }
    const { name, scopes, expiresAt } = parsed.data;
    const created = await deps.tokens.create({
      name,
      scopes,
      expiresAt: typeof expiresAt === 'string' ? Date.parse(expiresAt) : expiresAt,
    });
    return reply.status(201).send({ token: created.plaintext, info: created.token });
  });

  app.get('/api/v1/tokens', admin('List API tokens (names, scopes, dates; never hashes)'), async () => ({ tokens: await deps.tokens.list() }));

  app.delete('/api/v1/tokens/:id', admin('Revoke an API token'), async (request) => {
    const { id } = request.params as { id: string };
    return { revoked: await deps.tokens.revoke(id) };
  });
}
