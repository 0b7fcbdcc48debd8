// The agent UI (ui/, served by `npm start` at /app/) in system Chromium against a real runtime process:
// an agent works a webhook ticket (reply mailed, waiting on customer, its next reminder shown), lead-only controls are absent for
// agents (and the API refuses them), finance approves a credit from the inbox, two browsers editing one
// ticket get a 409 that loses nothing, and the Cognito code + PKCE flow runs against a stubbed hosted login.
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, outbox } from '../support/mail';
import { lowContrast, notice, startUi, type UiHarness, unlabelledControls } from './ui-harness';

interface TicketBody {
  id: string;
  reference: string;
  state: string;
  priority: string;
  version: number;
  blockedOn: string | null;
  pendingApprovals: string[];
  assignee: string | null;
}

describe('the agent UI in Chromium against npm start', () => {
  let ui: UiHarness;
  const api: UiHarness['api'] = (...args) => ui.api(...args);
  const ticket = async (ref: string): Promise<TicketBody> =>
    (await api('agent@example.com', 'GET', `/v1/tickets/${ref}`)).body.ticket as TicketBody;
  const webhookTicket = (payload: Record<string, unknown>) => ui.webhookTicket(payload);
  const newPage = (opts: { bypassCSP?: boolean } = {}) => ui.newPage(opts);
  const shot = (page: Page, name: string) => ui.shot(page, `agent-ui-${name}`);
  const login = (page: Page, email: string, home?: string) => ui.login(page, email, home);
  const openTicket = (page: Page, ref: string) => ui.openTicket(page, ref);

  beforeAll(async () => {
    ui = await startUi('ui');
  });
  afterAll(async () => {
    await ui?.close();
  });

  let worked = '';
  let other = '';

  it('an agent signs in, reads the queues, opens a webhook ticket by keyboard, replies and waits on the customer, and sees the reminder to come', async () => {
    const requester = 'erin@smallshop.example';
    worked = await webhookTicket({
      subject: 'Invoice INV-501 charged twice',
      body: 'We were charged twice for invoice INV-501.',
      requester: { email: requester, name: 'Erin Shop' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-501', customerId: 'C-501' },
    });
    other = await webhookTicket({
      subject: 'Second invoice question',
      body: 'And INV-502?',
      requester: { email: 'finn@smallshop.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-502', customerId: 'C-502' },
    });
    const { queue: queueId } = (await api('agent@example.com', 'GET', `/v1/tickets/${worked}`)).body
      .ticket as { queue: string };

    const page = await newPage();
    await page.goto(`${ui.runtime.url}/app/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    // The first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await shot(page, 'login');
    await page.locator('button[data-email="agent@example.com"]').click();
    await page.getByRole('heading', { level: 1, name: 'Queues' }).waitFor();

    // Queues: counts per state and SLA badges; a plain agent has no approvals inbox.
    const row = page.locator(`tr[data-queue="${queueId}"]`);
    await row.waitFor();
    expect(Number(await row.locator('td[data-open]').innerText())).toBeGreaterThanOrEqual(2);
    expect(await row.locator('.badge').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Approvals' }).count()).toBe(0);
    expect(await page.getByTestId('roles').innerText()).toBe('agent');
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'queues');

    // The queue: sortable (aria-sort), arrow keys move between tickets, Enter opens one.
    await row.getByRole('link').click();
    await page.getByRole('heading', { level: 1 }).filter({ hasText: /./ }).waitFor();
    await page.locator(`tr[data-ticket="${worked}"]`).waitFor();
    await page.getByRole('button', { name: 'Ticket', exact: true }).click();
    expect(await page.locator('th:has(#sort-reference)').getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Ticket', exact: true }).click();
    expect(await page.locator('th:has(#sort-reference)').getAttribute('aria-sort')).toBe('descending');
    expect(await page.locator('th:has(#sort-priority)').getAttribute('aria-sort')).toBe('none');
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'queue');
    // A ticket that arrives while the list is open shows up on refresh (the list also refreshes itself).
    const late = await webhookTicket({
      subject: 'Late arrival',
      body: 'One more invoice question.',
      requester: { email: 'lou@smallshop.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-503', customerId: 'C-503' },
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator(`tr[data-ticket="${late}"]`).waitFor();
    await page.getByRole('button', { name: 'Ticket', exact: true }).click();
    expect(await page.locator('th:has(#sort-reference)').getAttribute('aria-sort')).toBe('ascending');
    // Ascending by reference: worked, other, late. Arrow keys move, Home/End jump, Enter opens.
    await page.getByRole('link', { name: other, exact: true }).focus();
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate('document.activeElement.textContent')).toBe(worked);
    await page.keyboard.press('End');
    expect(await page.evaluate('document.activeElement.textContent')).toBe(late);
    await page.keyboard.press('Home');
    expect(await page.evaluate('document.activeElement.textContent')).toBe(worked);
    // One tab stop for the whole list (roving tabindex): Tab leaves the table.
    expect(await page.locator('a.row-link[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: new RegExp(`^${worked} `) }).waitFor();
    expect(await page.getByTestId('context-status').innerText()).toMatch(/All required context is present/);

    // Every control on the ticket screen has a label.
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'ticket');

    // Reply: mailed to the requester.
    const reply = `Thanks Erin, we refund the second charge of INV-501 (${Date.now()}).`;
    expect(await page.getByLabel('Reply to customer').isChecked()).toBe(true);
    await page.getByLabel('Message').fill(reply);
    await page.getByRole('button', { name: 'Send reply' }).click();
    await notice(page)
      .filter({ hasText: `Reply sent to ${requester}` })
      .waitFor();
    await page.locator('.message-outbound .body', { hasText: reply }).waitFor();
    await drain(ui.runtime.url);
    const mail = (await outbox(ui.runtime.url)).find((m) => m.text?.includes(reply));
    expect(mail?.to).toContain(requester);
    expect(mail?.subject).toContain(`[${worked}]`);

    // State buttons: on to waiting_on_customer (through in_progress when the ticket is still new).
    if ((await page.locator('#move-waiting_on_customer').count()) === 0) {
      await page.getByRole('button', { name: 'Move to in progress' }).click();
      await page.getByTestId('ticket-state').filter({ hasText: 'In progress' }).waitFor();
    }
    await page.getByRole('button', { name: 'Move to waiting on customer' }).click();
    await page.getByTestId('ticket-state').filter({ hasText: 'Waiting on customer' }).waitFor();
    expect((await ticket(worked)).state).toBe('waiting_on_customer');
    // The ticket's clock says what it will do on its own: remind the customer (a billing dispute never
    // resolves as "no reply", so the reminder is the next thing).
    await page
      .getByTestId('next-action')
      .filter({ hasText: /^Reminder to the requester( in \d+ (minute|hour|day)s?|: any moment now)/ })
      .waitFor();
    expect(await lowContrast(page)).toEqual([]);
    await shot(page, 'ticket-waiting');
  }, 300_000);

  it('shows every refused action with its reason: a handoff the engineering rule refuses', async () => {
    const page = await newPage();
    await login(page, 'agent@example.com');
    await openTicket(page, worked);
    await page.getByLabel('To queue').selectOption('engineering');
    await page.locator('#handoff-reason').fill('needs a developer');
    await page.getByRole('button', { name: 'Hand off' }).click();
    const alert = page.getByRole('alert').filter({ hasText: /Refused to hand/ });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/rule engineering-needs-validated-bug/);
    await shot(page, 'refused');
  });

  it('an agent who hands a ticket out of their queues is taken back to the queue it left, not to a screen they may not open', async () => {
    const ref = await webhookTicket({
      subject: 'How do I export my data?',
      body: 'Looking for the export.',
      requester: { email: 'isolation-ui@customer.example', name: 'Iso' },
    });
    const page = await newPage();
    await login(page, 'agent2@example.com');
    await openTicket(page, ref);
    await page.getByLabel('To queue').selectOption('specialists');
    await page.locator('#handoff-reason').fill('needs a specialist');
    await page.getByRole('button', { name: 'Hand off' }).click();
    await page.getByRole('heading', { level: 1, name: 'Frontline support' }).waitFor();
    expect(page.url()).toMatch(/#\/queues\/frontline$/);
    await notice(page)
      .filter({ hasText: `${ref} handed off to Specialists` })
      .waitFor();
    expect(await page.getByText('Something went wrong').count()).toBe(0);
    expect((await api('lead@example.com', 'GET', `/v1/tickets/${ref}`)).body.ticket).toMatchObject({
      queue: 'specialists',
    });
    expect((await api('agent2@example.com', 'GET', `/v1/tickets/${ref}`)).body).toMatchObject({
      rule: 'own-queues',
    });
  });

  it('lead-only actions (reassign, merge) are absent for an agent, present for a lead; the API answers the agent 403', async () => {
    const agent = await newPage();
    await login(agent, 'agent@example.com');
    await openTicket(agent, worked);
    await agent.getByRole('heading', { name: 'Assignment' }).waitFor();
    expect(await agent.getByLabel('Reassign to').count()).toBe(0);
    expect(await agent.getByRole('button', { name: 'Merge' }).count()).toBe(0);
    expect(await agent.getByRole('heading', { name: 'Merge duplicate' }).count()).toBe(0);
    // The agent may take it, and does.
    await agent.getByRole('button', { name: 'Take it' }).click();
    await agent.getByTestId('assignee').filter({ hasText: 'agent@example.com' }).waitFor();
    await agent.getByRole('link', { name: 'My tickets' }).click();
    await agent.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor();
    await agent.locator(`tr[data-ticket="${worked}"]`).waitFor();

    const { version } = await ticket(worked);
    const reassign = await api(
      'agent@example.com',
      'POST',
      `/v1/tickets/${worked}/assign`,
      { assignee: 'agent2@example.com' },
      version,
    );
    expect(reassign.status).toBe(403);
    expect(reassign.body.rule).toBe('reassign-lead');
    const merge = await api(
      'agent@example.com',
      'POST',
      `/v1/tickets/${other}/merge`,
      { into: worked },
      version,
    );
    expect(merge.status).toBe(403);
    expect(merge.body.rule).toBeTypeOf('string');

    const lead = await newPage();
    await login(lead, 'lead@example.com');
    await openTicket(lead, worked);
    await lead.getByLabel('Reassign to').waitFor();
    expect(await lead.getByRole('button', { name: 'Reassign' }).isVisible()).toBe(true);
    expect(await lead.getByRole('button', { name: 'Merge' }).isVisible()).toBe(true);
    await lead.getByLabel('Reassign to').fill('agent2@example.com');
    await lead.getByRole('button', { name: 'Reassign' }).click();
    await lead.getByTestId('assignee').filter({ hasText: 'agent2@example.com' }).waitFor();
    expect((await ticket(worked)).assignee).toBe('agent2@example.com');
    await shot(lead, 'ticket-lead');
  });

  it('finance approves a pending 750 EUR credit from the approvals inbox and the ticket is unblocked', async () => {
    const ref = await webhookTicket({
      subject: 'Charged twice for INV-7',
      body: 'INV-7 was charged twice.',
      requester: { email: 'ops@bigcorp.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-7', customerId: 'C-1' },
    });
    const asked = await api(
      'agent@example.com',
      'POST',
      `/v1/tickets/${ref}/approvals`,
      { kind: 'credit', amount: { value: 750, currency: 'EUR' }, summary: 'credit the double charge' },
      (await ticket(ref)).version,
    );
    expect(asked.status).toBe(201);
    const approval = asked.body.approval as { id: string; state: string };
    expect(approval.state).toBe('pending');
    expect((await ticket(ref)).blockedOn).toBe('approval');
    await drain(ui.runtime.url);

    const page = await newPage();
    await login(page, 'finance@example.com', 'Approvals');
    // An approver-only user has the inbox, not the queues.
    expect(await page.getByRole('link', { name: 'Queues' }).count()).toBe(0);
    const card = page.locator(`li[data-approval="${approval.id}"]`);
    await card.waitFor();
    expect(await card.innerText()).toMatch(/750 EUR/);
    expect(await card.innerText()).toMatch(/agent@example\.com/);
    await shot(page, 'approvals');

    // No reason: the UI says what is missing and sends nothing.
    await card.getByRole('button', { name: 'Approve' }).click();
    await card
      .getByRole('alert')
      .filter({ hasText: /give a reason/ })
      .waitFor();
    await card.getByLabel('Reason for your decision').fill('double charge confirmed on the invoice');
    await card.getByRole('button', { name: 'Approve' }).click();
    await notice(page)
      .filter({ hasText: `Approved: credit on ${ref}` })
      .waitFor();
    await page.locator(`li[data-approval="${approval.id}"][data-state="approved"]`).waitFor();
    await shot(page, 'approvals-decided');

    const decided = await api('finance@example.com', 'GET', `/v1/approvals/${approval.id}`);
    expect((decided.body.approval as { state: string }).state).toBe('approved');
    const after = await ticket(ref);
    expect(after.blockedOn).not.toBe('approval');
    expect(after.pendingApprovals).toEqual([]);
  });

  it('two browsers on one ticket: the stale save gets a 409, the UI says so and keeps the draft, nothing is lost', async () => {
    const ref = await webhookTicket({
      subject: 'Where is my refund?',
      body: 'Still waiting for the refund.',
      requester: { email: 'gale@smallshop.example' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-900', customerId: 'C-900' },
    });
    const priority = (await ticket(ref)).priority;
    expect(priority).not.toBe('urgent');
    const first = await newPage();
    await login(first, 'agent@example.com');
    await openTicket(first, ref);
    const second = await newPage();
    await login(second, 'lead@example.com');
    await openTicket(second, ref);

    // First browser: an internal note.
    const note = 'Called the customer: the refund left our bank yesterday.';
    await first.getByLabel('Internal note').check();
    await first.getByLabel('Message').fill(note);
    await first.getByRole('button', { name: 'Add note' }).click();
    await notice(first).filter({ hasText: 'Note added.' }).waitFor();

    // Second browser, still on the old version: a draft in the composer, then a priority change.
    const draft = 'Draft from the second browser, not sent yet.';
    await second.getByLabel('Message').fill(draft);
    await second.getByLabel('Priority').selectOption('urgent');
    await second.getByRole('button', { name: 'Save details' }).click();
    const stale = second.getByRole('alert').filter({ hasText: /someone else changed this ticket/ });
    await stale.waitFor();
    expect(await stale.innerText()).toMatch(/version \d+/);
    expect(await lowContrast(second)).toEqual([]);
    await shot(second, 'conflict');

    // Reload: the first browser's note appears, the draft is still there, nothing was overwritten.
    await stale.getByRole('button', { name: 'Reload ticket' }).click();
    await second.locator('.message-internal .body', { hasText: note }).waitFor();
    expect(await second.getByLabel('Message').inputValue()).toBe(draft);
    expect(await second.getByLabel('Priority').inputValue()).toBe(priority);
    await second.getByLabel('Priority').selectOption('urgent');
    await second.getByRole('button', { name: 'Save details' }).click();
    await notice(second)
      .filter({ hasText: `Details of ${ref} saved.` })
      .waitFor();

    const view = (await api('agent@example.com', 'GET', `/v1/tickets/${ref}`)).body as {
      ticket: TicketBody;
      messages: Array<{ body: string; visibility: string }>;
      audit: Array<{ action: string }>;
    };
    expect(view.messages.filter((m) => m.body === note && m.visibility === 'internal')).toHaveLength(1);
    expect(view.ticket.priority).toBe('urgent');
    expect(view.audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['message.added', 'ticket.updated']),
    );
  });

  it('Cognito mode: authorization code + PKCE (S256) against a stubbed hosted login, state checked', async () => {
    const domain = 'auth.frontdoor.test';
    const redirectUri = `${ui.runtime.url}/app/`;
    // CloudFront's CSP names the Cognito domain in connect-src; the local runtime's does not, so the stub
    // context bypasses CSP (the dev-mode tests above run under the runtime's real CSP).
    const page = await newPage({ bypassCSP: true });
    const context = page.context();
    await context.route(`${ui.runtime.url}/app/config.json`, (route) =>
      route.fulfill({
        json: {
          auth: {
            mode: 'cognito',
            domain,
            clientId: 'client-e2e',
            redirectUri,
            logoutUri: redirectUri,
            scopes: ['openid', 'email', 'profile'],
          },
          apiBaseUrl: '',
        },
      }),
    );
    let authorize: URLSearchParams | undefined;
    const exchanges: URLSearchParams[] = [];
    await context.route(`https://${domain}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/oauth2/authorize') {
        authorize = url.searchParams;
        return route.fulfill({
          status: 302,
          headers: { location: `${redirectUri}?code=code-e2e&state=${url.searchParams.get('state')}` },
        });
      }
      if (url.pathname === '/oauth2/token') {
        exchanges.push(new URLSearchParams(route.request().postData() ?? ''));
        return route.fulfill({
          headers: { 'access-control-allow-origin': '*' },
          json: {
            id_token: ui.tokens['agent@example.com'],
            access_token: 'unused',
            token_type: 'Bearer',
            expires_in: 3600,
          },
        });
      }
      if (url.pathname === '/logout')
        return route.fulfill({ contentType: 'text/html', body: '<p>signed out</p>' });
      return route.fulfill({ status: 404 });
    });

    await page.goto(`${redirectUri}#/mine`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await shot(page, 'cognito-login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My tickets' }).waitFor();

    expect(authorize?.get('response_type')).toBe('code');
    expect(authorize?.get('client_id')).toBe('client-e2e');
    expect(authorize?.get('redirect_uri')).toBe(redirectUri);
    expect(authorize?.get('scope')).toBe('openid email profile');
    expect(authorize?.get('code_challenge_method')).toBe('S256');
    expect(exchanges).toHaveLength(1);
    const exchange = exchanges[0] as URLSearchParams;
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code')).toBe('code-e2e');
    expect(exchange.get('client_id')).toBe('client-e2e');
    expect(exchange.get('redirect_uri')).toBe(redirectUri);
    const verifier = exchange.get('code_verifier') ?? '';
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(authorize?.get('code_challenge'));
    // The code is gone from the address bar; the id token went to the API (the screen loaded).
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate("sessionStorage.getItem('frontdoor.idToken')")).toBe(
      ui.tokens['agent@example.com'],
    );

    // A login answer this tab did not ask for (forged state) is refused, and nothing is exchanged.
    const forged = await context.newPage();
    await forged.goto(`${redirectUri}?code=stolen&state=forged#/queues`);
    await forged
      .getByRole('alert')
      .filter({ hasText: /state check failed/ })
      .waitFor();
    expect(exchanges).toHaveLength(1);
    expect(new URL(forged.url()).search).toBe('');

    // Signing out ends the hosted-login session too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`https://${domain}/logout**`);
    const logout = new URL(page.url()).searchParams;
    expect(logout.get('client_id')).toBe('client-e2e');
    expect(logout.get('logout_uri')).toBe(redirectUri);
  });

  it('left no script error or CSP violation in any page', () => {
    expect(ui.problems).toEqual([]);
  });
});
