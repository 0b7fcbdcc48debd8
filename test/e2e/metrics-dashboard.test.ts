// The flow-metrics dashboard in system Chromium against a real runtime process, after `npm run seed:demo`
// filled it: the seed's history reaches the metrics projection through the table stream, a lead sees every
// chart drawn (SVG marks), the KB-gap list names drivers over the threshold with example tickets, each chart
// downloads as CSV, filters narrow the view; an agent has no Metrics link and the API refuses them.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/api';
import { launchBrowser } from '../support/browser';
import { drain } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { lowContrast } from './ui-harness';

const SHOTS = join(ROOT, 'test-results');
/** Over the last 30 days, so the dashboard's default range holds all of them and drivers repeat enough. */
const TICKETS = 500;
const DAYS = 30;
const THRESHOLD = 20;
/** Every chart the dashboard draws for a seeded runtime. */
const CHARTS = [
  'throughput',
  'backlog',
  'aging',
  'first-response',
  'resolution',
  'blocked',
  'sla',
  'reopen',
  'csat',
  'escalations',
  'drivers',
  'kb-gaps',
  'cost',
];

/** Runs `npm run seed:demo`'s script against the runtime, as a user would in a second shell. */
function seedDemo(runtime: RuntimeProcess, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/seed-demo.ts', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(runtime.port),
        DYNAMODB_PORT: String(runtime.dynamoPort),
        DATA_DIR: runtime.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, output }));
  });
}

