/**
 * `npm run kb:import -- <dir> [--url <api base URL>]`: imports a folder of Markdown articles (front matter:
 * slug, title, audience, requestTypes, tags, locale, status) through the API, so a team can keep its
 * knowledge base in git. Each file is created, updated (with If-Match from the version it reads) or left
 * as it is when nothing changed; one progress line per file, then a summary; exit 1 if any file failed,
 * naming it and why. Locally it asks the running `npm start` for an admin token (as `npm run token`
 * does); against AWS give `--url` and a lead's or admin's token in FRONTDOOR_TOKEN.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { localSettings } from '../infra/local/settings';
import { readArticleFiles } from '../shared/adapters/article-files';
import type { Article, ArticleInput } from '../shared/domain/articles';

const LOCAL_ADMIN = 'admin@example.com';
type Outcome = 'created' | 'updated' | 'unchanged' | 'failed';

interface Api {
  readonly url: string;
  readonly token: string;
}

async function localToken(url: string): Promise<string> {
  const res = await fetch(`${url}/local/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: LOCAL_ADMIN }),
  }).catch(() => undefined);
  if (!res)
    throw new Error(
      `no Frontdoor runtime answers on ${url}: start it with npm start, or give --url and FRONTDOOR_TOKEN`,
    );
  const body = (await res.json().catch(() => ({}))) as { token?: unknown };
  if (!res.ok || typeof body.token !== 'string') throw new Error(`${url} gave no token (${res.status})`);
  return body.token;
}

const sameArticle = (a: Article, input: ArticleInput): boolean =>
  (Object.keys(input) as Array<keyof ArticleInput>).every(
    (k) => JSON.stringify(a[k]) === JSON.stringify(input[k]),
  );

/** Why the API refused, in one line: its message and each issue's path. */
function reasonOf(status: number, body: Record<string, unknown>): string {
  const issues = Array.isArray(body.issues)
    ? (body.issues as Array<{ path?: string; message?: string }>).map((i) => `${i.path}: ${i.message}`)
    : [];
  return `${status} ${String(body.error ?? '')}: ${issues.length ? issues.join('; ') : String(body.message ?? '')}`;
}

async function importOne(
  api: Api,
  slug: string,
  input: ArticleInput,
): Promise<{ outcome: Outcome; reason?: string }> {
  const path = `${api.url}/v1/kb/articles/${encodeURIComponent(slug)}`;
  const headers = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };
  const current = await fetch(path, { headers });
  const currentBody = (await current.json().catch(() => ({}))) as Record<string, unknown>;
  if (current.status !== 200 && current.status !== 404)
    return { outcome: 'failed', reason: reasonOf(current.status, currentBody) };
  const existing = current.status === 200 ? (currentBody.article as Article) : undefined;
  if (existing && sameArticle(existing, input)) return { outcome: 'unchanged' };
  const res = await fetch(path, {
    method: 'PUT',
    headers: { ...headers, ...(existing ? { 'if-match': `"${existing.version}"` } : {}) },
    body: JSON.stringify(input),
  });
  if (res.ok) return { outcome: existing ? 'updated' : 'created' };
  return {
    outcome: 'failed',
    reason: reasonOf(res.status, (await res.json().catch(() => ({}))) as Record<string, unknown>),
  };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { url: { type: 'string' } },
    allowPositionals: true,
  });
  const [dir] = positionals;
  if (!dir) {
    console.error(
      'usage: npm run kb:import -- <dir> [--url <api base URL>]  (with --url: FRONTDOOR_TOKEN=<lead or admin token>)',
    );
    return 2;
  }
  const url = (values.url ?? `http://127.0.0.1:${localSettings().port}`).replace(/\/+$/, '');
  let token = process.env.FRONTDOOR_TOKEN;
  if (!token && values.url) {
    console.error('--url needs a lead or admin token in FRONTDOOR_TOKEN');
    return 2;
  }
  const files = await readArticleFiles(dir);
  token ??= await localToken(url);
  const api = { url, token };
  const counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const failures: string[] = [];
  for (const file of files) {
    const name = relative(process.cwd(), file.path);
    const result = file.ok
      ? await importOne(api, file.slug, file.input).catch((e: unknown) => ({
          outcome: 'failed' as const,
          reason: e instanceof Error ? e.message : String(e),
        }))
      : { outcome: 'failed' as const, reason: file.problems.join('; ') };
    counts[result.outcome] += 1;
    const label = file.ok ? `${file.slug} (${name})` : name;
    console.log(
      `${result.outcome === 'failed' ? '✗' : '✓'} ${result.outcome.padEnd(9)} ${label}${result.reason ? `: ${result.reason}` : ''}`,
    );
    if (result.outcome === 'failed') failures.push(`${name}: ${result.reason}`);
  }
  console.log(
    `${files.length} file(s) → ${url}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed`,
  );
  for (const failure of failures) console.error(`failed: ${failure}`);
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
