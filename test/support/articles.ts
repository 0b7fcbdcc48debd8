// In-memory knowledge-base ports and article builders for tests of the use cases that read articles.
import type { Article } from '../../shared/domain/articles';
import {
  type ArticleHit,
  type ArticleSearchPort,
  type ArticleStorePort,
  ArticleVersionConflictError,
} from '../../shared/use-cases/ports';

export const anArticle = (over: Partial<Article> = {}): Article => ({
  slug: 'reset-your-password',
  title: 'Reset your password',
  body: 'Open the sign-in page and choose **Forgot password**.',
  audience: 'external',
  requestTypes: ['access'],
  tags: ['password'],
  locale: 'en',
  status: 'published',
  updatedBy: 'lead@example.com',
  updatedAt: '2026-01-05T10:00:00.000Z',
  version: 1,
  ...over,
});

/** A store in a Map, refusing stale writes as the table adapter does. */
export function memoryArticleStore(initial: readonly Article[] = []): ArticleStorePort & {
  readonly items: Map<string, Article>;
} {
  const items = new Map(initial.map((a) => [a.slug, a]));
  return {
    items,
    get: async (slug) => items.get(slug),
    list: async () => [...items.values()].toSorted((a, b) => a.slug.localeCompare(b.slug)),
    put: async (article, expectedVersion) => {
      const current = items.get(article.slug);
      if (current?.version !== expectedVersion) {
        throw new ArticleVersionConflictError(article.slug, expectedVersion, current?.version);
      }
      items.set(article.slug, article);
    },
    delete: async (slug, expectedVersion) => {
      const current = items.get(slug);
      if (current && current.version !== expectedVersion) {
        throw new ArticleVersionConflictError(slug, expectedVersion, current.version);
      }
      items.delete(slug);
    },
  };
}

/** A search that answers from a fixed list of hits, filtered by audience and request type, counting calls. */
export function fixedArticleSearch(hits: readonly ArticleHit[]): ArticleSearchPort & { calls: number } {
  const port = {
    calls: 0,
    search: async (_query: string, options: Parameters<ArticleSearchPort['search']>[1]) => {
      port.calls += 1;
      return hits
        .filter((h) => options.audience === 'all' || h.audience === options.audience)
        .filter(
          (h) =>
            !options.requestType ||
            h.requestTypes.length === 0 ||
            h.requestTypes.includes(options.requestType),
        )
        .slice(0, options.limit ?? 10);
    },
  };
  return port;
}
