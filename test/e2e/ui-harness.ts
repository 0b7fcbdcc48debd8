/**
 * What every browser test of the agent UI shares: a real runtime process (`npm start`'s entry point) on free
 * ports, system Chromium, a token per seeded user for the API calls a test makes around the browser, pages
 * that record every script error and CSP violation, and the dev sign-in.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchBrowser } from '../support/browser';
import { drain } from '../support/mail';
import { devToken, ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { postWebhook } from '../support/webhooks';

export const SHOTS = join(ROOT, 'test-results');

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface UiHarness {
  readonly runtime: RuntimeProcess;
  readonly browser: Browser;
  /** A dev id token per seeded user. */
  readonly tokens: Readonly<Record<string, string>>;
  /** Script errors and console errors of every page (4xx answers a test provokes on purpose excepted). */
  readonly problems: string[];
  /** One API call as a seeded user, with `If-Match` when a version is given. */
  api(as: string, method: string, path: string, body?: unknown, version?: number): Promise<Answer>;
  /** A webhook ticket (source `demo`, a fresh id), drained; its reference. */
  webhookTicket(payload: Record<string, unknown>): Promise<string>;
  newPage(opts?: { bypassCSP?: boolean; viewport?: { width: number; height: number } }): Promise<Page>;
  /** Dev sign-in: the seeded user's button, then their first screen. */
  login(page: Page, email: string, home?: string): Promise<void>;
  openTicket(page: Page, ref: string): Promise<void>;
  /** A full-page screenshot in test-results/ (kept for people to look at). */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

const USERS = [
  'agent@example.com',
  'agent2@example.com',
  'lead@example.com',
  'finance@example.com',
  'billing-agent@example.com',
  'admin@example.com',
];

export async function startUi(prefix: string): Promise<UiHarness> {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `frontdoor-e2e-${prefix}-`));
  const runtime = await startRuntimeProcess({ dataDir });
  const browser = await launchBrowser();
  const tokens: Record<string, string> = {};
  for (const email of USERS) tokens[email] = await devToken(dataDir, email);
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  const api: UiHarness['api'] = async (as, method, path, body, version) => {
    const res = await fetch(`${runtime.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[as]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(version !== undefined ? { 'if-match': `"${version}"` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  return {
    runtime,
    browser,
    tokens,
    problems,
    api,
    webhookTicket: async (payload) => {
      const answer = await postWebhook(runtime.url, 'demo', {
        id: `ui-${Math.random().toString(36).slice(2)}`,
        ...payload,
      });
      expect(answer.status).toBe(202);
      await drain(runtime.url);
      return String(answer.body.reference);
    },
    newPage: async ({ viewport = { width: 1280, height: 900 }, ...opts } = {}) => {
      const context = await browser.newContext({ viewport, ...opts });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of (403|409|422)/.test(m.text())) problems.push(m.text());
      });
      return page;
    },
    login: async (page, email, home = 'Queues') => {
      await page.goto(`${runtime.url}/app/`);
      await page.locator(`button[data-email="${email}"]`).click();
      await page.getByRole('heading', { level: 1, name: home }).waitFor();
    },
    openTicket: async (page, ref) => {
      await page.goto(`${runtime.url}/app/#/tickets/${ref}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${ref} `) }).waitFor();
    },
    shot: async (page, name) => {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      expect(statSync(path).size).toBeGreaterThan(1000);
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Visible text whose WCAG contrast against its background is under 4.5:1 (AA for normal text); at least
 * `minChecked` texts must have been looked at (an empty screen passes nothing).
 */
export async function lowContrast(page: Page, minChecked = 10): Promise<unknown[]> {
  const { checked, low } = (await page.evaluate(`(() => {
    const lum = (css) => {
      const [r, g, b] = (css.match(/[\\d.]+/g) || []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el) => {
      for (let n = el; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    const texts = [...document.querySelectorAll('body *')]
      .filter((el) => el.offsetParent !== null && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
      .filter((el) => !el.disabled && !el.closest('[disabled]') && !el.closest('title, desc'))
      .map((el) => {
        const a = lum(getComputedStyle(el).color);
        const b = lum(background(el));
        return { text: el.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    return { checked: texts.length, low: texts.filter((x) => x.ratio < 4.5) };
  })()`)) as { checked: number; low: unknown[] };
  expect(checked).toBeGreaterThan(minChecked);
  return low;
}

/** Visible form controls with no accessible name (no label, no aria-label, no text). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.offsetParent !== null)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby') && !(el.textContent || '').trim())
    .map((el) => el.outerHTML)`)) as string[];
}

/** The page-wide live region, where every success is announced. */
export const notice = (page: Page) => page.locator('#live-region');
