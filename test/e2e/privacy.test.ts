// Issue 22 in the agent UI, in system Chromium against npm start: an admin exports a requester's data
// and downloads it through the link the screen shows, and asks for an erasure, which then waits for its
// approval on the ticket it is tracked on. Only admins see the screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '../support/mail';
import { lowContrast, notice, startUi, type UiHarness, unlabelledControls } from './ui-harness';

const DANA = 'dana.ui@customer.example';

describe('a requester’s data in the agent UI (Chromium)', () => {
  let ui: UiHarness;
  let ref = '';

  beforeAll(async () => {
    ui = await startUi('ui-privacy');
    ref = await ui.webhookTicket({
      subject: 'Please send me what you hold about me',
      body: 'Under GDPR art. 15.',
      requester: { email: DANA, name: 'Dana UI' },
    });
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('is for admins only', async () => {
    const page = await ui.newPage();
    await ui.login(page, 'lead@example.com');
    expect(await page.getByRole('link', { name: 'Personal data' }).count()).toBe(0);
  });

  it('exports a requester’s data with a download link, and asks for an erasure that waits for approval', async () => {
    const page = await ui.newPage();
    await ui.login(page, 'admin@example.com');
    await page.getByRole('link', { name: 'Personal data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personal data' }).waitFor();

    const exportForm = page.locator('form[aria-labelledby="export-title"]');
    await exportForm.getByLabel('Requester’s address').fill(DANA);
    await exportForm.getByRole('button', { name: 'Export' }).click();
    await notice(page).filter({ hasText: 'Export asked for' }).waitFor();
    await page.locator('li[data-export]').waitFor();
    await drain(ui.runtime.url);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('li[data-export][data-state="done"]').waitFor();
    const link = page.getByRole('link', { name: 'export.json' });
    const href = await link.getAttribute('href');
    const downloaded = await fetch(String(href));
    expect(downloaded.status).toBe(200);
    const doc = (await downloaded.json()) as {
      requester: { email: string };
      tickets: Array<{ ticket: { reference: string } }>;
    };
    expect(doc.requester.email).toBe(DANA);
    expect(doc.tickets.map((t) => t.ticket.reference)).toEqual([ref]);

    const eraseForm = page.locator('form[aria-labelledby="erase-title"]');
    await eraseForm.getByLabel('Requester’s address').fill(DANA);
    await eraseForm.getByLabel('Reason').fill('Asked by mail, identity checked');
    await eraseForm.getByRole('button', { name: 'Ask for the erasure' }).click();
    await notice(page).filter({ hasText: 'waits for its approval' }).waitFor();
    const erasure = page.locator('li[data-erasure][data-state="awaiting_approval"]');
    await erasure.waitFor();
    const tracking = await erasure.getByRole('link').textContent();
    expect(tracking).toMatch(/^FD-\d+$/);
    // Nothing is erased before the approval.
    const still = await ui.api('admin@example.com', 'GET', `/v1/tickets/${ref}`);
    expect((still.body.ticket as { requester: { email: string } }).requester.email).toBe(DANA);

    expect(await unlabelledControls(page)).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await ui.shot(page, 'privacy');
    expect(ui.problems).toEqual([]);
  });
});
