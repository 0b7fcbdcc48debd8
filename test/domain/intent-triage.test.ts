// biome-ignore-all lint/suspicious/noThenProperty: triage rules are written `when`/`then`; `then` is a plain object, never a thenable.
import { describe, expect, it } from 'vitest';
import { type Condition, type WorkflowConfigInput, workflowConfig } from '../../shared/config';
import {
  approvalPolicyFor,
  firstFailedCondition,
  openTicket,
  type PredictedIntent,
  type TriageInput,
  triage,
} from '../../shared/domain';
import { aDraft, aTicket, configWithRules, ids, T0 } from './builders';

// Issue 19: the learned intent and the detected language at intake. A confident prediction names the
// request type when the sender did not; below the config's floor the keyword rules decide exactly as before.

const input = (overrides: Partial<TriageInput> = {}): TriageInput => ({
  channel: 'webhook',
  source: 'demo',
  subject: 'Hello',
  body: '',
  fields: {},
  requester: { email: 'dana@bigcorp.example' },
  tags: [],
  ...overrides,
});

const predicted = (
  name: string,
  confidence: number,
  modelVersion = 'intent-20261206T093000Z',
): PredictedIntent => ({
  name,
  confidence,
  top: [{ name, confidence }],
  modelVersion,
});

const defaultRules = () => structuredClone(workflowConfig.triageRules) as WorkflowConfigInput['triageRules'];

describe('the request type from a predicted intent', () => {
  it('is the intent’s request type when the model is sure enough, ahead of the keyword rules', () => {
    // "Refund" in the subject makes the keyword rule say billing_dispute; the confident model says bug_report.
    const result = triage(
      input({ subject: 'Refund please', intent: predicted('bug_report', 0.93) }),
      workflowConfig,
    );
    expect(result).toMatchObject({ requestType: 'bug_report', requestTypeBy: 'intent' });
    expect(result.matchedRules).toContain('billing-keywords');
  });

  it('counts a prediction exactly at minConfidence, not one just below it', () => {
    const floor = workflowConfig.intent.minConfidence;
    const at = triage(
      input({ subject: 'Refund please', intent: predicted('bug_report', floor) }),
      workflowConfig,
    );
    expect(at).toMatchObject({ requestType: 'bug_report', requestTypeBy: 'intent' });
    const below = triage(
      input({ subject: 'Refund please', intent: predicted('bug_report', floor - 0.01) }),
      workflowConfig,
    );
    expect(below).toMatchObject({ requestType: 'billing_dispute', requestTypeBy: 'rule' });
  });

  it('leaves an unsure prediction to the rules, then the default', () => {
    const unsure = predicted('bug_report', 0.4);
    expect(triage(input({ subject: 'Please cancel my plan', intent: unsure }), workflowConfig)).toMatchObject(
      {
        requestType: 'cancellation',
        requestTypeBy: 'rule',
      },
    );
    expect(triage(input({ subject: 'Hello there', intent: unsure }), workflowConfig)).toMatchObject({
      requestType: workflowConfig.defaultRequestType,
      requestTypeBy: 'default',
    });
  });

  it('never overrides the request type the sender gave', () => {
    const result = triage(
      input({ subject: 'Hello', requestType: 'access_request', intent: predicted('bug_report', 0.99) }),
      workflowConfig,
    );
    expect(result).toMatchObject({ requestType: 'access_request', requestTypeBy: 'sender' });
  });

  it('still refuses an unknown request type from the sender, and then takes the confident intent', () => {
    const result = triage(
      input({ requestType: 'no_such_type', intent: predicted('cancellation', 0.95) }),
      workflowConfig,
    );
    expect(result.invalidFields.map((i) => i.path)).toEqual(['requestType']);
    expect(result).toMatchObject({ requestType: 'cancellation', requestTypeBy: 'intent' });
  });

  it("comes before the webhook source's default, which still applies below the floor", () => {
    const config = configWithRules([], {
      webhookSources: {
        crm: {
          description: 'CRM',
          secretName: 'frontdoor/webhooks/crm',
          defaultRequestType: 'account_change',
        },
      },
    });
    expect(triage(input({ source: 'crm', intent: predicted('bug_report', 0.9) }), config)).toMatchObject({
      requestType: 'bug_report',
      requestTypeBy: 'intent',
    });
    expect(triage(input({ source: 'crm', intent: predicted('bug_report', 0.5) }), config)).toMatchObject({
      requestType: 'account_change',
      requestTypeBy: 'source',
    });
  });

  it('sets no request type for an intent that names none and has no mapping', () => {
    const result = triage(
      input({ subject: 'Refund please', intent: predicted('card_arrival', 0.99) }),
      workflowConfig,
    );
    expect(result).toMatchObject({ requestType: 'billing_dispute', requestTypeBy: 'rule' });
    const plain = triage(input({ subject: 'Hi', intent: predicted('card_arrival', 0.99) }), workflowConfig);
    expect(plain).toMatchObject({ requestType: 'general_question', requestTypeBy: 'default' });
  });

  it('follows intent.requestTypes for intents named otherwise, even over a same-named request type', () => {
    const config = configWithRules(defaultRules(), {
      intent: { requestTypes: { card_arrival: 'account_change', bug_report: 'general_question' } },
    });
    expect(triage(input({ intent: predicted('card_arrival', 0.9) }), config)).toMatchObject({
      requestType: 'account_change',
      requestTypeBy: 'intent',
    });
    expect(triage(input({ intent: predicted('bug_report', 0.9) }), config)).toMatchObject({
      requestType: 'general_question',
      requestTypeBy: 'intent',
    });
    // Unmapped intents named like a request type still mean that one.
    expect(triage(input({ intent: predicted('cancellation', 0.9) }), config).requestType).toBe(
      'cancellation',
    );
  });

  it("uses the config's minConfidence, not a fixed one", () => {
    const lenient = configWithRules(defaultRules(), { intent: { minConfidence: 0.5 } });
    const strict = configWithRules(defaultRules(), { intent: { minConfidence: 0.95 } });
    const p = predicted('bug_report', 0.6);
    expect(triage(input({ subject: 'Refund please', intent: p }), lenient)).toMatchObject({
      requestType: 'bug_report',
      requestTypeBy: 'intent',
    });
    expect(
      triage(input({ subject: 'Refund please', intent: predicted('bug_report', 0.9) }), strict),
    ).toMatchObject({ requestType: 'billing_dispute', requestTypeBy: 'rule' });
  });

  it('gives a below-floor prediction exactly the outcome of no prediction (default rules)', () => {
    const cases: Partial<TriageInput>[] = [
      { subject: 'Question about invoice INV-1', account: { id: 'a', tier: 'enterprise' } },
      { subject: 'The site is down', account: { id: 'a', tier: 'enterprise' } },
      { subject: 'Please cancel my plan' },
      { subject: 'Hello', requestType: 'bug_report' },
    ];
    for (const c of cases) {
      const without = triage(input(c), workflowConfig);
      const unsure = triage(input({ ...c, intent: predicted('access_request', 0.79) }), workflowConfig);
      expect(unsure, c.subject).toEqual(without);
    }
  });
});

