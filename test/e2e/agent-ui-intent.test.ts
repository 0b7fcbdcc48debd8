// Agents teach the intent model (issue 19), in system Chromium against npm start: with no model a ticket's
// Intent panel says it has no prediction and an agent labels it there, and the dashboard says there is no model; once a model is trained, a ticket shows its predicted intent,
// confidence, other guesses and model version; an agent confirms it in one click or corrects it to another
// name, and the API keeps that label; the detected language shows with the details; the dashboard's Intent
// quality section shows the model, the labels and per-intent precision and recall, and "Retrain now" asks
// for a retraining.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '../support/mail';
import { postWebhook } from '../support/webhooks';
import { notice, startUi, type UiHarness, unlabelledControls } from './ui-harness';

interface Intent {
  name: string;
  confidence: number;
  top: Array<{ name: string; confidence: number }>;
  modelVersion: string;
  label?: { name: string; by: string; at: string };
}
interface IntentStatus {
  model: null | { version: string; trainedAt: string; examples: number; intents: string[] };
  minConfidence: number;
  labels: number;
  quality: null | {
    perIntent: Array<{ intent: string; precision: number; recall: number; support: number }>;
  };
}

const AGENT = 'agent@example.com';
const LEAD = 'lead@example.com';

describe('the predicted intent in the agent UI (issue 19) in Chromium', () => {
  let ui: UiHarness;

  /** The ticket's intent as the API answers it (flat, or as stored: `{ predicted, label }`). */
  const intentOf = async (ref: string): Promise<Intent | undefined> => {
    const { ticket } = (await ui.api(AGENT, 'GET', `/v1/tickets/${ref}`)).body as {
      ticket: { intent?: Intent | { predicted?: Omit<Intent, 'label'>; label?: Intent['label'] } };
    };
    const raw = ticket.intent;
    if (!raw) return undefined;
    if ('predicted' in raw || !('name' in raw)) {
      const stored = raw as { predicted?: Omit<Intent, 'label'>; label?: Intent['label'] };
      return stored.predicted
        ? { ...stored.predicted, ...(stored.label ? { label: stored.label } : {}) }
        : undefined;
    }
    return raw;
  };
  const status = async (): Promise<IntentStatus> => {
    const answer = await ui.api(LEAD, 'GET', '/v1/intent');
    expect(answer.status).toBe(200);
    return answer.body as unknown as IntentStatus;
  };
  const intentPanel = (page: Page) => page.getByRole('region', { name: 'Intent', exact: true });
  /** Script errors on any page so far, 4xx answers the test provoked aside. */
  const problems = () => [...ui.problems];

  beforeAll(async () => {
    ui = await startUi('ui-intent');
  });
  afterAll(async () => {
    await ui?.close();
  });

  it('with no model a ticket says it has no prediction, an agent labels it there, and the dashboard says there is no model yet', async () => {
    expect((await status()).model).toBeNull();
    const ref = await ui.webhookTicket({
      subject: 'Paid twice last month',
      body: 'Hello, we paid the same invoice twice last month. Could you refund one of the payments? Thanks a lot.',
      requester: { email: 'no-model@customer.example' },
    });
    expect(await intentOf(ref)).toBeUndefined();

    const page = await ui.newPage();
    await ui.login(page, AGENT);
    await ui.openTicket(page, ref);
    const panel = intentPanel(page);
    await panel.waitFor();
    expect(await panel.getByTestId('intent-none').innerText()).toMatch(/^No prediction: there was no model/);
    expect(await panel.getByTestId('intent-label').innerText()).toMatch(/^Not labelled yet\./);
    expect(await panel.getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    expect(await unlabelledControls(page)).toEqual([]);
    // The first model's examples come from labels like this one: every request type is offered.
    const offered = await panel
      .getByLabel('Label as')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(expect.arrayContaining(['billing_dispute', 'cancellation', 'general_question']));
    await panel.getByLabel('Label as').selectOption('billing_dispute');
    await panel.getByRole('button', { name: 'Label', exact: true }).click();
    await intentPanel(page)
      .getByTestId('intent-label')
      .filter({ hasText: /^Labelled Billing dispute by agent@example\.com/ })
      .waitFor();
    await notice(page)
      .filter({ hasText: `Intent of ${ref} labelled Billing dispute.` })
      .waitFor();
    const { ticket } = (await ui.api(AGENT, 'GET', `/v1/tickets/${ref}`)).body as {
      ticket: { intent?: { predicted?: unknown; label?: { name: string; by: string } } };
    };
    expect(ticket.intent?.predicted).toBeUndefined();
    expect(ticket.intent?.label).toMatchObject({ name: 'billing_dispute', by: AGENT });
    expect((await status()).labels).toBe(1);

    const lead = await ui.newPage();
    await ui.login(lead, LEAD);
    await lead.goto(`${ui.runtime.url}/app/#/metrics`);
    const section = lead.getByRole('region', { name: 'Intent quality' });
    await section.waitFor();
    expect(await section.getByTestId('intent-no-model').innerText()).toMatch(/^No model yet/);
    expect(await section.getByRole('button', { name: 'Train now' }).count()).toBe(1);
  });

  it('a lead trains the first model from the agents’ labels with the dashboard’s button', async () => {
    // The team's history: tickets an agent labelled (no model yet, so the label sets the intent).
    const posted = await Promise.all(
      TRAINING.map(([text, intent], i) =>
        postWebhook(ui.runtime.url, 'demo', {
          id: `intent-train-${i}`,
          subject: text.split('. ')[0],
          body: text,
          requester: { email: `history-${i}@customer.example` },
        }).then((answer) => {
          expect(answer.status).toBe(202);
          return { ref: String(answer.body.reference), intent };
        }),
      ),
    );
    await drain(ui.runtime.url);
    for (const { ref, intent } of posted) {
      const { version } = (await ui.api(LEAD, 'GET', `/v1/tickets/${ref}`)).body.ticket as {
        version: number;
      };
      const labelled = await ui.api(LEAD, 'PUT', `/v1/tickets/${ref}/intent`, { intent }, version);
      expect(labelled.status).toBe(200);
    }
    // With the label given in the UI above.
    expect((await status()).labels).toBe(TRAINING.length + 1);

    const page = await ui.newPage();
    await ui.login(page, LEAD);
    await page.goto(`${ui.runtime.url}/app/#/metrics`);
    const section = page.getByRole('region', { name: 'Intent quality' });
    await section.waitFor();
    expect(
      await section.locator('.tile').filter({ hasText: 'Agents’ labels' }).locator('dd').innerText(),
    ).toBe(String(TRAINING.length + 1));
    await section.getByRole('button', { name: 'Train now' }).click();
    await section.getByTestId('intent-retrain-status').filter({ hasText: 'Retraining requested' }).waitFor();
    // The training runs in the background; the local runtime's drain waits for it.
    await drain(ui.runtime.url);
    const trained = await status();
    expect(trained.model).not.toBeNull();
    expect([...(trained.model?.intents ?? [])].sort()).toEqual([
      'access_request',
      'billing_dispute',
      'cancellation',
    ]);
    expect(trained.model?.examples).toBe(TRAINING.length + 1);

    await page.reload();
    const after = page.getByRole('region', { name: 'Intent quality' });
    await after.waitFor();
    expect(await after.getByTestId('intent-no-model').count()).toBe(0);
    expect(await after.locator('.tile').filter({ hasText: 'Model version' }).locator('dd').innerText()).toBe(
      trained.model?.version,
    );
    await after.getByRole('button', { name: 'Retrain now' }).waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
    await ui.shot(page, 'agent-ui-intent-dashboard-trained');
  });

  it('a ticket shows its predicted intent, and an agent confirms it in one click', async () => {
    const model = (await status()).model;
    const ref = await ui.webhookTicket({
      subject: 'Charged twice',
      body: 'Hi, we were charged twice this month, please refund the second payment.',
      requester: { email: 'twice@customer.example' },
    });
    const predicted = await intentOf(ref);
    expect(predicted).toMatchObject({ name: 'billing_dispute', modelVersion: model?.version });

    const page = await ui.newPage();
    await ui.login(page, AGENT);
    await ui.openTicket(page, ref);
    const panel = intentPanel(page);
    await panel.waitFor();
    expect(await panel.getByTestId('intent-predicted').innerText()).toBe(
      `Predicted: Billing dispute · ${Math.round((predicted?.confidence ?? 0) * 100)} % confident`,
    );
    expect(await panel.getByTestId('intent-model').innerText()).toBe(`Model ${model?.version}`);
    const others = predicted?.top.filter((t) => t.name !== 'billing_dispute') ?? [];
    if (others.length) expect(await panel.getByTestId('intent-others').innerText()).toMatch(/^Also likely: /);
    expect(await panel.getByTestId('intent-label').innerText()).toBe('Not confirmed yet.');
    expect(await unlabelledControls(page)).toEqual([]);

    await panel.getByRole('button', { name: 'Confirm' }).click();
    await intentPanel(page)
      .getByTestId('intent-label')
      .filter({ hasText: /^Confirmed by agent@example\.com/ })
      .waitFor();
    await notice(page)
      .filter({ hasText: `Intent of ${ref} confirmed: Billing dispute.` })
      .waitFor();
    // Nothing left to confirm; the correction stays offered.
    expect(await intentPanel(page).getByRole('button', { name: 'Confirm' }).count()).toBe(0);
    expect((await intentOf(ref))?.label).toMatchObject({ name: 'billing_dispute', by: AGENT });
    await ui.shot(page, 'agent-ui-intent-confirmed');
  });

  it('an agent corrects a prediction to another name, and the label counts on the dashboard', async () => {
    const before = await status();
    const ref = await ui.webhookTicket({
      subject: 'Ending our contract',
      body: 'Please cancel our subscription at the end of this month, we are moving to another tool.',
      requester: { email: 'leaving@customer.example' },
    });
    const predicted = await intentOf(ref);
    expect(predicted?.name).toBe('cancellation');

    const page = await ui.newPage();
    await ui.login(page, AGENT);
    await ui.openTicket(page, ref);
    const panel = intentPanel(page);
    await panel.waitFor();
    const choice = panel.getByLabel('Correct to');
    // The prediction itself is not offered as a correction; every request type and the other guesses are.
    const offered = await choice
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).not.toContain('cancellation');
    expect(offered).toEqual(
      expect.arrayContaining(['account_change', 'billing_dispute', 'general_question']),
    );
    await choice.selectOption('account_change');
    await panel.getByRole('button', { name: 'Correct' }).click();
    await intentPanel(page)
      .getByTestId('intent-label')
      .filter({ hasText: /^Corrected to Account change by agent@example\.com/ })
      .waitFor();
    expect((await intentOf(ref))?.label).toMatchObject({ name: 'account_change', by: AGENT });
    // Having corrected it, the agent may still confirm the prediction after all.
    await intentPanel(page).getByRole('button', { name: 'Confirm' }).waitFor();

    const after = await status();
    expect(after.labels).toBe(before.labels + 1);
    expect(after.quality?.perIntent.map((f) => f.intent)).toEqual(expect.arrayContaining(['account_change']));

    const lead = await ui.newPage();
    await ui.login(lead, LEAD);
    await lead.goto(`${ui.runtime.url}/app/#/metrics`);
    const section = lead.getByRole('region', { name: 'Intent quality' });
    const perIntent = section.getByRole('region', { name: 'Per intent' });
    await perIntent.waitFor();
    const header = await perIntent.locator('thead th').allInnerTexts();
    expect(header.slice(0, 4)).toEqual(['Intent', 'Precision (labels)', 'Recall (labels)', 'Labelled']);
    const row = perIntent.getByRole('row', { name: /^Account change/ });
    // Nothing was predicted as account_change, so its recall on the labels is 0.
    expect(await row.locator('td').nth(1).innerText()).toBe('0 %');
    expect(problems()).toEqual([]);
  });

  it('shows the language detected in the first message with the ticket’s details', async () => {
    const ref = await ui.webhookTicket({
      subject: 'Rechnung doppelt bezahlt',
      body: 'Guten Tag, wir haben die Rechnung für diesen Monat zweimal bezahlt. Bitte erstatten Sie uns den doppelten Betrag zurück. Vielen Dank und freundliche Grüße',
      requester: { email: 'kunde@kunde.example' },
    });
    const { ticket } = (await ui.api(AGENT, 'GET', `/v1/tickets/${ref}`)).body as {
      ticket: { language?: string };
    };
    expect(ticket.language).toBe('de');
    const page = await ui.newPage();
    await ui.login(page, AGENT);
    await ui.openTicket(page, ref);
    const details = page.getByRole('region', { name: 'Details' });
    expect(await details.getByTestId('ticket-language').innerText()).toBe('Language: de (German)');
  });
});