describe('the flow-metrics dashboard after npm run seed:demo', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const api = apiAs(
    () => runtime.url,
    () => dataDir,
  );

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // The agent's refused visit is a 403 on purpose.
      if (m.type() === 'error' && !/status of 403/.test(m.text())) problems.push(m.text());
    });
    return page;
  };

  const login = async (page: Page, email: string) => {
    await page.goto(`${runtime.url}/app/`);
    await page.locator(`button[data-email="${email}"]`).click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-metrics-'));
    runtime = await startRuntimeProcess({ dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds a reproducible history with progress output, and a second run adds nothing', async () => {
    const args = ['--tickets', String(TICKETS), '--days', String(DAYS), '--seed', 'e2e'];
    const first = await seedDemo(runtime, args);
    expect(first.code, first.output).toBe(0);
    // Progress about every 5 %: percent, count, rate, elapsed time and an estimate of what is left.
    const progress = first.output.match(
      new RegExp(`^ +\\d+%  \\d+/${TICKETS}  \\d+ tickets/s  elapsed \\S+  eta \\S+$`, 'gm'),
    );
    expect(progress?.length ?? 0).toBeGreaterThanOrEqual(10);
    expect(first.output).toContain(`100%  ${TICKETS}/${TICKETS}`);
    expect(first.output).toMatch(new RegExp(`Done in .*: ${TICKETS} created, 0 already there`));
    expect(first.output).toContain('/app/#/metrics as lead@example.com');
    await drain(runtime.url);

    const again = await seedDemo(runtime, args);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(new RegExp(`: 0 created, ${TICKETS} already there`));

    // The projection counted what the seed wrote (from the stream, not from the script): every seeded
    // ticket was created in the window, most were resolved, and some drivers repeat past the threshold.
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);
    const flow = await api('lead@example.com', `/v1/metrics/flow?from=${from}&to=${to}`);
    expect(flow.status).toBe(200);
    const totals = flow.body.totals as { created: number; resolved: number; csat: { count: number } };
    expect(totals.created).toBe(TICKETS);
    expect(totals.resolved).toBeGreaterThan(TICKETS * 0.5);
    expect(totals.csat.count).toBeGreaterThan(0);
    const kb = await api('lead@example.com', `/v1/metrics/kb-gaps?days=30&threshold=${THRESHOLD}`);
    expect(kb.status).toBe(200);
    expect((kb.body.gaps as unknown[]).length).toBeGreaterThan(0);
  }, 300_000);

  it('a lead sees every chart drawn, the KB gaps over the threshold, and downloads a chart as CSV', async () => {
    const page = await newPage();
    await login(page, 'lead@example.com');
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Flow metrics' }).waitFor();
    await page.locator('[data-chart="kb-gaps"]').waitFor();
    expect(await page.getByRole('link', { name: 'Metrics' }).getAttribute('aria-current')).toBe('page');

    // Every chart has marks (bars, points), a name and a description, and its numbers as a table.
    for (const id of CHARTS) {
      const chart = page.locator(`[data-chart="${id}"]`);
      expect(await chart.locator('svg[role="img"] .mark').count(), `${id} marks`).toBeGreaterThan(0);
      expect(await chart.locator('svg[role="img"] desc').textContent(), `${id} desc`).toMatch(/\w/);
      expect(await chart.locator('table tbody tr').count(), `${id} rows`).toBeGreaterThan(0);
    }
    expect(await page.locator('.tiles .tile').count()).toBeGreaterThanOrEqual(8);

    // The KB-gap list names drivers seen more than the threshold, each with example tickets to read.
    const gaps = page.locator('.kb-gaps > li[data-driver]');
    expect(await gaps.count()).toBeGreaterThan(0);
    const counts = await gaps.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    for (const n of counts) expect(n).toBeGreaterThan(THRESHOLD);
    const firstGap = gaps.first();
    expect(await firstGap.locator('.kb-label').innerText()).toMatch(/\w+/);
    const example = firstGap.locator('.kb-examples a').first();
    expect(await example.getAttribute('href')).toMatch(/^#\/tickets\/FD-\d+$/);

    // Every control is labelled; nothing the page shows has low contrast.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.offsetParent !== null)
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !(el.textContent || '').trim())
      .map((el) => el.outerHTML)`);
    expect(unlabelled).toEqual([]);
    expect(await lowContrast(page, 50)).toEqual([]);

    await page.screenshot({ path: join(SHOTS, 'metrics-dashboard.png'), fullPage: true });
    expect(statSync(join(SHOTS, 'metrics-dashboard.png')).size).toBeGreaterThan(20_000);

    // CSV of one chart: the same rows as its table, one per day of the range.
    const frt = page.locator('[data-chart="first-response"]');
    const days = await frt.locator('table tbody tr').count();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      frt.getByRole('button', { name: /Download CSV/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^frontdoor-first-response-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r\n/);
    expect(csv[0]).toBe('day,first responses,p50 minutes,p90 minutes');
    expect(csv).toHaveLength(days + 1);
    expect(csv.slice(1).every((line) => /^\d{4}-\d{2}-\d{2},\d+,/.test(line))).toBe(true);
    const [kbDownload] = await Promise.all([
      page.waitForEvent('download'),
      page
        .locator('[data-chart="kb-gaps"]')
        .getByRole('button', { name: /Download CSV/ })
        .click(),
    ]);
    const kbCsv = readFileSync(await kbDownload.path(), 'utf8')
      .trim()
      .split(/\r\n/);
    expect(kbCsv[0]).toBe('driver,request type,tickets in 30 days,examples,article');
    expect(kbCsv.length).toBe(counts.length + 1);

    // Filters: one queue over the last 90 days; the address names the view, the charts redraw.
    await page.getByLabel('Queue', { exact: true }).selectOption('billing');
    await page.getByRole('button', { name: 'Last 90 days' }).click();
    await page.locator('#metrics-status').filter({ hasText: 'Billing' }).waitFor();
    expect(page.url()).toMatch(/#\/metrics\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&queue=billing$/);
    expect(await page.locator('[data-chart="throughput"] svg .mark').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-chart="first-response"] table tbody tr').count()).toBe(90);
    // A start after the end is refused where it happens, with the field marked.
    await page.getByLabel('From', { exact: true }).fill('2030-01-02');
    await page.getByLabel('To', { exact: true }).fill('2030-01-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('alert').filter({ hasText: 'start date on or before the end date' }).waitFor();
    expect(await page.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    expect(problems).toEqual([]);
  }, 300_000);

  it('an agent has no Metrics link, and the metrics API refuses them', async () => {
    expect((await api('agent@example.com', '/v1/metrics/flow')).status).toBe(403);
    expect((await api('agent@example.com', '/v1/metrics/kb-gaps')).status).toBe(403);
    const page = await newPage();
    await login(page, 'agent@example.com');
    expect(await page.getByRole('link', { name: 'Metrics' }).count()).toBe(0);
    await page.goto(`${runtime.url}/app/#/metrics`);
    await page
      .getByRole('alert')
      .filter({ hasText: /Not allowed/ })
      .waitFor();
  });
});
