/**
 * The knowledge base's use cases: reading, writing (optimistic: `If-Match` on an update) and finding
 * articles. `suggestArticles` is the one entry point for every suggestion (the hosted form, the
 * acknowledgement mail, the agent's ticket view), so they all rank the same way.
 */
import {
  type Article,
  type ArticleInput,
  type AudienceFilter,
  isPublished,
  visibleTo,
  writeArticle,
} from '../domain/articles';
import { NotFoundError } from '../domain/errors';
import type { ArticleHit, ArticleSearchPort, ArticleStorePort, Clock } from './ports';
import { ArticleVersionConflictError } from './ports';

/** The longest text a search reads (a ticket's description may be long; its start says what it is about). */
export const MAX_QUERY_CHARS = 500;

/** The query as the index reads it: whitespace folded, at most MAX_QUERY_CHARS characters. */
export const normaliseQuery = (text: string): string =>
  text.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY_CHARS);

export interface SuggestOptions {
  readonly audience: AudienceFilter;
  readonly requestType?: string;
  readonly limit: number;
}

/**
 * The articles to suggest for a customer's or a ticket's text: the best hits about its request type
 * first, then, if fewer than `limit`, the best of the others (an article about another type may still
 * answer). Published only, never one twice; an empty text suggests nothing.
 */
export async function suggestArticles(
  text: string,
  options: SuggestOptions,
  ports: { readonly search: ArticleSearchPort },
): Promise<ArticleHit[]> {
  const query = normaliseQuery(text);
  if (query === '' || options.limit <= 0) return [];
  const { audience, requestType, limit } = options;
  const first = await ports.search.search(query, {
    audience,
    limit,
    ...(requestType ? { requestType } : {}),
  });
  if (!requestType || first.length >= limit) return first.slice(0, limit);
  const rest = await ports.search.search(query, { audience, limit: limit + first.length });
  const seen = new Set(first.map((h) => h.slug));
  return [...first, ...rest.filter((h) => !seen.has(h.slug))].slice(0, limit);
}

/** One article for a reader limited to `audience` (drafts only when `drafts`); 404 otherwise. */
export async function readArticle(
  slug: string,
  reader: { readonly audience: AudienceFilter; readonly drafts: boolean },
  ports: { readonly articles: Pick<ArticleStorePort, 'get'> },
): Promise<Article> {
  const article = await ports.articles.get(slug);
  if (!article || !visibleTo(article, reader.audience) || (!reader.drafts && !isPublished(article))) {
    throw new NotFoundError('ARTICLE.NOT_FOUND', `article ${slug} not found`);
  }
  return article;
}

/** Articles a reader may list, in slug order. */
export async function listArticles(
  reader: { readonly audience: AudienceFilter; readonly drafts: boolean },
  ports: { readonly articles: Pick<ArticleStorePort, 'list'> },
): Promise<Article[]> {
  const all = await ports.articles.list();
  return all.filter((a) => visibleTo(a, reader.audience) && (reader.drafts || isPublished(a)));
}

/**
 * Creates or replaces an article. A new slug needs no version; an existing one needs the version the
 * author read (`ifMatch`), else ArticleVersionConflictError (the API answers 409 with the current one),
 * so two authors never overwrite each other silently.
 */
export async function putArticle(
  slug: string,
  input: ArticleInput,
  request: { readonly ifMatch: number | undefined; readonly author: string },
  ports: { readonly articles: Pick<ArticleStorePort, 'get' | 'put'>; readonly clock: Clock },
): Promise<{ article: Article; created: boolean }> {
  const current = await ports.articles.get(slug);
  if (current && current.version !== request.ifMatch) {
    throw new ArticleVersionConflictError(slug, request.ifMatch, current.version);
  }
  if (!current && request.ifMatch !== undefined) {
    throw new NotFoundError('ARTICLE.NOT_FOUND', `article ${slug} not found (If-Match names a version)`);
  }
  const article = writeArticle(slug, input, current, request.author, ports.clock.now());
  await ports.articles.put(article, current?.version);
  return { article, created: !current };
}
