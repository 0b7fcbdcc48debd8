import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a needs-info link grants: supplying these fields of this ticket, until it expires. */
export interface ContextLink {
  readonly ticketId: string;
  readonly fields: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type LinkCheck =
  | { readonly ok: true; readonly link: ContextLink }
  | { readonly ok: false; readonly reason: 'malformed' | 'forged' | 'expired' };

const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(payload).digest('base64url');

/** `<base64url JSON>.<base64url HMAC-SHA256>`: self-contained, so the link needs no table lookup to check. */
export function signLink(secret: string, link: ContextLink): string {
  const payload = Buffer.from(
    JSON.stringify({ t: link.ticketId, f: link.fields, e: link.expiresAt }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export function verifyLink(secret: string, token: string, now: Date): LinkCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const b = body as { t?: unknown; f?: unknown; e?: unknown };
  if (typeof b.t !== 'string' || !Array.isArray(b.f) || typeof b.e !== 'number')
    return { ok: false, reason: 'malformed' };
  if (now.getTime() / 1000 > b.e) return { ok: false, reason: 'expired' };
  return { ok: true, link: { ticketId: b.t, fields: b.f.map(String), expiresAt: b.e } };
}
