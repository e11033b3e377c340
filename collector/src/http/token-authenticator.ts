import { parseBearer } from '../auth/bearer';
import type { TokenService } from '../auth/token-service';
import type { Principal, RequestAuthenticator, Scope } from './authenticate';

/** Authenticates API calls with the bearer tokens of the token service. */
export class TokenAuthenticator implements RequestAuthenticator {
  constructor(private readonly tokens: TokenService) {}

  async authenticate(authorization: string | undefined, scope: Scope): Promise<Principal> {
    const verified = await this.tokens.verify(parseBearer(authorization), scope);
    return { tokenId: verified.tokenId, name: verified.name };
  }
}