/** A labelled history of three intents, eight tickets each (subject: the first sentence). */
const TRAINING: ReadonlyArray<readonly [string, string]> = [
  [
    'Charged twice. Our card was charged twice for the same invoice, please refund one payment.',
    'billing_dispute',
  ],
  [
    'Wrong amount on invoice. The invoice shows a higher amount than our plan, please correct it.',
    'billing_dispute',
  ],
  ['Refund please. We paid for seats we never used and would like a refund.', 'billing_dispute'],
  ['Double payment. The payment went through twice on our credit card.', 'billing_dispute'],
  ['Disputed charge. There is a charge on our statement we do not recognise.', 'billing_dispute'],
  ['Overcharged this month. We were overcharged, the invoice total is wrong.', 'billing_dispute'],
  [
    'Invoice error. Our invoice was charged in the wrong currency, please refund the difference.',
    'billing_dispute',
  ],
  [
    'Billed after downgrade. We were still billed the old price after downgrading, refund the difference please.',
    'billing_dispute',
  ],
  ['Cancel subscription. Please cancel our subscription at the end of the term.', 'cancellation'],
  ['We want to leave. We are ending our contract and want to cancel the plan.', 'cancellation'],
  ['Stop renewal. Do not renew our subscription next year, we cancel.', 'cancellation'],
  ['Close our account. Please cancel the service and close our company account.', 'cancellation'],
  ['Terminate contract. We would like to terminate the contract and cancel all seats.', 'cancellation'],
  ['Cancellation request. Kindly cancel our membership effective immediately.', 'cancellation'],
  ['End the trial. Please cancel before the trial converts to a paid subscription.', 'cancellation'],
  ['Unsubscribe us. We no longer need the product, cancel our subscription please.', 'cancellation'],
  ['Need access. Please give me access to the admin console for our workspace.', 'access_request'],
  ['Permission to the reports. I need permission to open the finance reports.', 'access_request'],
  ['New employee login. Our new colleague needs a login and access to the dashboard.', 'access_request'],
  ['Grant admin rights. Could you grant admin rights to my user?', 'access_request'],
  ['Cannot open project. I have no access to the shared project, please add me.', 'access_request'],
  ['Add user to team. Please add our contractor to the team with read access.', 'access_request'],
  ['Role change for access. I need the editor role to access the settings page.', 'access_request'],
  ['Access to the API keys. Please give our developer access to create API keys.', 'access_request'],
];
