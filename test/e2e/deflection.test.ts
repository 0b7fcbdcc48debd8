import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs } from '../support/api';
import { launchBrowser } from '../support/browser';
import { drain, outbox } from '../support/mail';
import { ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';

const SHOTS = join(ROOT, 'test-results');

/**
 * Tier 0 in Chromium against `npm start` (starter articles from kb/), under the form's real CSP: typing
 * "reset my password" shows the password article; "This answered my question" files nothing and the
 * deflection rate rises; "I still need help" files the ticket, whose acknowledgement carries the article
 * and a "this solved it" link that resolves it.
 */
describe('help articles on the hosted form (Chromium, local runtime)', () => {
  let dataDir: string;
  let runtime: RuntimeProcess;
  let browser: Browser;
  const as = apiAs(
    () => runtime.url,
    () => dataDir,
  );
  const today = () => new Date().toISOString().slice(0, 10);
  const flow = async () => {
    await drain(runtime.url);
    const res = await as('lead@example.com', `/v1/metrics/flow?from=${today()}&to=${today()}`);
    return res.body.totals as unknown as {
      deflectionRate: number | null;
      deflection: { deflections: number };
    };
  };
  const ticketsOf = async (email: string) => {
    await drain(runtime.url);
    const res = await as('lead@example.com', `/v1/tickets?requester=${encodeURIComponent(email)}`);
    return (res.body as unknown as { tickets: Array<{ reference: string; state: string }> }).tickets;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'frontdoor-e2e-deflect-'));
    runtime = await startRuntimeProcess({ dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The general-question form with the customer's address and "reset my password" typed as a person types. */
  async function typedForm(email: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${runtime.url}/forms/general_question`);
    await page.getByLabel(/Your email/).fill(email);
    await page.getByLabel(/^Subject/).pressSequentially('reset my password', { delay: 20 });
    await page.getByRole('region', { name: /may answer your question/ }).waitFor();
    return { page, errors };
  }

  it('shows the password article as the customer types; "This answered my question" files nothing and counts', async () => {
    const email = `e2e-deflect-${randomUUID().slice(0, 8)}@customer.example`;
    const before = await flow();
    const { page, errors } = await typedForm(email);
    const panel = page.getByRole('region', { name: /may answer your question/ });
    expect(await panel.getByRole('link', { name: 'Reset your password' }).getAttribute('href')).toBe(
      '/help/reset-your-password?from=form',
    );
    await page.screenshot({ path: join(SHOTS, 'form-suggestions.png'), fullPage: true });

    // Keyboard only: the answer button is reached with Tab and pressed with Enter.
    const answered = panel.getByRole('button', { name: /This answered my question: Reset your password/ });
    await answered.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Glad that helped' }).waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(errors).toEqual([]);

    expect(await ticketsOf(email)).toEqual([]);
    const after = await flow();
    expect(after.deflection.deflections).toBe(before.deflection.deflections + 1);
    expect(after.deflectionRate ?? 0).toBeGreaterThan(before.deflectionRate ?? 0);
  });

  it('"I still need help" puts the articles away and files the ticket, whose mail link resolves it', async () => {
    const email = `e2e-needhelp-${randomUUID().slice(0, 8)}@customer.example`;
    const { page } = await typedForm(email);
    await page.getByRole('button', { name: 'I still need help' }).click();
    expect(await page.getByRole('region', { name: /may answer your question/ }).count()).toBe(0);
    await page.getByLabel(/Describe your request/).fill('The reset mail never arrives.');
    await page.getByRole('button', { name: /send request/i }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /FD-\d+/ })
      .waitFor();
    const [ticket] = await ticketsOf(email);
    expect(ticket?.state).toBe('new');

    const ack = (await outbox(runtime.url)).find((m) => m.to.includes(email));
    expect(ack?.text).toContain('Reset your password');
    const link = /(https?:\/\/\S+\/kb\/solved\/[\w.-]+)/.exec(ack?.text ?? '')?.[1] ?? '';
    const solved = await browser.newPage();
    await solved.goto(`${runtime.url}${new URL(link).pathname}`);
    await solved.getByRole('button', { name: 'Yes, this solved it' }).click();
    await solved.getByText('We have resolved your request').waitFor();
    await solved.screenshot({ path: join(SHOTS, 'kb-solved.png'), fullPage: true });
    expect((await ticketsOf(email))[0]?.state).toBe('resolved');
  });

  it('the metrics dashboard shows the deflection rate and the deflection card', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${runtime.url}/app/`);
    await page.locator('button[data-email="lead@example.com"]').click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();
    await page.getByRole('link', { name: 'Metrics' }).click();
    const card = page.locator('[data-chart="deflection"]');
    await card.waitFor();
    const tile = page.locator('.tiles .tile').filter({ hasText: 'Deflection rate' });
    expect(await tile.locator('dd').innerText()).toMatch(/^\d+ %/);
    expect(await card.locator('svg[role="img"] .mark').count()).toBeGreaterThan(0);
    expect(await card.locator('.hint').innerText()).toMatch(/1 tickets? resolved by the customer/);
    await page.screenshot({ path: join(SHOTS, 'metrics-deflection.png'), fullPage: true });
  });
});
