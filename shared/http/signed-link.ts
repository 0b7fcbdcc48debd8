import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, type Issue } from '../domain/errors';
import type { ContextLink } from '../use-cases/ports';

export type TokenRefusal = 'malformed' | 'forged' | 'expired';

const REFUSAL_CODES = {
  malformed: 'LINK.MALFORMED',
  forged: 'LINK.FORGED',
  expired: 'LINK.EXPIRED',
} as const;

/** A signed link that cannot be used: the message is for the customer (each page words it its own way). */
export class LinkRefusedError extends DomainError {
  override readonly name = 'LinkRefusedError';
  readonly code: (typeof REFUSAL_CODES)[TokenRefusal];
  constructor(
    readonly reason: TokenRefusal,
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
    this.code = REFUSAL_CODES[reason];
  }
}

export type LinkCheck =
  | { readonly ok: true; readonly link: ContextLink }
  | { readonly ok: false; readonly reason: TokenRefusal };

// A purpose, when given, is covered by the MAC, so a token of one kind never passes as another even though
// all are signed with one key. Needs-info links predate purposes and keep signing the payload alone.
const mac = (secret: string, payload: string, purpose?: string) =>
  createHmac('sha256', secret)
    .update(purpose ? `${purpose}.${payload}` : payload)
    .digest('base64url');

/**
 * `<base64url JSON>.<base64url HMAC-SHA256>`: self-contained, so a link needs no table lookup to check.
 * The body's `e` is its expiry (epoch seconds).
 */
export function signToken(
  secret: string,
  body: Readonly<Record<string, unknown>> & { readonly e: number },
  purpose?: string,
): string {
  const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload, purpose)}`;
}

/** The body of a token this key signed for this purpose and that has not expired; else why not. */
export function verifyToken(
  secret: string,
  token: string,
  now: Date,
  purpose?: string,
):
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly reason: TokenRefusal } {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, payload, purpose));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'malformed' };
  const e = (body as { e?: unknown }).e;
  if (typeof e !== 'number') return { ok: false, reason: 'malformed' };
  if (now.getTime() / 1000 > e) return { ok: false, reason: 'expired' };
  return { ok: true, body: body as Record<string, unknown> };
}

export function signLink(secret: string, link: ContextLink): string {
  return signToken(secret, { t: link.ticketId, f: link.fields, e: link.expiresAt });
}

export function verifyLink(secret: string, token: string, now: Date): LinkCheck {
  const checked = verifyToken(secret, token, now);
  if (!checked.ok) return checked;
  const b = checked.body as { t?: unknown; f?: unknown; e: number };
  if (typeof b.t !== 'string' || !Array.isArray(b.f)) return { ok: false, reason: 'malformed' };
  return { ok: true, link: { ticketId: b.t, fields: b.f.map(String), expiresAt: b.e } };
}
