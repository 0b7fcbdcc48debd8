import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LinkCheck } from './signed-link';

/** What a survey link grants: rating this resolution of this ticket, until it expires. */
export interface CsatLink {
  readonly ticketId: string;
  /** The audit seq of the state change that resolved the ticket: one survey per resolution. */
  readonly resolution: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export type CsatLinkCheck =
  | { readonly ok: true; readonly link: CsatLink }
  | { readonly ok: false; readonly reason: Exclude<LinkCheck, { ok: true }>['reason'] };

// Same secret as the needs-info link, but the MAC covers a purpose prefix: a needs-info token can never
// pass as a survey token (or the other way round), even though both are signed with one key.
const PURPOSE = 'frontdoor.csat.v1';
const mac = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`${PURPOSE}.${payload}`).digest('base64url');

/** `<base64url JSON>.<base64url HMAC-SHA256>`: self-contained, checked without a table lookup. */
export function signCsatLink(secret: string, link: CsatLink): string {
  const payload = Buffer.from(
    JSON.stringify({ t: link.ticketId, r: link.resolution, e: link.expiresAt }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload)}`;
}

export function verifyCsatLink(secret: string, token: string, now: Date): CsatLinkCheck {
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
  if (typeof body !== 'object' || body === null) return { ok: false, reason: 'malformed' };
  const b = body as { t?: unknown; r?: unknown; e?: unknown };
  if (typeof b.t !== 'string' || !Number.isSafeInteger(b.r) || typeof b.e !== 'number')
    return { ok: false, reason: 'malformed' };
  if (now.getTime() / 1000 > b.e) return { ok: false, reason: 'expired' };
  return { ok: true, link: { ticketId: b.t, resolution: b.r as number, expiresAt: b.e } };
}
