// Issue 18 in the agent UI, in system Chromium against npm start: a lead writes an article whose Markdown
// carries a script and an inline handler (the server's preview shows it inert, the CSP sees nothing to
// block), saves it, meets a stale save that keeps the text; an agent reads and searches the published
// articles, then inserts a suggested article's help-centre link into a reply at the cursor and sends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, outbox } from '../support/mail';
import { lowContrast, notice, startUi, type UiHarness, unlabelledControls } from './ui-harness';

const HOSTILE = [
  '# Refund a double charge',
  '',
  'We refund the second charge within five days.',
  '',
  '<script>window.kbScriptRan = true</script>',
  '<img src="x" onerror="window.kbHandlerRan = true">',
  '[Open](javascript:window.kbLinkRan=true)',
].join('\n');

describe('the knowledge base in the agent UI (Chromium)', () => {
  let ui: UiHarness;

  beforeAll(async () => {
    ui = await startUi('ui-kb');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('a lead writes an article with <script> in it: the preview shows it inert; a stale save keeps what the lead changed', async () => {
    const page = await ui.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await ui.login(page, 'lead@example.com');
    await page.getByRole('link', { name: 'Knowledge base' }).click();
    await page.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
    await page.getByRole('link', { name: 'New article' }).click();
    await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);

    await page.getByLabel('Slug').fill('refund-double-charge');
    await page.getByLabel('Title').fill('Refund a double charge');
    await page.getByLabel('Request types').fill('billing_dispute');
    await page.getByLabel('Tags').fill('refund, card');
    await page.getByLabel('Body (Markdown)').fill(HOSTILE);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('article-preview');
    await preview.getByRole('heading', { name: 'Refund a double charge' }).waitFor();
    expect(await preview.innerText()).toContain('We refund the second charge within five days.');
    // Inert: no script element, no handler attribute, no javascript: link, and nothing ran.
    expect(await preview.locator('script').count()).toBe(0);
    expect(await preview.locator('[onerror]').count()).toBe(0);
    expect(await preview.locator('a[href^="javascript"]').count()).toBe(0);
    expect(
      await page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return [w.kbScriptRan, w.kbHandlerRan, w.kbLinkRan];
      }),
    ).toEqual([undefined, undefined, undefined]);

    await ui.shot(page, 'kb-editor');
    await page.getByLabel('Status').selectOption('published');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Refund a double charge' }).first().waitFor();
    await expect.poll(() => notice(page).innerText()).toContain('saved (version 1)');
    expect(await page.getByTestId('article-body').locator('script, [onerror]').count()).toBe(0);
    const saved = await ui.api('lead@example.com', 'GET', '/v1/kb/articles/refund-double-charge');
    expect(saved.status).toBe(200);
    expect(saved.body.article).toMatchObject({ status: 'published', tags: ['refund', 'card'], version: 1 });

    // Someone else saves while the lead edits: the save is refused, the text stays, a reload rebases it.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit “Refund a double charge”' }).waitFor();
    const {
      slug: _slug,
      updatedBy: _by,
      updatedAt: _at,
      version,
      ...input
    } = saved.body.article as Record<string, unknown>;
    const other = await ui.api(
      'admin@example.com',
      'PUT',
      '/v1/kb/articles/refund-double-charge',
      { ...input, title: 'Refund a double card charge' },
      version as number,
    );
    expect(other.status).toBe(200);
    await page.getByLabel('Body (Markdown)').fill('Refunds take five working days.');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.locator('.alert-stale');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/someone else changed this article/);
    await alert.getByRole('button', { name: 'Reload article' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit “Refund a double card charge”' }).waitFor();
    // The lead's change stays; the field they did not touch shows the other change.
    expect(await page.getByLabel('Body (Markdown)').inputValue()).toBe('Refunds take five working days.');
    expect(await page.getByLabel('Title').inputValue()).toBe('Refund a double card charge');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => notice(page).innerText()).toContain('saved (version 3)');
    const final = await ui.api('agent@example.com', 'GET', '/v1/kb/articles/refund-double-charge');
    expect(final.body.article).toMatchObject({
      title: 'Refund a double card charge',
      body: 'Refunds take five working days.',
      version: 3,
    });
    expect(final.body.html).toContain('<p>Refunds take five working days.</p>');
    await ui.shot(page, 'kb-article');
    expect(violations).toEqual([]);
    expect(ui.problems).toEqual([]);
  });

  it('an agent reads and searches the published articles, inserts a suggested article’s help-centre link into a reply at the cursor and sends it', async () => {
    const put = (slug: string, article: Record<string, unknown>) =>
      ui.api('lead@example.com', 'PUT', `/v1/kb/articles/${slug}`, { status: 'published', ...article });
    expect(
      (
        await put('charged-twice', {
          title: 'Charged twice for one invoice',
          body: 'When a card is charged twice for one invoice, the second charge is refunded.',
          audience: 'external',
          requestTypes: ['billing_dispute'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await put('double-charge-checklist', {
          title: 'Double charge checklist',
          body: 'Check the payment provider for both charges of the invoice before refunding twice.',
          audience: 'internal',
          requestTypes: ['billing_dispute'],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await put('refund-draft', {
          title: 'Refund draft',
          body: 'Not yet.',
          audience: 'external',
          status: 'draft',
        })
      ).status,
    ).toBe(201);

    const page = await ui.newPage();
    await ui.login(page, 'agent@example.com');
    // Agents read the published articles of both audiences; drafts and writing are for leads and admins.
    await page.getByRole('link', { name: 'Knowledge base' }).click();
    const table = page.getByRole('table', { name: 'Articles' });
    await table.getByRole('link', { name: 'Double charge checklist' }).waitFor();
    expect(await table.getByRole('link', { name: 'Refund draft' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New article' }).count()).toBe(0);
    expect(await lowContrast(page)).toEqual([]);
    await page.getByLabel('Search articles').fill('charged twise');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.kb-hits').getByRole('link', { name: 'Charged twice for one invoice' }).click();
    await page.getByTestId('article-body').getByText('the second charge is refunded').waitFor();
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);

    const ref = await ui.webhookTicket({
      subject: 'Card charged twice',
      body: 'Our card was charged twice for invoice INV-901.',
      requester: { email: 'kb-buyer@shop.example', name: 'Kim Buyer' },
      requestType: 'billing_dispute',
      fields: { invoiceId: 'INV-901', customerId: 'C-901' },
    });

    await ui.openTicket(page, ref);
    const external = page.getByRole('list', { name: 'Suggested articles for the customer' });
    await external.getByRole('link', { name: 'Charged twice for one invoice' }).waitFor();
    const internal = page.getByRole('list', { name: 'Suggested articles for the team' });
    await internal.getByRole('link', { name: 'Double charge checklist' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);

    // The cursor sits on the blank line between the greeting and the sign-off: the link goes there.
    const composer = page.getByLabel('Message');
    await composer.fill('Hello Kim, this explains it:\n\nBest, Alex');
    await composer.evaluate((el) => {
      const area = el as HTMLTextAreaElement;
      area.setSelectionRange(29, 29);
    });
    await external.getByRole('button', { name: 'Insert link to “Charged twice for one invoice”' }).click();
    const text = await composer.inputValue();
    expect(text).toMatch(
      /^Hello Kim, this explains it:\nCharged twice for one invoice: http:\/\/[^\s]+\/help\/charged-twice\nBest, Alex$/,
    );
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => notice(page).innerText()).toContain('Reply sent to kb-buyer@shop.example');

    await drain(ui.runtime.url);
    // The reply the agent wrote (not the acknowledgement, which may suggest the article too) carries the link.
    const url = /http:\/\/\S+\/help\/charged-twice/.exec(text)?.[0] ?? '';
    const replies = (await outbox(ui.runtime.url)).filter(
      (m) => m.to?.includes('kb-buyer@shop.example') && m.text?.includes('this explains it'),
    );
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain(`Charged twice for one invoice: ${url}`);
    // The link opens the help-centre page of that article.
    const help = await fetch(url);
    expect(help.status).toBe(200);
    expect(await help.text()).toContain('Charged twice for one invoice');
    await ui.shot(page, 'kb-suggestions');
    expect(ui.problems).toEqual([]);
  });
});
