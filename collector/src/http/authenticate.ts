import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

import type { Scope } from '../auth/scopes';
export type { Scope };

export interface Principal {
  tokenId: string;
  name: string;
}

/**
 * The HTTP layer's view of authentication: given the Authorization header and the scope a route
 * needs, return who is calling or throw a FinmonError (401 / 403).
 */
export interface RequestAuthenticator {
  authenticate(authorization: string | undefined, scope: Scope): Promise<Principal>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** A preHandler that admits only callers holding `scope`. */
export function requireScope(auth: RequestAuthenticator, scope: Scope): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    request.principal = await auth.authenticate(request.headers.authorization, scope);
  };
}
