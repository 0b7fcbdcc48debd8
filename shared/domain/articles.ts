/**
 * Knowledge-base articles (Tier 0): what an article is, who may read it, and how one is written. An article
 * is Markdown with a slug, an audience (`external`: customers, the help centre and the form's suggestions;
 * `internal`: agents only), the request types and tags it is about, a locale and a status (only `published`
 * ones are searched or shown). One schema reads and writes them; a write steps the version (optimistic:
 * the store refuses a write decided on another version). Pure: rendering and search live in adapters.
 */
import { wellFormed } from './ticket-input';
import * as z from './zod';

/** Lower-case words joined by single hyphens: `reset-your-password`. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_ARTICLE_BODY = 100_000;

export const ArticleSlug = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(100),
    z.regex(SLUG_PATTERN, 'must be kebab-case: lower-case letters and digits joined by single hyphens'),
  );
export type ArticleSlug = z.infer<typeof ArticleSlug>;

export const ArticleAudience = z.enum(['external', 'internal']);
export type ArticleAudience = z.infer<typeof ArticleAudience>;

export const ArticleStatus = z.enum(['draft', 'published']);
export type ArticleStatus = z.infer<typeof ArticleStatus>;

// Half a surrogate pair is no text and DynamoDB refuses it: each becomes U+FFFD, as in tickets.
const text = () => z.string().check(z.overwrite(wellFormed));
const Label = text().check(z.trim(), z.minLength(1), z.maxLength(100));

/** What an author writes (the PUT body, an imported file's front matter and body). */
export const ArticleInputSchema = z.object({
  title: text().check(z.trim(), z.minLength(1), z.maxLength(200)),
  body: text().check(z.maxLength(MAX_ARTICLE_BODY)),
  audience: ArticleAudience,
  requestTypes: z._default(z.array(Label).check(z.maxLength(50)), []),
  tags: z._default(z.array(Label).check(z.maxLength(50)), []),
  locale: z._default(
    z
      .string()
      .check(z.regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like en or pt-BR')),
    'en',
  ),
  status: z._default(ArticleStatus, 'draft'),
});
export type ArticleInput = z.infer<typeof ArticleInputSchema>;

/** An article as stored and read: the input plus its slug, who wrote it last, when, and its version. */
export const ArticleSchema = z.extend(ArticleInputSchema, {
  slug: ArticleSlug,
  updatedBy: z.string().check(z.minLength(1)),
  updatedAt: z.iso.datetime(),
  version: z.number().check(z.int(), z.minimum(1)),
});
export type Article = z.infer<typeof ArticleSchema>;

/** Which articles a search may return: customers see `external`, agents `all`. */
export type AudienceFilter = ArticleAudience | 'all';

export const isPublished = (article: Pick<Article, 'status'>): boolean => article.status === 'published';

/** Whether a reader limited to `audience` may see the article (published or not is a separate question). */
export const visibleTo = (article: Pick<Article, 'audience'>, audience: AudienceFilter): boolean =>
  audience === 'all' || article.audience === audience;

/** Whether an article is about a request type (an article about none is about every one). */
export const coversRequestType = (article: Pick<Article, 'requestTypes'>, requestType: string): boolean =>
  article.requestTypes.length === 0 || article.requestTypes.includes(requestType);

/** The article an author's write makes: version 1 when new, else one past the version it replaces. */
export function writeArticle(
  slug: ArticleSlug,
  input: ArticleInput,
  previous: Pick<Article, 'version'> | undefined,
  author: string,
  now: Date,
): Article {
  return {
    ...input,
    slug,
    updatedBy: author,
    updatedAt: now.toISOString(),
    version: (previous?.version ?? 0) + 1,
  };
}

/** Published external articles grouped by request type, in title order (the help centre's index). */
export function groupByRequestType(
  articles: readonly Article[],
  general = 'general',
): Array<{ requestType: string; articles: Article[] }> {
  const groups = new Map<string, Article[]>();
  for (const article of articles.toSorted((a, b) => a.title.localeCompare(b.title))) {
    for (const type of article.requestTypes.length > 0 ? article.requestTypes : [general]) {
      groups.set(type, [...(groups.get(type) ?? []), article]);
    }
  }
  return [...groups.entries()]
    .toSorted(([a], [b]) => (a === general ? 1 : b === general ? -1 : a.localeCompare(b)))
    .map(([requestType, list]) => ({ requestType, articles: list }));
}
