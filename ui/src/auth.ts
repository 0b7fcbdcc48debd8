import { base64Url, isExpired, jwtClaims, randomToken, s256Challenge } from './pkce';
import type { AppConfig } from './types';

/**
 * Who is signed in. The id token lives in sessionStorage (one tab, gone when it closes) and goes to the
 * API as `Authorization: Bearer`. Locally a dev login asks the runtime's dev issuer for a seeded user's
 * token; in AWS it is Cognito's hosted login with the authorization code flow and PKCE (S256).
 */
const TOKEN_KEY = 'frontdoor.idToken';
const PKCE_KEY = 'frontdoor.pkce';

type CognitoAuth = Extract<AppConfig['auth'], { mode: 'cognito' }>;

export function storedToken(): string | undefined {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  if (token && isExpired(token)) {
    sessionStorage.removeItem(TOKEN_KEY);
    return undefined;
  }
  return token;
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Dev login: `POST /local/auth/token {email}` on the local runtime → `{ token }`. */
export async function devLogin(config: AppConfig, email: string): Promise<string> {
  const res = await fetch(`${config.apiBaseUrl}/local/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  const body = (await res.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!res.ok || !body.token) throw new Error(body.message ?? `the dev login answered ${res.status}`);
  storeToken(body.token);
  return body.token;
}

/** Step 1: send the browser to the hosted login with a fresh verifier, challenge and state. */
export async function startCognitoLogin(auth: CognitoAuth, returnTo: string): Promise<never> {
  const verifier = randomToken(32);
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(`https://${auth.domain}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: auth.scopes.join(' '),
    state,
    code_challenge: await s256Challenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
  return new Promise<never>(() => {});
}

/**
 * Step 2, on return to the redirect URI: check `state`, swap the code (with the verifier) for tokens at
 * `/oauth2/token`, keep the id token. Answers the hash route to go back to, or undefined when the URL
 * carries no login answer. Throws with a readable message when the answer is refused or forged.
 */
export async function finishCognitoLogin(auth: CognitoAuth): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return undefined;
  const saved = sessionStorage.getItem(PKCE_KEY);
  sessionStorage.removeItem(PKCE_KEY);
  // Whatever happens next, the code must not stay in the address bar or the history.
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (error) throw new Error(`Sign-in was refused: ${params.get('error_description') ?? error}`);
  const pkce = saved
    ? (JSON.parse(saved) as { verifier: string; state: string; returnTo: string })
    : undefined;
  if (!pkce || params.get('state') !== pkce.state) {
    throw new Error('Sign-in answer did not match this tab (state check failed). Please sign in again.');
  }
  const res = await fetch(`https://${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code: code ?? '',
      redirect_uri: auth.redirectUri,
      code_verifier: pkce.verifier,
    }).toString(),
  });
  const tokens = (await res.json().catch(() => ({}))) as { id_token?: string; error?: string };
  if (!res.ok || !tokens.id_token) {
    throw new Error(
      `Sign-in could not be completed (${tokens.error ?? `HTTP ${res.status}`}). Please try again.`,
    );
  }
  storeToken(tokens.id_token);
  return pkce.returnTo;
}

/** Signing out ends the hosted-login session too (Cognito's `/logout`), or just forgets the dev token. */
export function signOut(config: AppConfig): void {
  forgetToken();
  if (config.auth.mode === 'cognito') {
    const url = new URL(`https://${config.auth.domain}/logout`);
    url.search = new URLSearchParams({
      client_id: config.auth.clientId,
      logout_uri: config.auth.logoutUri,
    }).toString();
    location.assign(url.toString());
  }
}

/** What the token says about its holder (a fallback for `GET /v1/me`). */
export function tokenIdentity(token: string): { email: string; name?: string; groups: string[] } {
  const claims = jwtClaims(token) ?? {};
  const groups = Array.isArray(claims['cognito:groups'])
    ? claims['cognito:groups'].filter((g): g is string => typeof g === 'string')
    : [];
  return {
    email: typeof claims.email === 'string' ? claims.email : String(claims.sub ?? 'unknown'),
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    groups,
  };
}
