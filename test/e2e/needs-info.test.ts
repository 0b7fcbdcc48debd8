import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { drain, outbox, sendMail } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

const SHOTS = join(ROOT, 'test-results');

/**
 * The whole customer loop in a real browser against `npm start`: a billing dispute mailed without its
 * invoice id lands in needs_info, the needs-info mail's link opens a form asking only for what is
 * missing, and submitting it moves the ticket on.
 */
describe('the needs-info loop and hosted forms in Chromium', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-'));
    runtime = await startRuntimeProcess({ dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows the needs-info link, supplies the invoice id, and the ticket moves on', async () => {
    const from = 'e2e-billing@customer.example';
    await sendMail(runtime.smtpPort, {
      from,
      subject: 'Disputed invoice',
      text: 'You charged us twice.\nCustomer ID: C-100',
    });
    await drain(runtime.url);
    const mail = (await outbox(runtime.url)).find((m) => m.to.includes(from));
    const link = /(https?:\/\/\S+\/forms\/context\/\S+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBeDefined();
    // The link carries the runtime's public base URL; point it at this test's port.
    const url = new URL(link ?? '');
    const page = await browser.newPage();
    await page.goto(`${runtime.url}${url.pathname}`);

    expect(await page.getByLabel(/Invoice ID/).isVisible()).toBe(true);
    expect(await page.getByLabel(/Customer ID/).count()).toBe(0);

    // Empty submit first: the inline error names the field and takes focus to the summary.
    await page.getByRole('button', { name: /send details/i }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/Invoice ID/);
    await page.screenshot({ path: join(SHOTS, 'needs-info-error.png'), fullPage: true });

    await page.getByLabel(/Invoice ID/).fill('INV-4242');
    await page.keyboard.press('Enter');
    // The page has two live regions since issue 18 (the help-article suggestions and the answer): the answer's.
    const answer = page.getByRole('status').filter({ hasText: 'Your reference is' });
    await answer.waitFor();
    expect(await answer.innerText()).toMatch(/FD-\d+/);
    await page.screenshot({ path: join(SHOTS, 'needs-info-done.png'), fullPage: true });
    expect(statSync(join(SHOTS, 'needs-info-done.png')).size).toBeGreaterThan(1000);

    const token = (await import('node:child_process'))
      .execFileSync(join(ROOT, 'node_modules/.bin/tsx'), ['tools/token-cli.ts', 'agent@example.com'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dataDir },
        encoding: 'utf8',
      })
      .trim();
    const list = (await (
      await fetch(`${runtime.url}/v1/tickets?requester=${encodeURIComponent(from)}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as {
      tickets: Array<{ state: string; fields: Record<string, string>; missingFields: string[] }>;
    };
    expect(list.tickets[0]).toMatchObject({
      state: 'in_progress',
      missingFields: [],
      fields: { invoiceId: 'INV-4242', customerId: 'C-100' },
    });
  });

  it('submits a hosted form with the keyboard and shows the reference', async () => {
    const page = await browser.newPage();
    await page.goto(`${runtime.url}/forms/access_request`);
    await page.getByLabel(/Your email/).fill('e2e-access@customer.example');
    await page.getByLabel(/Subject/).fill('Need VPN access');
    await page.getByLabel(/Describe your request/).fill('Starting Monday.');
    await page.getByLabel(/^System/).fill('vpn');
    await page.getByLabel(/Risk level/).selectOption('high');
    await page.getByRole('button', { name: /send request/i }).focus();
    await page.keyboard.press('Enter');
    // The page has two live regions since issue 18 (the help-article suggestions and the answer): the answer's.
    const answer = page.getByRole('status').filter({ hasText: 'Your reference is' });
    await answer.waitFor();
    expect(await answer.innerText()).toMatch(/FD-\d+/);
    await page.screenshot({ path: join(SHOTS, 'form-access-request-done.png'), fullPage: true });
  });
});
