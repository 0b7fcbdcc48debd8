/**
 * `npm run -s kb:eval -- <file> [--kb <dir>] [--url <api base URL>]`: how well the knowledge-base search
 * finds the article each question needs. `<file>` holds JSON lines `{"query": "…", "expectedSlug": "…",
 * "requestType"?: "…"}`; each query is searched as the form and the acknowledgement search
 * (`suggestArticles`: its request type first, then the others) and ranked, then hit@1, hit@3 and MRR
 * (mean reciprocal rank over the first 10 hits) are printed, with the misses.
 *
 * Default: an in-process index (the runtime's own minisearch setup) over the Markdown articles of `--kb`
 * (default `kb/`, the starter set), published ones of both audiences. With `--url`: the running runtime's
 * public `GET /v1/kb/search` (published external articles, as customers search). Exit 1 on a bad file.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readArticleFiles } from '../shared/adapters/article-files';
import { buildIndex, searchIndex } from '../shared/adapters/article-search';
import { writeArticle } from '../shared/domain/articles';
import { suggestArticles } from '../shared/use-cases/articles';
import type { ArticleSearchPort } from '../shared/use-cases/ports';

/** One question of an eval set. */
export interface EvalCase {
  readonly query: string;
  readonly expectedSlug: string;
  readonly requestType?: string;
}

/** How many hits are ranked per query (MRR counts a find at rank 10 as 1/10, later as 0). */
export const RANKED = 10;

/** The cases of a JSON-lines text (blank lines and `#` comments skipped), or the problems by line number. */
export function parseEvalLines(text: string): { cases: EvalCase[]; problems: string[] } {
  const cases: EvalCase[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    if (typeof v.query !== 'string' || v.query.trim() === '' || typeof v.expectedSlug !== 'string') {
      problems.push(`line ${i + 1}: needs "query" (text) and "expectedSlug"`);
      return;
    }
    cases.push({
      query: v.query,
      expectedSlug: v.expectedSlug,
      ...(typeof v.requestType === 'string' ? { requestType: v.requestType } : {}),
    });
  });
  return { cases, problems };
}

/** The 1-based rank of the expected slug among the ranked slugs, or null when it is not among them. */
export const rankOf = (expected: string, ranked: readonly string[]): number | null => {
  const i = ranked.indexOf(expected);
  return i === -1 ? null : i + 1;
};

/** hit@1, hit@3 and MRR of the ranks (null: not found), rounded to three places; zeros for no cases. */
export function scoreRanks(ranks: readonly (number | null)[]) {
  const n = ranks.length;
  const share = (k: number) => (n === 0 ? 0 : ranks.filter((r) => r !== null && r <= k).length / n);
  const mrr = n === 0 ? 0 : ranks.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0) / n;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { cases: n, hitAt1: round(share(1)), hitAt3: round(share(3)), mrr: round(mrr) };
}

/** A search over the Markdown articles of a folder, built as the runtime builds its index. */
async function folderSearch(dir: string): Promise<ArticleSearchPort> {
  const files = await readArticleFiles(dir);
  const now = new Date();
  const articles = files.flatMap((f) =>
    f.ok ? [writeArticle(f.slug, f.input, undefined, 'kb-eval', now)] : [],
  );
  const index = buildIndex(articles);
  return { search: async (query, options) => searchIndex(index, query, options) };
}

/** The running runtime's public search (external articles only). */
function apiSearch(url: string): ArticleSearchPort {
  return {
    search: async (query, options) => {
      const params = new URLSearchParams({ q: query, limit: String(Math.min(options.limit ?? RANKED, 20)) });
      if (options.requestType) params.set('requestType', options.requestType);
      const res = await fetch(`${url.replace(/\/$/, '')}/v1/kb/search?${params}`);
      if (!res.ok) throw new Error(`GET /v1/kb/search answered ${res.status}`);
      return ((await res.json()) as { hits: Awaited<ReturnType<ArticleSearchPort['search']>> }).hits;
    },
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { kb: { type: 'string', default: 'kb' }, url: { type: 'string' } },
  });
  const file = positionals[0];
  if (!file) {
    console.error('usage: npm run -s kb:eval -- <file.jsonl> [--kb <dir>] [--url <api base URL>]');
    return 1;
  }
  const { cases, problems } = parseEvalLines(await readFile(file, 'utf8'));
  if (problems.length > 0) {
    for (const p of problems) console.error(`${file}: ${p}`);
    return 1;
  }
  const search = values.url ? apiSearch(values.url) : await folderSearch(values.kb);
  const audience = values.url ? 'external' : 'all';
  const ranks: (number | null)[] = [];
  const misses: string[] = [];
  for (const c of cases) {
    const hits = await suggestArticles(
      c.query,
      { audience, limit: RANKED, ...(c.requestType ? { requestType: c.requestType } : {}) },
      { search },
    );
    const rank = rankOf(
      c.expectedSlug,
      hits.map((h) => h.slug),
    );
    ranks.push(rank);
    if (rank !== 1)
      misses.push(
        `  ${rank === null ? 'miss' : `#${rank}`}  ${c.query}  → ${c.expectedSlug} (got ${hits[0]?.slug ?? 'nothing'})`,
      );
  }
  const score = scoreRanks(ranks);
  console.log(
    `search: ${values.url ? `${values.url}/v1/kb/search (external)` : `in-process index over ${values.kb}/`}`,
  );
  console.log(`cases ${score.cases}  hit@1 ${score.hitAt1}  hit@3 ${score.hitAt3}  MRR ${score.mrr}`);
  if (misses.length > 0) console.log(['not first:', ...misses].join('\n'));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
