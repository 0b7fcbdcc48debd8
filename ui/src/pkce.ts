/** OAuth 2.0 authorization code with PKCE (RFC 7636), S256, using only WebCrypto. */

export function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 32 random bytes → a 43-character verifier (RFC 7636 §4.1 allows 43–128 unreserved characters). */
export function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** `code_challenge = BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** The claims of a JWT, unverified: the API verifies the signature; the UI only reads names and expiry. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the token's `exp` is past (with a minute's margin) or unreadable. */
export function isExpired(token: string, nowMs = Date.now()): boolean {
  const exp = jwtClaims(token)?.exp;
  return typeof exp !== 'number' || exp * 1000 < nowMs + 60_000;
}
