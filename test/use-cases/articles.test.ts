import { describe, expect, it } from 'vitest';
import { ArticleInputSchema } from '../../shared/domain/articles';
import { listArticles, putArticle, readArticle, suggestArticles } from '../../shared/use-cases/articles';
import type { ArticleHit } from '../../shared/use-cases/ports';
import { anArticle, fixedArticleSearch, memoryArticleStore } from '../support/articles';

const hit = (
  slug: string,
  requestTypes: string[],
  audience: 'external' | 'internal' = 'external',
): ArticleHit => ({
  slug,
  title: slug,
  audience,
  score: 1,
  requestTypes,
});
const clock = { now: () => new Date('2026-03-01T00:00:00.000Z') };
const input = ArticleInputSchema.parse({ title: 'T', body: 'b', audience: 'external', status: 'published' });

describe('suggestArticles', () => {
  it('suggests the articles about the request type first, then fills up with the others, none twice', async () => {
    const search = fixedArticleSearch([
      hit('billing-1', ['billing']),
      hit('access-1', ['access']),
      hit('any', []),
    ]);
    const got = await suggestArticles(
      'invoice',
      { audience: 'external', requestType: 'access', limit: 3 },
      { search },
    );
    expect(got.map((h) => h.slug)).toEqual(['access-1', 'any', 'billing-1']);
  });

  it('suggests nothing for blank text and never searches for it', async () => {
    const search = fixedArticleSearch([hit('a', [])]);
    expect(await suggestArticles('  \n ', { audience: 'external', limit: 3 }, { search })).toEqual([]);
    expect(search.calls).toBe(0);
  });

  it('keeps internal articles from customers and stops at the limit', async () => {
    const search = fixedArticleSearch([hit('i', [], 'internal'), hit('a', []), hit('b', [])]);
    expect(
      (await suggestArticles('x', { audience: 'external', limit: 1 }, { search })).map((h) => h.slug),
    ).toEqual(['a']);
  });
});

describe('reading and writing articles', () => {
  it('hides drafts and internal articles from a customer, as not found', async () => {
    const articles = memoryArticleStore([
      anArticle({ slug: 'd', status: 'draft' }),
      anArticle({ slug: 'i', audience: 'internal' }),
    ]);
    const customer = { audience: 'external', drafts: false } as const;
    await expect(readArticle('d', customer, { articles })).rejects.toMatchObject({
      code: 'ARTICLE.NOT_FOUND',
    });
    await expect(readArticle('i', customer, { articles })).rejects.toMatchObject({
      code: 'ARTICLE.NOT_FOUND',
    });
    expect(await listArticles({ audience: 'all', drafts: true }, { articles })).toHaveLength(2);
    expect(await listArticles(customer, { articles })).toEqual([]);
  });

  it('creates an article at version 1 and updates it only from the version the author read', async () => {
    const articles = memoryArticleStore();
    const first = await putArticle(
      'faq',
      input,
      { ifMatch: undefined, author: 'lead@x' },
      { articles, clock },
    );
    expect(first).toMatchObject({ created: true, article: { slug: 'faq', version: 1, updatedBy: 'lead@x' } });
    const second = await putArticle('faq', input, { ifMatch: 1, author: 'lead@x' }, { articles, clock });
    expect(second).toMatchObject({ created: false, article: { version: 2 } });
    await expect(
      putArticle('faq', input, { ifMatch: 1, author: 'lead@x' }, { articles, clock }),
    ).rejects.toMatchObject({ code: 'ARTICLE.STALE_VERSION', currentVersion: 2 });
    await expect(
      putArticle('faq', input, { ifMatch: undefined, author: 'lead@x' }, { articles, clock }),
    ).rejects.toMatchObject({ code: 'ARTICLE.STALE_VERSION', currentVersion: 2 });
  });

  it('refuses an If-Match on an article that does not exist', async () => {
    const articles = memoryArticleStore();
    await expect(
      putArticle('new', input, { ifMatch: 3, author: 'lead@x' }, { articles, clock }),
    ).rejects.toMatchObject({ code: 'ARTICLE.NOT_FOUND' });
  });
});