describe('conditions on intent', () => {
  const intentRule = (condition: Record<string, unknown>) =>
    configWithRules([
      {
        id: 'refund-intent',
        description: 'Refund requests are tagged',
        when: { all: [{ field: 'intent', ...condition } as Condition] },
        then: { tags: ['refund-intent'] },
      },
    ]);
  const tagged = (config: ReturnType<typeof intentRule>, intent?: PredictedIntent) =>
    triage(input(intent ? { intent } : {}), config).tags.includes('refund-intent');

  it("hold at or above the config's floor without their own minConfidence", () => {
    const config = intentRule({ op: 'equals', value: 'refund_request' });
    expect(tagged(config, predicted('refund_request', 0.8))).toBe(true);
    expect(tagged(config, predicted('refund_request', 0.79))).toBe(false);
    expect(tagged(config, predicted('card_arrival', 0.99))).toBe(false);
    expect(tagged(config)).toBe(false);
  });

  it('take their own minConfidence over the config’s, in both directions', () => {
    const lenient = intentRule({ op: 'equals', value: 'refund_request', minConfidence: 0.5 });
    expect(tagged(lenient, predicted('refund_request', 0.6))).toBe(true);
    expect(tagged(lenient, predicted('refund_request', 0.49))).toBe(false);
    const strict = intentRule({ op: 'equals', value: 'refund_request', minConfidence: 0.95 });
    expect(tagged(strict, predicted('refund_request', 0.9))).toBe(false);
    expect(tagged(strict, predicted('refund_request', 0.95))).toBe(true);
  });

  it('see a prediction below the floor as no intent at all (`exists`, `in`)', () => {
    const exists = intentRule({ op: 'exists', minConfidence: 0.7 });
    expect(tagged(exists, predicted('anything', 0.7))).toBe(true);
    expect(tagged(exists, predicted('anything', 0.69))).toBe(false);
    expect(tagged(exists)).toBe(false);
    const among = intentRule({ op: 'in', value: ['refund_request', 'card_arrival'] });
    expect(tagged(among, predicted('card_arrival', 0.9))).toBe(true);
    expect(tagged(among, predicted('password_reset', 0.9))).toBe(false);
  });

  it('can name the request type through a rule when the prediction clears only the rule’s floor', () => {
    const config = configWithRules([
      {
        id: 'refund-intent-is-billing',
        description: 'A fairly sure refund intent is a billing dispute',
        when: { all: [{ field: 'intent', op: 'equals', value: 'refund_request', minConfidence: 0.5 }] },
        then: { requestType: 'billing_dispute' },
      },
    ]);
    expect(triage(input({ intent: predicted('refund_request', 0.6) }), config)).toMatchObject({
      requestType: 'billing_dispute',
      requestTypeBy: 'rule',
    });
    expect(triage(input({ intent: predicted('refund_request', 0.4) }), config)).toMatchObject({
      requestType: 'general_question',
      requestTypeBy: 'default',
    });
  });

  it('apply in routing rules too', () => {
    const config = configWithRules([], {
      routingRules: [
        {
          id: 'refunds-to-billing',
          description: 'refund intents are billing’s',
          when: { all: [{ field: 'intent', op: 'equals', value: 'refund_request' }] },
          then: { queue: 'billing' },
        },
      ],
    });
    expect(triage(input({ intent: predicted('refund_request', 0.9) }), config).queue).toBe('billing');
    expect(triage(input({ intent: predicted('refund_request', 0.3) }), config).queue).toBe(
      workflowConfig.requestTypes.general_question?.defaultQueue,
    );
  });
});

