import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleSearchIndex, buildIndex, searchIndex } from '../../shared/adapters/article-search';
import { ArticleStore } from '../../shared/adapters/article-store';
import { type Article, MAX_ARTICLE_BODY } from '../../shared/domain/articles';
import { renderMarkdown } from '../../shared/http/markdown';
import { anArticle } from '../support/articles';
import { freshTable } from '../support/dynamodb';

const password = anArticle();
const invoice = anArticle({
  slug: 'understand-your-invoice',
  title: 'Understand your invoice',
  body: 'Each line of the invoice is one plan period; a refund appears as a credit note.',
  requestTypes: ['billing_dispute'],
  tags: ['billing', 'refund'],
});
const internal = anArticle({
  slug: 'refund-policy-internal',
  title: 'Refund policy (agents)',
  body: 'Refunds above 500 EUR need a lead.',
  audience: 'internal',
  requestTypes: ['billing_dispute'],
  tags: ['refund'],
});

describe('ArticleStore against DynamoDB Local', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let store: ArticleStore;
  beforeAll(async () => {
    table = await freshTable();
    store = new ArticleStore(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  it('creates, reads and lists articles in slug order, stepping the KB version marker with each write', async () => {
    expect(await store.kbVersion()).toBe(0);
    await store.put(password, undefined);
    await store.put(invoice, undefined);
    expect(await store.get(password.slug)).toEqual(password);
    expect((await store.list()).map((a) => a.slug)).toEqual([password.slug, invoice.slug]);
    expect(await store.kbVersion()).toBe(2);
  });

  it('refuses a write decided on another version, naming the stored one, and writes nothing', async () => {
    await expect(store.put({ ...password, title: 'Twice' }, undefined)).rejects.toMatchObject({
      code: 'ARTICLE.STALE_VERSION',
      currentVersion: 1,
    });
    await expect(store.put({ ...password, version: 3 }, 2)).rejects.toMatchObject({ currentVersion: 1 });
    await store.put({ ...password, title: 'Reset it', version: 2 }, 1);
    expect(await store.get(password.slug)).toMatchObject({ title: 'Reset it', version: 2 });
    expect(await store.kbVersion()).toBe(3);
  });

  it("keeps, with a renderer, each version's HTML beside the article, which the list never returns", async () => {
    const rendering = new ArticleStore(table.db, table.tableName, (markdown) => `<p>${markdown.length}</p>`);
    const faq = anArticle({ slug: 'rendered-faq', body: 'Twelve chars' });
    await rendering.put(faq, undefined);
    expect(await rendering.renderedHtml(faq)).toBe('<p>12</p>');
    // The reader needs no renderer; a render kept for another version is not this version's.
    expect(await store.renderedHtml(faq)).toBe('<p>12</p>');
    expect(await store.renderedHtml({ ...faq, version: 2 })).toBeUndefined();
    expect((await store.list()).every((a) => !('html' in a))).toBe(true);
    expect((await store.list()).filter((a) => a.slug === faq.slug)).toHaveLength(1);
    // A write without a renderer keeps none for its version; a refused write keeps nothing either.
    await store.put({ ...faq, body: 'Longer body now', version: 2 }, 1);
    expect(await store.renderedHtml({ ...faq, version: 2 })).toBeUndefined();
    await expect(rendering.put({ ...faq, body: 'x', version: 9 }, 1)).rejects.toMatchObject({
      code: 'ARTICLE.STALE_VERSION',
    });
    expect(await rendering.renderedHtml({ ...faq, version: 9 })).toBeUndefined();
    await rendering.put({ ...faq, body: 'Three', version: 3 }, 2);
    expect(await store.renderedHtml({ ...faq, version: 3 })).toBe('<p>5</p>');
    await store.delete(faq.slug, 3);
    expect(await store.renderedHtml({ ...faq, version: 3 })).toBeUndefined();
  });

  it('keeps the rendering of the largest article whose HTML outgrows an item (gzipped)', async () => {
    const rendering = new ArticleStore(table.db, table.tableName, renderMarkdown);
    const ampersands = anArticle({ slug: 'ampersands', body: '&'.repeat(MAX_ARTICLE_BODY) });
    expect(renderMarkdown(ampersands.body).length).toBeGreaterThan(400_000);
    await rendering.put(ampersands, undefined);
    expect(await store.renderedHtml(ampersands)).toBe(renderMarkdown(ampersands.body));
  });

  it('deletes an article only at the version it was read at', async () => {
    await store.put(internal, undefined);
    await expect(store.delete(internal.slug, 5)).rejects.toMatchObject({ code: 'ARTICLE.STALE_VERSION' });
    await store.delete(internal.slug, 1);
    expect(await store.get(internal.slug)).toBeUndefined();
  });

  it('lets a cached search index see a published change at its next search', async () => {
    const search = new ArticleSearchIndex(store);
    expect(await search.search('credit note', { audience: 'external' })).toMatchObject([
      { slug: invoice.slug },
    ]);
    await store.put({ ...internal, audience: 'external', status: 'published', version: 1 }, undefined);
    const hits = await search.search('refund', { audience: 'external' });
    expect(hits.map((h) => h.slug).toSorted()).toEqual([internal.slug, invoice.slug].toSorted());
  });
});

describe('the search index', () => {
  const index = buildIndex([
    password,
    invoice,
    internal,
    anArticle({ slug: 'draft', title: 'Password draft', status: 'draft' }),
  ]);

  it('finds an article by a misspelled word and by a word’s beginning', () => {
    expect(searchIndex(index, 'pasword', { audience: 'external' })[0]?.slug).toBe(password.slug);
    expect(searchIndex(index, 'invo', { audience: 'external' })[0]?.slug).toBe(invoice.slug);
  });

  it('ranks a title match above a body match', () => {
    const titled = anArticle({ slug: 'a', title: 'Export your data', body: 'Settings.', tags: [] });
    const mentioned = anArticle({
      slug: 'b',
      title: 'Account settings',
      body: 'You can export from here.',
      tags: [],
    });
    expect(
      searchIndex(buildIndex([mentioned, titled]), 'export', { audience: 'all' }).map((h) => h.slug),
    ).toEqual(['a', 'b']);
  });

  it('keeps internal articles and drafts from customers, and filters by request type', () => {
    expect(searchIndex(index, 'refund', { audience: 'external' }).map((h) => h.slug)).toEqual([invoice.slug]);
    expect(
      searchIndex(index, 'refund', { audience: 'all' })
        .map((h) => h.slug)
        .toSorted(),
    ).toEqual([internal.slug, invoice.slug].toSorted());
    expect(searchIndex(index, 'password', { audience: 'all' }).map((h) => h.slug)).toEqual([password.slug]);
    expect(searchIndex(index, 'refund', { audience: 'external', requestType: 'access' })).toEqual([]);
  });

  it('answers each hit with its request types as stored', () => {
    expect(searchIndex(index, 'invoice', { audience: 'external' })[0]).toMatchObject({
      slug: invoice.slug,
      title: invoice.title,
      audience: 'external',
      requestTypes: ['billing_dispute'],
    });
    expect(
      searchIndex(index, 'invoice', { audience: 'external', requestType: 'billing_dispute' }),
    ).toHaveLength(1);
  });

  it('answers nothing for a blank query and at most `limit` hits', () => {
    expect(searchIndex(index, '   ', { audience: 'all' })).toEqual([]);
    expect(searchIndex(index, 'refund', { audience: 'all', limit: 1 })).toHaveLength(1);
  });
});

describe('the cached search index', () => {
  const source = (articles: Article[]) => {
    const counts = { lists: 0 };
    let version = 1;
    return {
      counts,
      move: (next: Article[]) => {
        articles = next;
        version += 1;
      },
      kbVersion: async () => version,
      list: async () => {
        counts.lists += 1;
        return articles;
      },
    };
  };

  it('builds once however many searches arrive together, and again only when the KB version moved', async () => {
    const kb = source([password]);
    const search = new ArticleSearchIndex(kb);
    await Promise.all([1, 2, 3].map(() => search.search('password', { audience: 'external' })));
    await search.search('reset', { audience: 'external' });
    expect(kb.counts.lists).toBe(1);
    kb.move([password, invoice]);
    expect((await search.search('invoice', { audience: 'external' })).map((h) => h.slug)).toEqual([
      invoice.slug,
    ]);
    expect(kb.counts.lists).toBe(2);
  });
});
