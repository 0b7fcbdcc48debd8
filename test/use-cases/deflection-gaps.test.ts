import { describe, expect, it } from 'vitest';
import { buildIndex, searchIndex } from '../../shared/adapters/article-search';
import { writeArticle } from '../../shared/domain/articles';
import { readKbGaps } from '../../shared/use-cases/metrics';
import type { DriverCell } from '../../shared/use-cases/ports';

// The KB-gap list says, for each driver over the threshold, whether a published external article covers
// it: its best match and score, "missing" or "exists but does not deflect".
const NOW = new Date('2026-05-04T09:00:00.000Z');

const article = (slug: string, title: string, audience: 'external' | 'internal' = 'external') =>
  writeArticle(
    slug,
    { title, body: title, audience, requestTypes: [], tags: [], locale: 'en', status: 'published' },
    undefined,
    'lead@example.com',
    NOW,
  );

const driver = (label: string, requestType: string, count: number): DriverCell => ({
  day: '2026-05-04',
  driver: `${requestType}#${label.replace(/ /g, '-')}`,
  requestType,
  label,
  count,
  examples: [],
});

describe('KB-gap coverage', () => {
  it('names the best article of a covered driver and says "missing" for the others', async () => {
    const index = buildIndex([
      article('reset-your-password', 'Reset your password'),
      article('vpn-runbook', 'VPN outage runbook', 'internal'),
    ]);
    const gaps = await readKbGaps(
      { windowDays: 1, threshold: 2, now: NOW },
      {
        metrics: {
          day: async () => ({
            cells: [],
            drivers: [
              driver('expired link password reset', 'general_question', 5),
              driver('outage vpn', 'bug_report', 4),
              driver('invoice copy', 'billing_dispute', 1),
            ],
          }),
        },
        search: { search: async (q, o) => searchIndex(index, q, o) },
      },
    );
    expect(gaps.gaps.map((g) => [g.label, g.coverage])).toEqual([
      [
        'expired link password reset',
        {
          status: 'exists_not_deflecting',
          bestMatch: { slug: 'reset-your-password', score: expect.any(Number) },
        },
      ],
      // The internal runbook deflects no customer: the driver is missing an external article.
      ['outage vpn', { status: 'missing', bestMatch: null }],
    ]);
  });
});