describe('conditions on language', () => {
  const config = configWithRules([
    {
      id: 'german-speakers',
      description: 'German requests are tagged for the DACH team',
      when: { all: [{ field: 'language', op: 'equals', value: 'de' }] },
      then: { tags: ['dach'] },
    },
    {
      id: 'known-language',
      description: 'Requests with a detected language',
      when: { all: [{ field: 'language', op: 'exists' }] },
      then: { tags: ['has-language'] },
    },
  ]);

  it('match the detected language, case-insensitively, and nothing when none was detected', () => {
    expect(triage(input({ language: 'de' }), config).tags).toEqual(['dach', 'has-language']);
    expect(triage(input({ language: 'DE' }), config).tags).toEqual(['dach', 'has-language']);
    expect(triage(input({ language: 'fr' }), config).tags).toEqual(['has-language']);
    expect(triage(input(), config).tags).toEqual([]);
  });
});

describe('conditions on an existing ticket (firstFailedCondition)', () => {
  const refund: Condition = { field: 'intent', op: 'equals', value: 'refund_request' };
  const label = (name: string) => ({ name, by: 'agent@example.com', at: T0.toISOString() });

  it('reads the prediction at the given floor', () => {
    const ticket = aTicket({ intent: { predicted: predicted('refund_request', 0.6) } });
    expect(firstFailedCondition([refund], ticket)).toEqual(refund);
    expect(firstFailedCondition([refund], ticket, 0.5)).toBeUndefined();
    expect(firstFailedCondition([{ ...refund, minConfidence: 0.6 }], ticket)).toBeUndefined();
  });

  it("takes the agent's label over the prediction, as certain", () => {
    const ticket = aTicket({
      intent: { predicted: predicted('card_arrival', 0.99), label: label('refund_request') },
    });
    expect(firstFailedCondition([refund], ticket)).toBeUndefined();
    expect(firstFailedCondition([{ ...refund, minConfidence: 1 }], ticket)).toBeUndefined();
    const card: Condition = { field: 'intent', op: 'equals', value: 'card_arrival' };
    expect(firstFailedCondition([card], ticket)).toEqual(card);
  });

  it('holds a label even without any prediction', () => {
    const ticket = aTicket({ intent: { label: label('refund_request') } });
    expect(firstFailedCondition([refund], ticket, 0.99)).toBeUndefined();
  });

  it('reads the ticket’s language, and fails on a ticket without one', () => {
    const german: Condition = { field: 'language', op: 'equals', value: 'de' };
    expect(firstFailedCondition([german], aTicket({ language: 'de' }))).toBeUndefined();
    expect(firstFailedCondition([german], aTicket({ language: 'fr' }))).toEqual(german);
    expect(firstFailedCondition([german], aTicket())).toEqual(german);
    expect(firstFailedCondition([refund], aTicket())).toEqual(refund);
  });
});

