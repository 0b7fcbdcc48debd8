import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { devUsers } from './dev-users';

/** What the local API's JWT authorizer trusts; in AWS these are the Cognito pool's issuer and client id. */
export const DEV_ISSUER = 'urn:frontdoor:local-dev-issuer';
export const DEV_AUDIENCE = 'frontdoor-local';
const KEY_ID = 'frontdoor-dev-1';

export interface DevIssuer {
  readonly jwks: { keys: JWK[] };
  tokenFor(email: string): Promise<string>;
}

/**
 * A development token issuer: one RSA key kept under DATA_DIR (so tokens survive restarts and the
 * `npm run token` CLI signs with the same key the runtime verifies with).
 */
export async function loadDevIssuer(dataDir: string): Promise<DevIssuer> {
  const dir = resolve(dataDir, 'dev-issuer');
  const file = join(dir, 'signing-key.json');
  let privateJwk: JWK;
  if (existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { kty, n, e } = privateJwk;
  const publicJwk: JWK = { kty, n, e, kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const key = await importJWK(privateJwk, 'RS256');

  return {
    jwks: { keys: [publicJwk] },
    async tokenFor(email) {
      const user = devUsers.find((u) => u.email === email.toLowerCase());
      if (!user) {
        throw new Error(`no seeded user ${email}; seeded users: ${devUsers.map((u) => u.email).join(', ')}`);
      }
      return new SignJWT({
        email: user.email,
        name: user.name,
        'cognito:groups': [...user.groups],
        token_use: 'id',
      })
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(createHash('sha256').update(user.email).digest('hex').slice(0, 32))
        .setIssuedAt()
        .setExpirationTime('12h')
        .sign(key);
    },
  };
}
