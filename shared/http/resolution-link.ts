import { TicketId } from '../domain/ticket';
import type { ResolutionLink } from '../use-cases/ports';
import { signToken, type TokenRefusal, verifyToken } from './signed-link';

export type ResolutionLinkCheck =
  | { readonly ok: true; readonly link: ResolutionLink }
  | { readonly ok: false; readonly reason: TokenRefusal };

// Same secret as the needs-info and survey links, with its own purpose in the MAC: a survey token can
// never close or reopen a ticket (nor the other way round).
const PURPOSE = 'frontdoor.resolution.v1';

export function signResolutionLink(secret: string, link: ResolutionLink): string {
  return signToken(secret, { t: link.ticketId, r: link.resolution, e: link.expiresAt }, PURPOSE);
}

export function verifyResolutionLink(secret: string, token: string, now: Date): ResolutionLinkCheck {
  const checked = verifyToken(secret, token, now, PURPOSE);
  if (!checked.ok) return checked;
  const b = checked.body as { t?: unknown; r?: unknown; e: number };
  if (!TicketId.safeParse(b.t).success || !Number.isSafeInteger(b.r) || (b.r as number) < 1)
    return { ok: false, reason: 'malformed' };
  return { ok: true, link: { ticketId: b.t as string, resolution: b.r as number, expiresAt: b.e } };
}
