import { devToken } from './runtime-process';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Calls the running local API as a seeded user (tokens signed with the runtime's dev key under `dataDir`,
 * kept per user), with JSON bodies and an optional `If-Match` version.
 */
export function apiAs(baseUrl: () => string, dataDir: () => string) {
  const tokens = new Map<string, string>();
  return async (
    email: string,
    path: string,
    init: { method?: string; body?: unknown; ifMatch?: number } = {},
  ): Promise<ApiAnswer> => {
    let token = tokens.get(email);
    if (!token) {
      token = await devToken(dataDir(), email);
      tokens.set(email, token);
    }
    const res = await fetch(`${baseUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.ifMatch !== undefined ? { 'if-match': `"${init.ifMatch}"` } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}
