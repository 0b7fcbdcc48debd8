import type { CsatLink } from '../use-cases/ports';
import { signToken, type TokenRefusal, verifyToken } from './signed-link';

export type CsatLinkCheck =
  | { readonly ok: true; readonly link: CsatLink }
  | { readonly ok: false; readonly reason: TokenRefusal };

// Same secret as the needs-info link, with its own purpose in the MAC: a needs-info token can never
// pass as a survey token (or the other way round).
const PURPOSE = 'frontdoor.csat.v1';

export function signCsatLink(secret: string, link: CsatLink): string {
  return signToken(secret, { t: link.ticketId, r: link.resolution, e: link.expiresAt }, PURPOSE);
}

export function verifyCsatLink(secret: string, token: string, now: Date): CsatLinkCheck {
  const checked = verifyToken(secret, token, now, PURPOSE);
  if (!checked.ok) return checked;
  const b = checked.body as { t?: unknown; r?: unknown; e: number };
  if (typeof b.t !== 'string' || !Number.isSafeInteger(b.r)) return { ok: false, reason: 'malformed' };
  return { ok: true, link: { ticketId: b.t, resolution: b.r as number, expiresAt: b.e } };
}
