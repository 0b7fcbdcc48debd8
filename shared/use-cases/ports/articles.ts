// The knowledge base as use cases see it: a store of articles (optimistic versions) and a search over the
// published ones. Adapters: article-store.ts (the table) and article-search.ts (an in-process index).
import type { Article, ArticleAudience, AudienceFilter } from '../../domain/articles';
import { DomainError } from '../../domain/errors';

export interface ArticleStorePort {
  get(slug: string): Promise<Article | undefined>;
  /** Every article, drafts included, in slug order. */
  list(): Promise<Article[]>;
  /**
   * Writes `article` only if the stored one is at `expectedVersion` (`undefined`: only if there is none);
   * otherwise throws ArticleVersionConflictError.
   */
  put(article: Article, expectedVersion: number | undefined): Promise<void>;
  /** Removes the article if it is at `expectedVersion` (no article is no error). */
  delete?(slug: string, expectedVersion: number): Promise<void>;
}

/** One search result: enough to link to the article and say how well it matched. */
export interface ArticleHit {
  readonly slug: string;
  readonly title: string;
  readonly audience: ArticleAudience;
  /** The index's relevance (higher is better; comparable within one search only). */
  readonly score: number;
  readonly requestTypes: readonly string[];
}

export interface ArticleSearchOptions {
  readonly audience: AudienceFilter;
  /** Only articles about this request type (or about none in particular). */
  readonly requestType?: string;
  /** At most this many hits (default 10). */
  readonly limit?: number;
}

export interface ArticleSearchPort {
  /** Published articles matching `query` (prefix and fuzzy), best first; an empty query finds nothing. */
  search(query: string, options: ArticleSearchOptions): Promise<ArticleHit[]>;
}

/** A write decided on a version the article is no longer at (or a create of an article that exists). */
export class ArticleVersionConflictError extends DomainError {
  override readonly name = 'ArticleVersionConflictError';
  readonly code = 'ARTICLE.STALE_VERSION';
  constructor(
    readonly slug: string,
    readonly expectedVersion: number | undefined,
    /** The stored version, when known. */
    readonly currentVersion?: number,
    options?: { cause?: unknown },
  ) {
    super(
      expectedVersion === undefined
        ? `article ${slug} already exists`
        : `article ${slug} is no longer at version ${expectedVersion}`,
      options,
    );
  }
}
