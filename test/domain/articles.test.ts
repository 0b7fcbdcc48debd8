import { describe, expect, it } from 'vitest';
import {
  ArticleInputSchema,
  ArticleSchema,
  coversRequestType,
  groupByRequestType,
  visibleTo,
  writeArticle,
} from '../../shared/domain/articles';
import { anArticle } from '../support/articles';

describe('an article', () => {
  it('reads with its defaults: English, a draft, no request types or tags', () => {
    const input = ArticleInputSchema.parse({ title: ' Billing ', body: 'x', audience: 'external' });
    expect(input).toEqual({
      title: 'Billing',
      body: 'x',
      audience: 'external',
      requestTypes: [],
      tags: [],
      locale: 'en',
      status: 'draft',
    });
  });

  it('refuses a slug that is not kebab-case, an unknown audience and a body over 100k characters', () => {
    expect(ArticleSchema.safeParse(anArticle({ slug: 'Reset Password' })).success).toBe(false);
    expect(ArticleSchema.safeParse(anArticle({ slug: 'reset--password' })).success).toBe(false);
    expect(ArticleSchema.safeParse(anArticle({ audience: 'public' as never })).success).toBe(false);
    expect(ArticleSchema.safeParse(anArticle({ body: 'a'.repeat(100_001) })).success).toBe(false);
    expect(ArticleSchema.safeParse(anArticle()).success).toBe(true);
  });

  it('reads half a surrogate pair as U+FFFD, which DynamoDB can store', () => {
    const input = ArticleInputSchema.parse({ title: 'A \ud83d title', body: '\ude00', audience: 'internal' });
    expect([input.title, input.body]).toEqual(['A \ufffd title', '\ufffd']);
  });

  it('steps its version on each write and names who wrote it and when', () => {
    const now = new Date('2026-02-01T00:00:00.000Z');
    const first = writeArticle('a', anArticle(), undefined, 'lead@example.com', now);
    expect(first).toMatchObject({
      slug: 'a',
      version: 1,
      updatedBy: 'lead@example.com',
      updatedAt: now.toISOString(),
    });
    expect(writeArticle('a', anArticle(), first, 'admin@example.com', now).version).toBe(2);
  });

  it('is visible to customers only when external, to agents always', () => {
    expect(visibleTo(anArticle({ audience: 'internal' }), 'external')).toBe(false);
    expect(visibleTo(anArticle({ audience: 'internal' }), 'all')).toBe(true);
    expect(visibleTo(anArticle(), 'external')).toBe(true);
  });

  it('covers its request types, and every type when it names none', () => {
    expect(coversRequestType(anArticle({ requestTypes: ['billing'] }), 'access')).toBe(false);
    expect(coversRequestType(anArticle({ requestTypes: [] }), 'access')).toBe(true);
  });

  it('groups by request type in name order, the general ones last, each group in title order', () => {
    const groups = groupByRequestType([
      anArticle({ slug: 'b', title: 'B', requestTypes: ['billing'] }),
      anArticle({ slug: 'g', title: 'G', requestTypes: [] }),
      anArticle({ slug: 'a', title: 'A', requestTypes: ['billing', 'access'] }),
    ]);
    expect(groups.map((g) => [g.requestType, g.articles.map((a) => a.slug)])).toEqual([
      ['access', ['a']],
      ['billing', ['a', 'b']],
      ['general', ['g']],
    ]);
  });
});
