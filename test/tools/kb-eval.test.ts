import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvalLines, rankOf, scoreRanks } from '../../tools/kb-eval';

const ROOT = join(import.meta.dirname, '../..');

describe('kb:eval scoring', () => {
  it('reads JSON lines, skipping blanks and comments, and names each bad line', () => {
    const { cases, problems } = parseEvalLines(
      [
        '# comment',
        '{"query": "reset", "expectedSlug": "reset-your-password", "requestType": "general_question"}',
        '',
        'not json',
        '{"query": "", "expectedSlug": "x"}',
      ].join('\n'),
    );
    expect(cases).toEqual([
      { query: 'reset', expectedSlug: 'reset-your-password', requestType: 'general_question' },
    ]);
    expect(problems).toEqual(['line 4: not JSON', 'line 5: needs "query" (text) and "expectedSlug"']);
  });

  it('ranks from 1 and scores hit@1, hit@3 and MRR', () => {
    expect(rankOf('b', ['a', 'b'])).toBe(2);
    expect(rankOf('z', ['a', 'b'])).toBeNull();
    expect(scoreRanks([1, 2, 4, null])).toEqual({ cases: 4, hitAt1: 0.25, hitAt3: 0.5, mrr: 0.438 });
    expect(scoreRanks([])).toEqual({ cases: 0, hitAt1: 0, hitAt3: 0, mrr: 0 });
  });

  it('keeps every score between 0 and 1 with hit@1 ≤ hit@3 and MRR between them and hit@1', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 10 }), { nil: null })), (ranks) => {
        const s = scoreRanks(ranks);
        expect(s.hitAt1).toBeLessThanOrEqual(s.hitAt3);
        expect(s.mrr).toBeGreaterThanOrEqual(s.hitAt1 - 0.001);
        expect(s.mrr).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('never throws on arbitrary text: every non-blank, non-comment line is a case or a problem', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const { cases, problems } = parseEvalLines(text);
        const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
        expect(cases.length + problems.length).toBe(lines.length);
      }),
    );
  });

  it('prints the figures of the repository’s eval set over the starter articles', () => {
    const out = execFileSync(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['tools/kb-eval.ts', 'test/fixtures/kb-eval.jsonl'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out).toContain('in-process index over kb/');
    const [, hit1, hit3, mrr] = /hit@1 ([\d.]+)\s+hit@3 ([\d.]+)\s+MRR ([\d.]+)/.exec(out) ?? [];
    expect(Number(hit1)).toBeGreaterThanOrEqual(0.7);
    expect(Number(hit3)).toBeGreaterThanOrEqual(0.9);
    expect(Number(mrr)).toBeGreaterThanOrEqual(0.8);
  });
});
