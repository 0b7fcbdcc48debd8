import { ArticleSlug } from '../domain/articles';
import { TicketId } from '../domain/ticket';
import type { ArticleSolvedLink } from '../use-cases/ports';
import { signToken, type TokenRefusal, verifyToken } from './signed-link';

export type ArticleSolvedLinkCheck =
  | { readonly ok: true; readonly link: ArticleSolvedLink }
  | { readonly ok: false; readonly reason: TokenRefusal };

// Same secret as the needs-info, survey and resolution links, with its own purpose in the MAC: no other
// token can resolve a ticket as self-served (nor this one answer a survey).
const PURPOSE = 'frontdoor.kb-solved.v1';

export function signArticleSolvedLink(secret: string, link: ArticleSolvedLink): string {
  return signToken(secret, { t: link.ticketId, s: link.slug, e: link.expiresAt }, PURPOSE);
}

export function verifyArticleSolvedLink(secret: string, token: string, now: Date): ArticleSolvedLinkCheck {
  const checked = verifyToken(secret, token, now, PURPOSE);
  if (!checked.ok) return checked;
  const b = checked.body as { t?: unknown; s?: unknown; e: number };
  if (!TicketId.safeParse(b.t).success || !ArticleSlug.safeParse(b.s).success)
    return { ok: false, reason: 'malformed' };
  return { ok: true, link: { ticketId: b.t as string, slug: b.s as string, expiresAt: b.e } };
}
