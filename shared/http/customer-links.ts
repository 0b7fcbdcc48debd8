// The customer-links port (shared/use-cases/ports/links.ts) as the HTTP edge serves it: each kind of link
// signed with the one link secret for its own purpose, on the route that opens it.
import type { CustomerLinks } from '../use-cases/ports';
import { signCsatLink } from './csat-link';
import { signArticleSolvedLink } from './deflection-link';
import { signResolutionLink } from './resolution-link';
import { signLink } from './signed-link';

export function customerLinks(deps: {
  /** The key that signs every link (`linkSecret` in AWS and locally). */
  readonly secret: () => Promise<string>;
  /** Where the links point (the API's public URL). */
  readonly publicBaseUrl: string;
}): CustomerLinks {
  const base = deps.publicBaseUrl.replace(/\/$/, '');
  return {
    needsInfo: async (link) => `${base}/forms/context/${signLink(await deps.secret(), link)}`,
    csat: async (link) => `${base}/csat/${signCsatLink(await deps.secret(), link)}`,
    resolution: async (link) => `${base}/resolution/${signResolutionLink(await deps.secret(), link)}`,
    helpArticle: async (slug) => `${base}/help/${encodeURIComponent(slug)}?from=mail`,
    articleSolved: async (link) => `${base}/kb/solved/${signArticleSolvedLink(await deps.secret(), link)}`,
  };
}
