import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/api';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

// Issue 18, the knowledge base against `npm start`: a folder imported with `npm run kb:import` shows in the
// help centre (external articles only), search forgives a misspelling, and a hostile body renders inert.

const LEAD = 'lead@example.com';
const AGENT = 'agent@example.com';

const article = (front: Record<string, string>, body: string): string =>
  `---\n${Object.entries(front)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n---\n${body}\n`;

const FOLDER: Record<string, string> = {
  'two-factor.md': article(
    {
      title: 'Set up two-factor authentication',
      audience: 'external',
      requestTypes: '[access_request]',
      status: 'published',
    },
    'Open **Settings → Security** and scan the code with an authenticator app.',
  ),
  'hostile.md': article(
    { title: 'A hostile article', audience: 'external', status: 'published' },
    'Hello <script>document.title = "owned"</script>\n\n<img src="x" onerror="alert(1)">\n\n[click](javascript:alert(1))',
  ),
  'escalation-runbook.md': article(
    {
      title: 'Escalation runbook for agents',
      audience: 'internal',
      requestTypes: '[bug_report]',
      status: 'published',
    },
    'Page the on-call engineer when a customer reports data loss.',
  ),
  'draft-note.md': article(
    { title: 'An unfinished draft', audience: 'external', status: 'draft' },
    'Not yet.',
  ),
};

describe('the knowledge base in the local runtime', () => {
  let dataDir: string;
  let folder: string;
  let runtime: RuntimeProcess;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const page = async (path: string) => {
    const res = await fetch(`${runtime.url}${path}`);
    return {
      status: res.status,
      csp: res.headers.get('content-security-policy') ?? '',
      html: await res.text(),
    };
  };
  /** `npm run kb:import -- <dir>` against the runtime (local mode: it asks the runtime for a token). */
  const importFolder = async (dir: string) => {
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'tools/kb-import.ts', dir],
        {
          cwd: ROOT,
          env: { ...process.env, PORT: String(runtime.port) },
        },
      );
      return { code: 0, stdout, stderr: '' };
    } catch (e) {
      const failed = e as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-kb-'));
    folder = mkdtempSync(join(tmpdir(), 'frontdoor-kb-folder-'));
    for (const [name, text] of Object.entries(FOLDER)) writeFileSync(join(folder, name), text);
    runtime = await startRuntimeProcess({ dataDir });
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('loads the starter set on a fresh data dir', async () => {
    const res = await as(AGENT, '/v1/kb/articles');
    const slugs = (res.body.articles as Array<{ slug: string }>).map((a) => a.slug);
    expect(slugs).toContain('reset-your-password');
    expect(slugs).toContain('refund-approval-policy');
  });

  it('imports a folder, says so per file, and leaves unchanged files alone the second time', async () => {
    const first = await importFolder(folder);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/created\s+two-factor/);
    expect(first.stdout).toContain('4 created, 0 updated, 0 unchanged, 0 failed');
    const again = await importFolder(folder);
    expect(again.stdout).toContain('0 created, 0 updated, 4 unchanged, 0 failed');
  });

  it('exits 1 naming the file and the reason when a file does not read', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'frontdoor-kb-bad-'));
    writeFileSync(join(bad, 'broken.md'), article({ title: 'Broken', audience: 'everyone' }, 'x'));
    const res = await importFolder(bad);
    rmSync(bad, { recursive: true, force: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/broken\.md: audience: /);
  });

  it('lists the external published articles in /help, not the internal ones or drafts', async () => {
    const { status, html } = await page('/help');
    expect(status).toBe(200);
    expect(html).toContain('href="/help/two-factor"');
    expect(html).toContain('Set up two-factor authentication');
    expect(html).not.toContain('escalation-runbook');
    expect(html).not.toContain('draft-note');
    expect((await page('/help/escalation-runbook')).status).toBe(404);
    expect((await page('/help/draft-note')).status).toBe(404);
  });

  it('finds an article by a misspelled word, publicly and in the help centre', async () => {
    const res = await fetch(`${runtime.url}/v1/kb/search?q=authentcation`);
    const { hits } = (await res.json()) as { hits: Array<{ slug: string; url: string }> };
    expect(hits[0]).toMatchObject({ slug: 'two-factor', url: '/help/two-factor' });
    expect((await page('/help?q=autenticator')).html).toMatch(
      /Articles matching[\s\S]*href="\/help\/two-factor"/,
    );
  });

  it('keeps internal articles out of the public search and finds them for agents', async () => {
    const pub = (await (await fetch(`${runtime.url}/v1/kb/search?q=runbook`)).json()) as { hits: unknown[] };
    expect(pub.hits).toEqual([]);
    const internal = await as(AGENT, '/v1/kb/internal-search?q=runbok');
    expect(internal.body.hits).toMatchObject([{ slug: 'escalation-runbook', audience: 'internal' }]);
  });

  it('renders a body with <script> and onerror= inert, in the API and on /help/{slug}', async () => {
    const api = await as(AGENT, '/v1/kb/articles/hostile');
    const { status, html, csp } = await page('/help/hostile');
    expect(status).toBe(200);
    expect(csp).toContain("script-src 'nonce-");
    for (const rendered of [String(api.body.html), html]) {
      expect(rendered).toContain('Hello');
      expect(rendered).not.toMatch(/<script|onerror|javascript:|document\.title/i);
    }
  });

  it('serves the body as write-article rendered it when the article was written (read-kb carries no renderer)', async () => {
    const api = await as(AGENT, '/v1/kb/articles/two-factor');
    const { html } = await page('/help/two-factor');
    for (const rendered of [String(api.body.html), html])
      expect(rendered).toContain('<strong>Settings → Security</strong>');
  });

  it('updates an article only with If-Match of its current version', async () => {
    const body = { title: 'Set up 2FA', body: 'Scan the code.', audience: 'external', status: 'published' };
    const current = await as(LEAD, '/v1/kb/articles/two-factor');
    const version = (current.body.article as { version: number }).version;
    expect((await as(LEAD, '/v1/kb/articles/two-factor', { method: 'PUT', body })).status).toBe(428);
    const stale = await as(LEAD, '/v1/kb/articles/two-factor', { method: 'PUT', body, ifMatch: version - 1 });
    expect(stale).toMatchObject({ status: 409, body: { error: 'stale_version', currentVersion: version } });
    const ok = await as(LEAD, '/v1/kb/articles/two-factor', { method: 'PUT', body, ifMatch: version });
    expect(ok).toMatchObject({ status: 200, body: { article: { version: version + 1, updatedBy: LEAD } } });
    const created = await as(LEAD, '/v1/kb/articles/new-one', { method: 'PUT', body });
    expect(created).toMatchObject({ status: 201, body: { article: { slug: 'new-one', version: 1 } } });
    expect((await page('/help?q=2FA')).html).toContain('Set up 2FA');
  });

  it('shows drafts to leads only, and previews Markdown without storing it', async () => {
    expect((await as(AGENT, '/v1/kb/articles/draft-note')).status).toBe(404);
    expect((await as(LEAD, '/v1/kb/articles/draft-note')).status).toBe(200);
    const preview = await as(LEAD, '/v1/kb/preview', {
      method: 'POST',
      body: { body: '**hi** <b onclick="x()">b</b>' },
    });
    expect(preview).toMatchObject({ status: 200, body: { html: '<p><strong>hi</strong> <b>b</b></p>\n' } });
  });
});