describe('the config’s intent floor in every rule that reads a ticket', () => {
  const refund: Condition = { field: 'intent', op: 'equals', value: 'refund_request' };
  const ticket = aTicket({ intent: { predicted: predicted('refund_request', 0.6) } });
  const withFloor = (minConfidence: number) => {
    const base = structuredClone(workflowConfig) as unknown as WorkflowConfigInput;
    const credits = base.approvalPolicies?.['finance-credits'];
    if (!credits) throw new Error('the default workflow lost finance-credits');
    return configWithRules(defaultRules(), {
      intent: { minConfidence },
      approvalPolicies: { 'refund-intent-credits': { ...credits, when: [refund] } },
    });
  };

  it('lets an approval policy’s `when` hold at the configured floor, not at the default one', () => {
    const request = { kind: 'credit' as const, amount: { value: 900, currency: 'EUR' as const } };
    expect(approvalPolicyFor(request, ticket, withFloor(0.5))).toMatchObject({
      required: true,
      id: 'refund-intent-credits',
    });
    // The only policy for credits (the test's config) does not hold below the floor: nothing to approve.
    expect(approvalPolicyFor(request, ticket, withFloor(0.7))).toMatchObject({ required: false, id: 'none' });
  });
});

describe('opening a ticket with an intent and a language', () => {
  const open = (overrides: Parameters<typeof aDraft>[0]) => {
    const result = openTicket(aDraft(overrides), {
      config: workflowConfig,
      now: T0,
      reference: 'FD-19',
      newId: ids(),
      actor: { kind: 'integration', id: 'webhook:demo' },
    });
    if (!result.ok) throw result.error;
    return result;
  };

  it('keeps the prediction and the language on the ticket, and the triage entry says what decided', () => {
    const p = predicted('bug_report', 0.91, 'intent-20261206T093000Z');
    p.top.push({ name: 'billing_dispute', confidence: 0.05 });
    const { ticket, audit } = open({
      requestType: undefined,
      subject: 'Export fails with an error',
      fields: {},
      intent: p,
      language: 'de',
    });
    expect(ticket.requestType).toBe('bug_report');
    expect(ticket.intent).toEqual({ predicted: p });
    expect(ticket.language).toBe('de');
    const triaged = audit.find((a) => a.action === 'ticket.triaged');
    expect(triaged?.after).toMatchObject({
      requestType: 'bug_report',
      requestTypeBy: 'intent',
      intent: { name: 'bug_report', confidence: 0.91, modelVersion: 'intent-20261206T093000Z' },
      language: 'de',
    });
    // The audit carries the decision, not the whole top three.
    const audited = (triaged?.after ?? {}) as { intent?: object };
    expect(Object.keys(audited.intent ?? {}).sort()).toEqual(['confidence', 'modelVersion', 'name']);
  });

  it('records an unsure prediction too, while the rules decide', () => {
    const { ticket, audit } = open({
      requestType: undefined,
      subject: 'Refund for invoice INV-7',
      intent: predicted('bug_report', 0.3, 'intent-v2'),
    });
    expect(ticket.requestType).toBe('billing_dispute');
    expect(ticket.intent?.predicted?.name).toBe('bug_report');
    expect(audit.find((a) => a.action === 'ticket.triaged')?.after).toMatchObject({
      requestType: 'billing_dispute',
      requestTypeBy: 'rule',
      intent: { name: 'bug_report', confidence: 0.3, modelVersion: 'intent-v2' },
    });
  });

  it('without intent or language: no intent, no language, on the ticket or in the audit', () => {
    const { ticket, audit } = open({});
    expect(ticket).not.toHaveProperty('intent');
    expect(ticket).not.toHaveProperty('language');
    const after = audit.find((a) => a.action === 'ticket.triaged')?.after ?? {};
    expect(after).not.toHaveProperty('intent');
    expect(after).not.toHaveProperty('language');
    expect(after).toMatchObject({ requestType: 'billing_dispute', requestTypeBy: 'sender' });
  });
});
