// The hosted form in a real browser (system Chromium via playwright-core), served with its real CSP:
// keyboard-only use, server validation errors, success, the needs-info variant, screenshots.
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { functionBundling } from '../../infra/bundling';
import {
  createNonce,
  formPageHeaders,
  type JsonSchemaObject,
  renderFormPage,
} from '../../shared/http/form-page';
import { launchBrowser } from '../support/browser';

// The page.evaluate callbacks run in Chromium, typed by the DOM lib (which shared/http/form-page/browser.ts
// brings into the program).

const RESULTS = join(import.meta.dirname, '../../test-results');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const ticketSchema: JsonSchemaObject = {
  type: 'object',
  required: ['requester', 'subject', 'description', 'fields'],
  properties: {
    requester: {
      type: 'object',
      title: 'About you',
      required: ['email'],
      properties: {
        email: { type: 'string', format: 'email', title: 'Your email' },
        name: { type: 'string', title: 'Your name' },
      },
    },
    subject: { type: 'string', title: 'Subject', maxLength: 998 },
    description: { type: 'string', title: 'Describe the problem', 'x-frontdoor-type': 'text' },
    fields: {
      type: 'object',
      title: 'Invoice details',
      required: ['invoiceId'],
      properties: {
        invoiceId: {
          type: 'string',
          title: 'Invoice ID',
          description: 'As printed on the invoice, e.g. INV-2041',
          minLength: 1,
        },
        riskLevel: { type: 'string', enum: ['low', 'high'], title: 'Risk level' },
        reproductionSteps: { type: 'string', title: 'Steps', 'x-frontdoor-type': 'text' },
      },
    },
    submissionId: { type: 'string' },
  },
};

// The needs-info page: only the fields still missing, no submissionId in its schema.
const needsInfoSchema: JsonSchemaObject = {
  type: 'object',
  required: ['fields'],
  properties: {
    fields: {
      type: 'object',
      title: 'What we still need',
      required: ['customerId'],
      properties: {
        customerId: { type: 'string', title: 'Customer ID', description: 'Top right of your dashboard' },
        region: { type: 'string', enum: ['eu', 'us'], title: 'Region' },
      },
    },
  },
};

/**
 * The page's script is `formScript.toString()`, so it is whatever the runtime compiled: Vite here, the
 * Lambda bundle (minified) in the cloud, tsx (names kept through esbuild's `__name`) on a laptop.
 */
const BUILDS = {
  lambda: { minify: functionBundling.minify },
  tsx: { minify: false, keepNames: true },
} as const;
type BuildName = keyof typeof BUILDS;
const built = new Map<string, typeof renderFormPage>();

