// Issue 17 in the agent UI, in system Chromium against npm start: a macro previewed and applied (its reply
// mailed and its changes made in one audit-visible change; refused and stale cases named), the agent's
// availability, bulk actions on a queue selection with a result per ticket, and incidents (declared,
// tickets linked from a selection, the banner on linked tickets, the incident view, unlinking).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, outbox } from '../support/mail';
import { lowContrast, notice, startUi, type UiHarness, unlabelledControls } from './ui-harness';

interface TicketBody {
  id: string;
  reference: string;
  state: string;
  version: number;
  tags: string[];
  assignee: string | null;
  links: Array<{ reference: string; relation: string }>;
}
interface View {
  ticket: TicketBody;
  messages: Array<{ body: string; visibility: string; direction: string }>;
  audit: Array<{ action: string; reason?: string }>;
}

describe('issue 17 in the agent UI (Chromium)', () => {
  let ui: UiHarness;
  const refs: string[] = [];
  const view = async (ref: string, as = 'lead@example.com'): Promise<View> =>
    (await ui.api(as, 'GET', `/v1/tickets/${ref}`)).body as unknown as View;
  const move = async (ref: string, to: string) => {
    const { ticket } = await view(ref);
    const answer = await ui.api(
      'lead@example.com',
      'POST',
      `/v1/tickets/${ref}/transition`,
      { to },
      ticket.version,
    );
    expect(answer.status).toBe(200);
  };
  const pickMacro = async (page: Page, title: string) => {
    await page.getByLabel('Macro', { exact: true }).selectOption({ label: title });
    await page.getByRole('button', { name: 'Preview' }).click();
  };

  beforeAll(async () => {
    ui = await startUi('ui-outage');
    for (const n of [1, 2, 3, 4])
      refs.push(
        await ui.webhookTicket({
          subject: `Card charged twice (${n})`,
          body: `Our card was charged twice for invoice INV-60${n}.`,
          requester: { email: `buyer${n}@shop${n}.example`, name: `Buyer ${n}` },
          requestType: 'billing_dispute',
          fields: { invoiceId: `INV-60${n}`, customerId: `C-60${n}` },
        }),
      );
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('a macro applied in the UI sends its reply and sets its fields in one audit-visible change', async () => {
    const [ref = ''] = refs;
    await move(ref, 'in_progress');
    const before = (await view(ref)).ticket;
    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    await ui.openTicket(page, ref);

    // Preview: the reply as it will be sent, and every change, before anything is written.
    await pickMacro(page, 'Ask for a screenshot');
    const preview = page.getByTestId('macro-preview');
    await preview.waitFor();
    expect(await preview.locator('.macro-reply').innerText()).toMatch(
      new RegExp(`Hello Buyer 1,[\\s\\S]*details on ${ref}[\\s\\S]*screenshot[\\s\\S]*agent@example\\.com`),
    );
    const changes = await preview.locator('.macro-changes li').allInnerTexts();
    expect(changes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/tags: — → screenshot-asked/),
        expect.stringMatching(/state: in_progress → waiting_on_customer/),
      ]),
    );
    expect((await view(ref)).ticket.version).toBe(before.version);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await ui.shot(page, 'agent-ui-macro-preview');

    const applied = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().endsWith('/macros/ask-for-screenshot'),
    );
    await page.getByRole('button', { name: 'Apply macro' }).click();
    const answer = await applied;
    const sentVersion = Number((await answer.request().headerValue('if-match'))?.replace(/"/g, ''));
    expect(answer.status()).toBe(200);
    expect(sentVersion).toBe(before.version);
    // One write: the ticket moved one version on from the one the screen showed.
    expect(((await answer.json()) as { ticket: TicketBody }).ticket.version).toBe(sentVersion + 1);
    await notice(page)
      .filter({ hasText: `Macro “Ask for a screenshot” applied to ${ref}.` })
      .waitFor();
    await page.getByTestId('ticket-state').filter({ hasText: 'Waiting on customer' }).waitFor();
    await page.locator('.timeline li[data-action="macro.applied"]').waitFor();

    // The macro's audit entry followed by each change naming it.
    const after = await view(ref);
    expect(after.ticket.state).toBe('waiting_on_customer');
    expect(after.ticket.tags).toContain('screenshot-asked');
    const fromMacro = after.audit.slice(after.audit.findIndex((a) => a.action === 'macro.applied'));
    expect(fromMacro.map((a) => a.action)).toEqual(
      expect.arrayContaining(['macro.applied', 'ticket.updated', 'message.added', 'ticket.state_changed']),
    );
    for (const entry of fromMacro.slice(1, 4)) expect(entry.reason).toMatch(/Ask for a screenshot/);
    const reply = after.messages.find((m) => m.direction === 'outbound' && /screenshot/.test(m.body));
    expect(reply?.visibility).toBe('public');
    // The reply is mailed to the requester on their thread.
    await drain(ui.runtime.url);
    const mails = (await outbox(ui.runtime.url)).filter((m) => m.text?.includes('send us a screenshot'));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toContain('buyer1@shop1.example');
    expect(mails[0]?.subject).toContain(`[${ref}]`);
  });

  it('a macro the ticket refuses says which rule, offers no Apply; a stale apply keeps the draft and offers a reload', async () => {
    const ref = refs[1] ?? '';
    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    await ui.openTicket(page, ref);
    // A new ticket cannot go straight to waiting on the customer.
    await pickMacro(page, 'Ask for a screenshot');
    const refusal = page.getByTestId('macro-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/rule state-table/);
    expect(await page.getByRole('button', { name: 'Apply macro' }).isVisible()).toBe(false);

    // Someone else moves the ticket while this screen shows the old version.
    const draft = 'A draft the agent is still writing.';
    await page.getByLabel('Message').fill(draft);
    await move(ref, 'in_progress');
    await pickMacro(page, 'Password reset: resolved');
    await page.getByTestId('macro-preview').waitFor();
    await page.getByRole('button', { name: 'Apply macro' }).click();
    const stale = page.getByRole('alert').filter({ hasText: /someone else changed this ticket/ });
    await stale.waitFor();
    expect((await view(ref)).ticket.state).toBe('in_progress');
    await stale.getByRole('button', { name: 'Reload ticket' }).click();
    await page.getByTestId('ticket-state').filter({ hasText: 'In progress' }).waitFor();
    expect(await page.getByLabel('Message').inputValue()).toBe(draft);
  });

  it('an agent sets themselves away and available from the top bar; the API agrees', async () => {
    const page = await ui.newPage();
    await ui.login(page, 'agent2@example.com');
    const availability = page.getByLabel('Availability');
    await availability.waitFor();
    await availability.selectOption('available');
    await notice(page).filter({ hasText: 'You are available.' }).waitFor();
    expect((await ui.api('agent2@example.com', 'GET', '/v1/agents/me')).body.agent).toMatchObject({
      availability: 'available',
    });
    await availability.selectOption('away');
    await notice(page).filter({ hasText: 'You are away.' }).waitFor();
    expect((await ui.api('agent2@example.com', 'GET', '/v1/agents/me')).body.agent).toMatchObject({
      availability: 'away',
    });
    // A lead or an approver has no such control.
    const lead = await ui.newPage();
    await ui.login(lead, 'lead@example.com');
    expect(await lead.getByLabel('Availability').count()).toBe(0);
  });

  it('bulk actions on a queue selection (checkboxes and Space) give each ticket its result, refusals with their rule', async () => {
    const [a = '', b = '', c = ''] = refs;
    // c is someone else's: an agent may not take it over (rule reassign-lead).
    const { ticket } = await view(c);
    expect(
      (
        await ui.api(
          'lead@example.com',
          'POST',
          `/v1/tickets/${c}/assign`,
          { assignee: 'billing-agent@example.com' },
          ticket.version,
        )
      ).status,
    ).toBe(200);

    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    await page.goto(`${ui.runtime.url}/app/#/queues/billing`);
    await page.locator(`tr[data-ticket="${c}"]`).waitFor();
    await page.getByLabel(`Select ${a}`).check();
    await page.getByLabel(`Select ${c}`).check();
    // Space on a focused row selects it too.
    await page.getByRole('link', { name: b, exact: true }).focus();
    await page.keyboard.press('Space');
    await page.locator('#selected-count').filter({ hasText: '3 selected' }).waitFor();
    expect(await page.getByLabel(`Select ${b}`).isChecked()).toBe(true);

    await page.getByLabel('Action').selectOption({ label: 'Add tags' });
    await page.getByLabel('Tags').fill('double-charge');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    const results = page.getByTestId('results');
    await results.locator('li').nth(2).waitFor();
    for (const ref of [a, b, c])
      expect(await results.locator(`li[data-ticket="${ref}"]`).getAttribute('data-outcome')).toBe('applied');
    for (const ref of [a, b, c]) expect((await view(ref)).ticket.tags).toContain('double-charge');
    // Applied tickets leave the selection.
    await page.locator('#selected-count').filter({ hasText: '0 selected' }).waitFor();

    await page.getByLabel(`Select ${b}`).check();
    await page.getByLabel(`Select ${c}`).check();
    await page.getByLabel('Action').selectOption({ label: 'Assign to me' });
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await results.locator(`li[data-ticket="${c}"][data-outcome="refused"]`).waitFor();
    expect(await results.locator(`li[data-ticket="${b}"]`).getAttribute('data-outcome')).toBe('applied');
    expect(await results.locator(`li[data-ticket="${c}"]`).innerText()).toMatch(/rule reassign-lead/);
    expect((await view(b)).ticket.assignee).toBe('agent@example.com');
    expect((await view(c)).ticket.assignee).toBe('billing-agent@example.com');
    // The refused one stays selected, to try something else.
    expect(await page.getByLabel(`Select ${c}`).isChecked()).toBe(true);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await ui.shot(page, 'agent-ui-bulk');
  });

  it('a lead declares an incident; a queue selection is linked to it; linked tickets show a banner; the incident view lists them and unlinks', async () => {
    const [a = '', b = '', , d = ''] = refs;
    const lead = await ui.newPage();
    await ui.login(lead, 'lead@example.com');
    await ui.openTicket(lead, d);
    await lead.getByLabel('Incident title').fill('Card payments charged twice');
    await lead.getByRole('button', { name: 'Declare incident' }).click();
    await lead.getByTestId('incident-banner').filter({ hasText: 'Card payments charged twice' }).waitFor();
    // An agent has no such control (the API refuses it by route-roles).
    const agent = await ui.newPage();
    await ui.login(agent, 'agent@example.com');
    await ui.openTicket(agent, a);
    await agent.getByRole('heading', { name: 'Incident', exact: true }).waitFor();
    expect(await agent.getByRole('button', { name: 'Declare incident' }).count()).toBe(0);

    // Link a and b from the queue's selection.
    await agent.goto(`${ui.runtime.url}/app/#/queues/billing`);
    await agent.getByLabel(`Select ${a}`).check();
    await agent.getByLabel(`Select ${b}`).check();
    await agent.getByLabel('Action').selectOption({ label: 'Link to incident' });
    await agent.getByLabel('Incident', { exact: true }).selectOption(d);
    await agent.getByRole('button', { name: 'Apply to selected' }).click();
    const results = agent.getByTestId('results');
    await results.locator(`li[data-ticket="${b}"][data-outcome="applied"]`).waitFor();
    expect(await results.locator(`li[data-ticket="${a}"]`).getAttribute('data-outcome')).toBe('applied');

    // The banner on a linked ticket points to the incident.
    await ui.openTicket(agent, a);
    const banner = agent.getByTestId('incident-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(new RegExp(`${d}.*Card payments charged twice`));
    await banner.getByRole('link', { name: d }).click();

    // The incident view: linked tickets, affected accounts, updates sent.
    await agent.getByRole('heading', { level: 1, name: new RegExp(`^${d} · Card payments`) }).waitFor();
    expect(await agent.locator('tr[data-ticket]').count()).toBe(2);
    expect(await agent.getByRole('heading', { name: 'Affected accounts' }).count()).toBe(1);
    await agent.getByRole('heading', { name: 'Updates sent (0)' }).waitFor();
    const { ticket: incident } = await view(d);
    const update = await ui.api(
      'lead@example.com',
      'POST',
      `/v1/tickets/${d}/messages`,
      { visibility: 'public', body: 'We found the double charge and are refunding it.' },
      incident.version,
    );
    expect(update.status).toBe(201);
    await drain(ui.runtime.url);
    await agent.reload();
    await agent.getByRole('heading', { name: 'Updates sent (1)' }).waitFor();
    expect(await unlabelledControls(agent)).toEqual([]);
    expect(await lowContrast(agent)).toEqual([]);
    await ui.shot(agent, 'agent-ui-incident');

    // Unlink b: its result is shown, the table keeps a only, b loses its banner.
    await agent.getByRole('button', { name: `Unlink ${b}` }).click();
    await agent.getByTestId('results').locator(`li[data-ticket="${b}"][data-outcome="unlinked"]`).waitFor();
    expect(await agent.locator('tr[data-ticket]').count()).toBe(1);
    expect((await view(b)).ticket.links.filter((l) => l.relation === 'affected_by')).toEqual([]);
    await ui.openTicket(agent, b);
    expect(await agent.getByTestId('incident-banner').count()).toBe(0);
  });

  it('a lead opens a new incident for a queue selection; each ticket says it was linked', async () => {
    const [, , c = ''] = refs;
    const page = await ui.newPage();
    await ui.login(page, 'lead@example.com');
    await page.goto(`${ui.runtime.url}/app/#/queues/billing`);
    await page.getByLabel(`Select ${c}`).check();
    await page.getByLabel('Action').selectOption({ label: 'Open a new incident for them' });
    await page.getByLabel('Incident title').fill('Renewals charged twice');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.getByTestId('results').locator(`li[data-ticket="${c}"][data-outcome="linked"]`).waitFor();
    await notice(page)
      .filter({ hasText: /Incident FD-\d+ opened/ })
      .waitFor();
    const linkedTo = (await view(c)).ticket.links.filter((l) => l.relation === 'affected_by');
    expect(linkedTo).toHaveLength(1);
    const { incidents } = (await ui.api('lead@example.com', 'GET', '/v1/incidents')).body as {
      incidents: Array<{ reference: string; title: string }>;
    };
    expect(incidents).toContainEqual(
      expect.objectContaining({ reference: linkedTo[0]?.reference, title: 'Renewals charged twice' }),
    );
  });

  it('closing an incident while a linked ticket is open again is refused in the UI, naming the rule and the ticket', async () => {
    const [a = '', , , d = ''] = refs;
    // Resolving the incident resolves the ticket still linked to it (a); the customer's problem comes back.
    if ((await view(d)).ticket.state === 'new') await move(d, 'in_progress');
    await move(d, 'resolved');
    await drain(ui.runtime.url);
    expect((await view(a)).ticket.state).toBe('resolved');
    await move(a, 'in_progress');

    const page = await ui.newPage();
    await ui.login(page, 'lead@example.com');
    await ui.openTicket(page, d);
    await page.getByRole('button', { name: 'Move to closed' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /Refused to move/ });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(new RegExp(`rule incident-links-resolved.*${a}`));
    expect((await view(d)).ticket.state).toBe('resolved');
  });

  it('left no script error or CSP violation in any page', () => {
    expect(ui.problems).toEqual([]);
  });
});
