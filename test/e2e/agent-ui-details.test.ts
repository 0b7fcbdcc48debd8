// The agent UI details issue 17 found when it was tried as an agent, in system Chromium against npm start:
// handing off picks a queue the API lists, the ticket header names the request type, no "Take it" on a
// ticket outside the caller's queues, a phone-wide ticket wraps its header and clips nothing, and the queue
// list keeps every reference on one line at 1366 px.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '../support/mail';
import { lowContrast, startUi, type UiHarness, unlabelledControls } from './ui-harness';

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The boxes of `selector`'s matches, as the page lays them out. */
const boxes = (page: Page, selector: string): Promise<Box[]> =>
  page.$$eval(selector, (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }),
  );

/** How many lines an inline element is laid out on (one client rect per line). */
const lineCount = (page: Page, selector: string): Promise<number[]> =>
  page.$$eval(selector, (els) => els.map((el) => el.getClientRects().length));

/** Elements whose content is wider than their box (clipped or scrolled sideways). */
const clipped = (page: Page, selector: string): Promise<string[]> =>
  page.$$eval(selector, (els) =>
    els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.outerHTML.slice(0, 120)),
  );

const overlaps = (a: Box, b: Box) =>
  a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;

describe('agent UI details (issue 17) in Chromium', () => {
  let ui: UiHarness;
  let billing = '';

  beforeAll(async () => {
    ui = await startUi('ui-details');
    billing = await ui.webhookTicket({
      subject:
        'Invoice INV-501 charged twice, and again on the renewal of the annual plan for all of our forty seats',
      body: `We were charged twice. See https://billing.example.com/invoices/INV-501/${'x'.repeat(120)}`,
      requester: { email: 'erin.with-a-rather-long-address@smallshop-holdings.example', name: 'Erin Shop' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-501', customerId: 'C-501' },
    });
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('the ticket header names the request type', async () => {
    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    await ui.openTicket(page, billing);
    expect(await page.getByTestId('request-type').innerText()).toBe('Billing dispute');
    const summary = page.getByRole('definition').filter({ has: page.getByTestId('request-type') });
    expect(await summary.count()).toBe(1);
  });

  it('Hand off picks from the queues the API lists (every queue but the ticket’s own), not a typed id', async () => {
    const me = (await ui.api('agent@example.com', 'GET', '/v1/me')).body as {
      allQueues: Array<{ id: string; name: string }>;
    };
    const { queue } = (await ui.api('agent@example.com', 'GET', `/v1/tickets/${billing}`)).body.ticket as {
      queue: string;
    };
    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    await ui.openTicket(page, billing);
    const picker = page.getByLabel('To queue');
    expect(await picker.evaluate((el) => el.tagName)).toBe('SELECT');
    const options = await picker
      .locator('option')
      .evaluateAll((os) => os.map((o) => ({ id: (o as HTMLOptionElement).value, name: o.textContent })));
    expect(options.filter((o) => o.id)).toEqual(
      me.allQueues.filter((q) => q.id !== queue).map(({ id, name }) => ({ id, name })),
    );
    // Nothing chosen: the browser asks for a queue and nothing is sent.
    await page.locator('#handoff-reason').fill('needs a specialist');
    await page.getByRole('button', { name: 'Hand off' }).click();
    expect(await picker.evaluate((el) => (el as HTMLSelectElement).validity.valueMissing)).toBe(true);
    expect(
      ((await ui.api('agent@example.com', 'GET', `/v1/tickets/${billing}`)).body.ticket as { queue: string })
        .queue,
    ).toBe(queue);
    // A refused handoff names its rule next to the picker.
    await picker.selectOption({ label: 'Engineering' });
    await page.getByRole('button', { name: 'Hand off' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /Refused to hand/ });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/rule engineering-needs-validated-bug/);
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('no "Take it" (nor any other change) on a ticket outside the caller’s queues that they may only read', async () => {
    // A frontline ticket with a finance approval: Bo (billing agent, finance approver) may read it, not work it.
    const ref = await ui.webhookTicket({
      subject: 'Goodwill credit for the outage',
      body: 'Can we have a credit for last week?',
      requester: { email: 'credit-ui@customer.example' },
    });
    const before = (await ui.api('agent@example.com', 'GET', `/v1/tickets/${ref}`)).body.ticket as {
      queue: string;
      version: number;
    };
    expect(before.queue).toBe('frontline');
    const asked = await ui.api(
      'agent@example.com',
      'POST',
      `/v1/tickets/${ref}/approvals`,
      { kind: 'credit', amount: { value: 750, currency: 'EUR' }, summary: 'goodwill credit' },
      before.version,
    );
    expect(asked.status).toBe(201);
    await drain(ui.runtime.url);
    expect((await ui.api('billing-agent@example.com', 'GET', `/v1/tickets/${ref}`)).status).toBe(200);

    const page = await ui.newPage();
    await ui.login(page, 'billing-agent@example.com');
    await ui.openTicket(page, ref);
    await page.getByRole('heading', { name: 'Assignment' }).waitFor();
    expect(await page.getByRole('button', { name: 'Take it' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send reply' }).count()).toBe(0);
    expect(await page.getByLabel('To queue').count()).toBe(0);
    expect(await page.getByTestId('read-only').innerText()).toMatch(
      /Frontline support.*not one of your queues/,
    );
    // The API agrees: taking it is refused by own-queues.
    const { version } = (await ui.api('lead@example.com', 'GET', `/v1/tickets/${ref}`)).body.ticket as {
      version: number;
    };
    const take = await ui.api(
      'billing-agent@example.com',
      'POST',
      `/v1/tickets/${ref}/assign`,
      { assignee: 'billing-agent@example.com' },
      version,
    );
    expect(take).toMatchObject({ status: 403, body: { rule: 'own-queues' } });

    // On a ticket of their own queue (billing) the button is there.
    await ui.openTicket(page, billing);
    await page.getByRole('button', { name: 'Take it' }).waitFor();
    await ui.shot(page, 'agent-ui-details-own-queue');
  });

  it('at 390 px wide the top bar and the ticket header wrap without overlapping and the conversation is not clipped', async () => {
    const page = await ui.newPage({ viewport: { width: 390, height: 844 } });
    await ui.login(page, 'agent@example.com');
    await ui.openTicket(page, billing);
    await page.locator('.message-inbound .body').waitFor();
    const width = 390;

    // Nothing makes the page scroll sideways.
    const doc = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(doc.scroll).toBeLessThanOrEqual(doc.client);

    // The top bar: its parts wrap onto rows, each inside the screen, none over another.
    const bar = await boxes(page, '.topbar > *');
    expect(bar.length).toBeGreaterThanOrEqual(4);
    for (const b of bar) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    for (const [i, a] of bar.entries()) for (const b of bar.slice(i + 1)) expect(overlaps(a, b)).toBe(false);

    // The ticket header: the reference on one line, the subject wrapping, every summary item on screen.
    expect(await lineCount(page, 'h1 .ref')).toEqual([1]);
    for (const b of await boxes(page, 'h1, .summary dd')) expect(b.right).toBeLessThanOrEqual(width);
    const summary = await boxes(page, '.summary .pair');
    for (const [i, a] of summary.entries())
      for (const b of summary.slice(i + 1)) expect(overlaps(a, b)).toBe(false);

    // The conversation: every message inside the screen, its text wrapped (a long URL, a long address).
    for (const b of await boxes(page, '.message article')) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.right).toBeLessThanOrEqual(width);
    }
    expect(await clipped(page, '.message article, .message .body, .message header, .panel')).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await ui.shot(page, 'agent-ui-details-390');
  });

  it('at 1366 px the queue list shows every reference on one line', async () => {
    // A long subject squeezes the other columns; the reference column must not give way.
    const page = await ui.newPage({ viewport: { width: 1366, height: 768 } });
    await ui.login(page, 'agent@example.com');
    await page.goto(`${ui.runtime.url}/app/#/queues/billing`);
    await page.locator(`tr[data-ticket="${billing}"]`).waitFor();
    const lines = await lineCount(page, 'td.ref a');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((n) => n === 1)).toBe(true);
    // One line high: the cell's link is no taller than its line height.
    const heights = await page.$$eval('td.ref a', (els) =>
      els.map((el) => ({
        height: el.getBoundingClientRect().height,
        line: Number.parseFloat(getComputedStyle(el).lineHeight),
      })),
    );
    for (const { height, line } of heights) expect(height).toBeLessThanOrEqual(line * 1.2);
    await ui.shot(page, 'agent-ui-details-queue-1366');
  });

  it('left no script error or CSP violation in any page', () => {
    expect(ui.problems).toEqual([]);
  });
});