async function buildFormPage(name: BuildName): Promise<typeof renderFormPage> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'form-page-')), `${name}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, '../../shared/http/form-page.ts')],
    bundle: true,
    platform: functionBundling.platform,
    format: functionBundling.format,
    target: functionBundling.target,
    banner: functionBundling.banner,
    ...BUILDS[name],
    outfile,
    logLevel: 'warning',
  });
  const module = (await import(pathToFileURL(outfile).href)) as { renderFormPage: typeof renderFormPage };
  return module.renderFormPage;
}

type Json = Record<string, unknown>;
interface Received {
  path: string;
  contentType: string | undefined;
  body: Json;
}

let server: Server;
let base: string;
let browser: Browser;
let context: BrowserContext | undefined;
let received: Received[] = [];
/** A "slow" submission is answered only once the test releases it: the page is looked at while it sends. */
let slowReleased: Promise<void> = Promise.resolve();
let needsInfoCalls = 0;

const at = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined),
    value,
  );

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function servePage(res: ServerResponse, render: (nonce: string) => string): void {
  const nonce = createNonce();
  res.writeHead(200, formPageHeaders(nonce)).end(render(nonce));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', base).pathname;
  if (req.method === 'GET' && path === '/form') {
    return servePage(res, (nonce) =>
      renderFormPage({
        title: 'Report a billing problem',
        intro: 'Tell us what went wrong and we will get back to you within one working day.',
        schema: ticketSchema,
        submitUrl: '/submit',
        submitLabel: 'Send request',
        successMessage: 'Thanks, we have your request.',
        nonce,
      }),
    );
  }
  const render = path.startsWith('/built/') ? built.get(path.slice('/built/'.length)) : undefined;
  if (req.method === 'GET' && render) {
    return servePage(res, (nonce) =>
      render({ title: 'Report a billing problem', schema: ticketSchema, submitUrl: '/submit', nonce }),
    );
  }
  if (req.method === 'GET' && path === '/needs-info') {
    return servePage(res, (nonce) =>
      renderFormPage({
        title: 'We need a little more information',
        schema: needsInfoSchema,
        submitUrl: '/needs-info/submit',
        hidden: { token: 'tok-123' },
        successMessage: 'Thanks, your ticket is moving again.',
        nonce,
      }),
    );
  }
  if (req.method === 'POST' && (path === '/submit' || path === '/needs-info/submit')) {
    const body = await readJson(req);
    received.push({ path, contentType: req.headers['content-type'], body });
    if (path === '/needs-info/submit') {
      needsInfoCalls += 1;
      if (needsInfoCalls === 1) {
        return send(res, 503, {
          error: 'unavailable',
          message: 'The service is busy. Try again in a minute.',
        });
      }
      if (at(body, 'fields', 'customerId') !== 'C-1') {
        return send(res, 400, {
          error: 'validation_failed',
          message: 'fields.customerId: is not a known customer',
          issues: [
            { path: 'fields.customerId', message: 'is not a known customer' },
            { path: 'fields.contract', message: 'is not allowed here' },
          ],
        });
      }
      return send(res, 201, { ticketId: '01K9Z3Y1Q8N4V6W2X5T7R0B3MD', reference: 'FD-8' });
    }
    const issues: Array<{ path: string; message: string }> = [];
    const email = at(body, 'requester', 'email');
    if (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      issues.push({ path: 'requester.email', message: 'must be an email address' });
    }
    const invoiceId = at(body, 'fields', 'invoiceId');
    if (typeof invoiceId !== 'string' || invoiceId.trim() === '') {
      issues.push({ path: 'fields.invoiceId', message: 'must not be blank' });
    }
    if (issues.length) return send(res, 400, { error: 'validation_failed', message: 'invalid', issues });
    if (at(body, 'subject') === 'slow') await slowReleased;
    return send(res, 201, { ticketId: '01K9Z3Y1Q8N4V6W2X5T7R0B3MC', reference: 'FD-7' });
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}

/**
 * A page that records console errors (CSP violations land there) and uncaught exceptions; Chromium's
 * "Failed to load resource" line for the 4xx/5xx answers the tests ask for is expected, not a problem.
 */
async function openPage(
  viewport = { width: 1000, height: 900 },
): Promise<{ page: Page; problems: string[] }> {
  context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource: the server responded'))
      problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return { page, problems };
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const focusedTag = (page: Page) => page.evaluate(() => document.activeElement?.tagName ?? '');
const focusedHref = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');

async function tabTo(page: Page, id: string, key = 'Tab'): Promise<void> {
  await page.keyboard.press(key);
  expect(await focusedId(page)).toBe(id);
}

async function expectPng(file: string): Promise<void> {
  const bytes = await readFile(file);
  expect(bytes.length).toBeGreaterThan(1000);
  expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
}

beforeAll(async () => {
  await mkdir(RESULTS, { recursive: true });
  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  for (const name of Object.keys(BUILDS) as BuildName[]) built.set(name, await buildFormPage(name));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

beforeEach(() => {
  received = [];
  needsInfoCalls = 0;
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

describe('hosted form page in Chromium', () => {
  it('works by keyboard alone: errors inline and in a focused summary, then success', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/form`);

    // First attempt: a bad email, no invoice ID.
    await tabTo(page, 'field-requester-email');
    await page.keyboard.type('ada-at-example.com');
    await tabTo(page, 'field-requester-name');
    await page.keyboard.type('Ada Lovelace');
    await tabTo(page, 'field-subject');
    await page.keyboard.type('Invoice total is wrong');
    await tabTo(page, 'field-description');
    await page.keyboard.type('We were charged twice.');
    await tabTo(page, 'field-fields-invoiceId');
    await tabTo(page, 'field-fields-riskLevel');
    await page.keyboard.press('h'); // type-to-select on a closed <select>
    expect(await page.inputValue('#field-fields-riskLevel')).toBe('high');
    await tabTo(page, 'field-fields-reproductionSteps');
    await page.keyboard.press('Tab');
    expect(await focusedTag(page)).toBe('BUTTON');
    await page.keyboard.press('Enter');

    await page.waitForFunction(() => document.activeElement?.id === 'fd-summary');
    const summary = page.locator('#fd-summary');
    expect(await summary.getAttribute('role')).toBe('alert');
    expect(await summary.getAttribute('tabindex')).toBe('-1');
    expect(await summary.locator('h2').textContent()).toBe('There is a problem');
    const links = await summary
      .locator('a')
      .evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    expect(links).toEqual([
      ['#field-requester-email', 'Your email: must be an email address'],
      ['#field-fields-invoiceId', 'Invoice ID: must not be blank'],
    ]);
    expect(await page.title()).toBe('Error: Report a billing problem');

    for (const id of ['field-requester-email', 'field-fields-invoiceId']) {
      expect(await page.getAttribute(`#${id}`, 'aria-invalid')).toBe('true');
      expect(await page.isVisible(`#${id}-error`)).toBe(true);
    }
    expect(await page.getAttribute('#field-fields-invoiceId', 'aria-describedby')).toBe(
      'field-fields-invoiceId-hint field-fields-invoiceId-error',
    );
    expect(await page.textContent('#field-fields-invoiceId-error')).toBe('Error: Must not be blank');
    expect(await page.getAttribute('#field-requester-email', 'aria-describedby')).toBe(
      'field-requester-email-error',
    );
    expect(await page.getAttribute('#field-subject', 'aria-invalid')).toBeNull();

    await page.screenshot({ path: join(RESULTS, 'form-error.png'), fullPage: true });

    // The summary's links move focus to their field.
    await page.keyboard.press('Tab');
    expect(await focusedHref(page)).toBe('#field-requester-email');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('field-requester-email');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('ada@example.com');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedHref(page)).toBe('#field-fields-invoiceId');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('field-fields-invoiceId');
    await page.keyboard.type('INV-2041');
    await tabTo(page, 'field-fields-riskLevel');
    await tabTo(page, 'field-fields-reproductionSteps');
    await page.keyboard.press('Tab');
    expect(await focusedTag(page)).toBe('BUTTON');
    await page.keyboard.press('Enter');

    await page.waitForFunction(() => document.activeElement?.id === 'fd-success');
    const success = page.locator('#fd-success');
    expect(await success.getAttribute('role')).toBe('status');
    expect(await success.textContent()).toBe('Thanks, we have your request.Your reference is FD-7');
    expect(await page.locator('#fd-form').count()).toBe(0);
    expect(await page.isHidden('#fd-summary')).toBe(true);
    expect(await page.title()).toBe('Report a billing problem');

    await page.screenshot({ path: join(RESULTS, 'form-success.png'), fullPage: true });
    await expectPng(join(RESULTS, 'form-error.png'));
    await expectPng(join(RESULTS, 'form-success.png'));

    // Nested JSON, empty optional values left out, one submissionId for both attempts.
    expect(received).toHaveLength(2);
    const [first, second] = received;
    expect(first?.contentType).toBe('application/json');
    expect(first?.body).toEqual({
      requester: { email: 'ada-at-example.com', name: 'Ada Lovelace' },
      subject: 'Invoice total is wrong',
      description: 'We were charged twice.',
      fields: { invoiceId: '', riskLevel: 'high' },
      submissionId: expect.stringMatching(UUID),
    });
    expect(second?.body).toEqual({
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
      subject: 'Invoice total is wrong',
      description: 'We were charged twice.',
      fields: { invoiceId: 'INV-2041', riskLevel: 'high' },
      submissionId: first?.body.submissionId,
    });
    expect(problems).toEqual([]); // no CSP violations, no script errors
  });

  it('sends once while a request is in flight, and a new page load gets a new submissionId', async () => {
    const { page, problems } = await openPage();
    const submitOnce = async () => {
      await page.goto(`${base}/form`);
      await page.fill('#field-requester-email', 'grace@example.com');
      await page.fill('#field-subject', 'slow');
      await page.fill('#field-description', 'Takes a while.');
      await page.fill('#field-fields-invoiceId', 'INV-1');
      let release = () => {};
      slowReleased = new Promise((r) => {
        release = r;
      });
      const button = page.locator('button[type="submit"]');
      try {
        await button.click();
        expect(await button.isDisabled()).toBe(true);
        expect(await button.textContent()).toBe('Sending…');
        await button.click({ force: true }); // a second click while sending does nothing
        await page.keyboard.press('Enter');
      } finally {
        release();
      }
      await page.waitForSelector('#fd-success');
    };
    await submitOnce();
    expect(received).toHaveLength(1);
    await submitOnce();
    expect(received).toHaveLength(2);
    const [a, b] = received.map((r) => r.body.submissionId);
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    expect(received[0]?.body.fields).toEqual({ invoiceId: 'INV-1' });
    expect(problems).toEqual([]);
  });

  it('serves the needs-info page (fields only): generic failure, unknown issue paths, success', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/needs-info`);
    expect(await page.locator('input:not([type="hidden"]), select, textarea').count()).toBe(2);
    expect(await page.textContent('legend')).toBe('What we still need');

    await tabTo(page, 'field-fields-customerId');
    await page.keyboard.type('C-9');
    await page.keyboard.press('Enter'); // implicit submission from a text input

    // 503: a generic message plus the server's own.
    await page.waitForFunction(() => document.activeElement?.id === 'fd-summary');
    expect(await page.locator('#fd-summary p').allTextContents()).toEqual([
      'Sorry, your answers could not be sent. Please try again in a moment.',
      'The service is busy. Try again in a minute.',
    ]);
    expect(await page.locator('#fd-summary a').count()).toBe(0);

    // Try again: 400 names one field we show and one we don't.
    await tabTo(page, 'field-fields-customerId');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#fd-summary li').length === 2);
    expect(await focusedId(page)).toBe('fd-summary');
    expect(await page.locator('#fd-summary li').allTextContents()).toEqual([
      'Customer ID: is not a known customer',
      'fields.contract: is not allowed here',
    ]);
    expect(await page.locator('#fd-summary li a').count()).toBe(1);
    expect(await page.getAttribute('#field-fields-customerId', 'aria-invalid')).toBe('true');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('field-fields-customerId');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('C-1');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'fd-success');
    expect(await page.textContent('#fd-success')).toBe(
      'Thanks, your ticket is moving again.Your reference is FD-8',
    );

    expect(received.map((r) => r.path)).toEqual(Array(3).fill('/needs-info/submit'));
    expect(received.map((r) => r.body)).toEqual([
      { fields: { customerId: 'C-9' }, token: 'tok-123' },
      { fields: { customerId: 'C-9' }, token: 'tok-123' },
      { fields: { customerId: 'C-1' }, token: 'tok-123' },
    ]);
    expect(problems).toEqual([]);
  });

  it('says so when the server cannot be reached, and lets the user retry', async () => {
    const { page } = await openPage();
    await page.goto(`${base}/needs-info`);
    await page.route('**/needs-info/submit', (route) => route.abort('connectionrefused'));
    await page.fill('#field-fields-customerId', 'C-1');
    await page.press('#field-fields-customerId', 'Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'fd-summary');
    expect(await page.locator('#fd-summary p').allTextContents()).toEqual([
      'Sorry, your answers could not be sent. Please try again in a moment.',
      'We could not reach the server. Check your connection.',
    ]);
    expect(await page.isEnabled('button[type="submit"]')).toBe(true);
    expect(received).toEqual([]);
  });

  it('is one readable column on a phone, with visible focus and sufficient contrast', async () => {
    const { page, problems } = await openPage({ width: 360, height: 740 });
    await page.goto(`${base}/form`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // Labels sit above their controls, controls span the column.
    const layout = await page.evaluate(() =>
      [...document.querySelectorAll('label')].map((label) => {
        const control = document.getElementById(label.htmlFor);
        const l = label.getBoundingClientRect();
        const c = control?.getBoundingClientRect();
        return { id: label.htmlFor, above: c ? l.bottom <= c.top + 0.5 : false, width: c?.width ?? 0 };
      }),
    );
    for (const item of layout) {
      expect(item.above, item.id).toBe(true);
      expect(item.width, item.id).toBeGreaterThan(300);
    }

    // A visible focus indicator on inputs and the button.
    await page.keyboard.press('Tab');
    const outline = () =>
      page.evaluate(() => {
        const s = getComputedStyle(document.activeElement as Element);
        return `${s.outlineStyle} ${s.outlineWidth}`;
      });
    expect(await outline()).toBe('solid 3px');
    await page.focus('button[type="submit"]');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await focusedTag(page)).toBe('BUTTON');
    expect(await outline()).toBe('solid 3px');

    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'fd-summary');

    // WCAG contrast of every kind of text on the page, error state included.
    const ratios = await page.evaluate(() => {
      const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (css: string) => {
        const [r = 0, g = 0, b = 0] = rgb(css).map((v) => {
          const c = v / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const background = (el: Element | null): string => {
        for (let n = el; n; n = n.parentElement) {
          const bg = getComputedStyle(n).backgroundColor;
          if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
        }
        return 'rgb(255, 255, 255)';
      };
      const selectors = [
        'h1',
        '.intro',
        'legend',
        'label',
        '.required',
        '.hint',
        '.error-message',
        'input',
        'textarea',
      ];
      return [...selectors, '#fd-summary h2', '#fd-summary a', '.button', 'select'].flatMap((sel) =>
        [...document.querySelectorAll<HTMLElement>(sel)]
          .filter((el) => el.offsetParent !== null)
          .map((el) => {
            const a = lum(getComputedStyle(el).color);
            const b = lum(background(el));
            return { sel, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
          }),
      );
    });
    expect(ratios.length).toBeGreaterThan(10);
    for (const { sel, ratio } of ratios) expect(ratio, sel).toBeGreaterThanOrEqual(4.5);

    await page.screenshot({ path: join(RESULTS, 'form-error-mobile.png'), fullPage: true });
    await expectPng(join(RESULTS, 'form-error-mobile.png'));
    expect(problems).toEqual([]);
  });

  it.each(Object.keys(BUILDS))(
    'runs its script when the page module is built as %s builds it',
    async (name) => {
      const { page, problems } = await openPage();
      await page.goto(`${base}/built/${name}`);
      await page.fill('#field-requester-email', 'ada@example.com');
      await page.fill('#field-fields-invoiceId', 'INV-2041');
      await page.click('button[type="submit"]');
      await page.waitForFunction(() => document.activeElement?.id === 'fd-success');
      expect(await page.textContent('#fd-success .reference')).toBe('FD-7');
      expect(received).toHaveLength(1);
      expect(at(received[0]?.body, 'submissionId')).toMatch(UUID);
      expect(at(received[0]?.body, 'fields', 'invoiceId')).toBe('INV-2041');
      expect(problems).toEqual([]);
    },
  );
});
