import { TicketId } from '../domain/ticket';
import { signToken, type TokenRefusal, verifyToken } from './signed-link';

/** What a resolution link grants: answering "is it solved?" for this resolution of this ticket, until it expires. */
export interface ResolutionLink {
  readonly ticketId: string;
  /** The audit seq of the state change that resolved the ticket: one answer per resolution. */
  readonly resolution: number;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

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
