import MiniSearch from 'minisearch';
import type { Article } from '../domain/articles';
import { coversRequestType, isPublished, visibleTo } from '../domain/articles';
import type {
  ArticleHit,
  ArticleSearchOptions,
  ArticleSearchPort,
  ArticleStorePort,
} from '../use-cases/ports';

/**
 * Article search with an in-process minisearch index over the published articles: fields title, tags,
 * request types and body, boosted title > tags > request types > body, prefix and fuzzy (0.2) matching.
 * The index is built on the first search and kept for the life of the process (a Lambda instance); before
 * each search the KB's version marker is read (one GetItem) and the index rebuilt when it moved, so a
 * published change is found by the next search on every instance.
 */

export const SEARCH_FIELDS = ['title', 'tags', 'requestTypes', 'body'] as const;
export const BOOST = { title: 4, tags: 2, requestTypes: 1.5, body: 1 } as const;
export const FUZZY = 0.2;

type Stored = Pick<Article, 'slug' | 'title' | 'audience' | 'requestTypes'>;

/** A fresh index of the published articles. */
export function buildIndex(articles: readonly Article[]): MiniSearch<Article> {
  const index = new MiniSearch<Article>({
    idField: 'slug',
    fields: [...SEARCH_FIELDS],
    storeFields: ['slug', 'title', 'audience', 'requestTypes'],
    // Arrays (tags, request types) are indexed as their words; stored fields keep their own values.
    stringifyField: (value: unknown) => (Array.isArray(value) ? value.join(' ') : String(value ?? '')),
    // `password-reset` and `password_reset` are two words each, like in the body.
    tokenize: (text) => text.split(/[\s\p{P}\p{S}]+/u).filter(Boolean),
    searchOptions: { boost: { ...BOOST }, prefix: true, fuzzy: FUZZY },
  });
  index.addAll(articles.filter(isPublished));
  return index;
}

/** The best hits of `query` in `index` for a reader limited to `options.audience`. */
export function searchIndex(
  index: MiniSearch<Article>,
  query: string,
  options: ArticleSearchOptions,
): ArticleHit[] {
  if (query.trim() === '') return [];
  const limit = Math.max(0, options.limit ?? 10);
  return index
    .search(query, {
      filter: (r) =>
        visibleTo(r as unknown as Stored, options.audience) &&
        (!options.requestType || coversRequestType(r as unknown as Stored, options.requestType)),
    })
    .slice(0, limit)
    .map((r) => {
      const doc = r as unknown as Stored & { score: number };
      return {
        slug: doc.slug,
        title: doc.title,
        audience: doc.audience,
        score: doc.score,
        requestTypes: doc.requestTypes,
      };
    });
}

export interface ArticleSource {
  readonly list: ArticleStorePort['list'];
  /** Moves whenever any article is written. */
  kbVersion(): Promise<number>;
}

export class ArticleSearchIndex implements ArticleSearchPort {
  private built: { version: number; index: MiniSearch<Article> } | undefined;
  /** The rebuild in progress, by the marker version it was started for. */
  private readonly building = new Map<number, Promise<MiniSearch<Article>>>();

  constructor(private readonly source: ArticleSource) {}

  async search(query: string, options: ArticleSearchOptions): Promise<ArticleHit[]> {
    if (query.trim() === '') return [];
    const index = await this.current();
    return searchIndex(index, query, options);
  }

  /** The index for the KB's current version: the cached one, or one rebuilt (once, however many ask). */
  private async current(): Promise<MiniSearch<Article>> {
    const version = await this.source.kbVersion();
    if (this.built?.version === version) return this.built.index;
    let building = this.building.get(version);
    if (!building) {
      building = this.source
        .list()
        .then((articles) => buildIndex(articles))
        .finally(() => this.building.delete(version));
      this.building.set(version, building);
    }
    const index = await building;
    // Kept unless a newer version was built meanwhile (searches may finish in any order).
    if (!this.built || version >= this.built.version) this.built = { version, index };
    return index;
  }
}
