import { describe, expect, it } from 'vitest';
import { parseWorkflowConfig, workflowConfig } from '../../shared/config';
import { refusal, withChange } from './helpers';

const rule = ['integrationRules', 'subscription-cancelled'] as const;
const action = (i: number) => [...rule, 'actions', i] as const;

describe('the default integration rules', () => {
  it('tag the account, mark it cancelled, open a billing ticket and mail when a subscription is cancelled (seed 003)', () => {
    const r = workflowConfig.integrationRules['subscription-cancelled'];
    expect(r?.on).toBe('billing.subscription_cancelled');
    expect(r?.actions.map((a) => a.do)).toEqual([
      'tag_account',
      'update_account',
      'open_ticket',
      'send_mail',
      'link_tickets',
    ]);
    expect(r?.actions[0]).toEqual({ do: 'tag_account', tags: ['subscription-cancelled'] });
    expect(r?.actions[1]).toEqual({ do: 'update_account', status: 'cancelled' });
    expect(r?.actions[2]).toMatchObject({ do: 'open_ticket', requestType: 'cancellation', queue: 'billing' });
  });

  it('mark a failed payment past due and open one urgent engineering ticket for a major incident', () => {
    const paid = workflowConfig.integrationRules['payment-failed'];
    expect(paid?.actions.slice(0, 2)).toEqual([
      { do: 'tag_account', tags: ['payment-failed'] },
      { do: 'update_account', status: 'past_due' },
    ]);
    const incident = workflowConfig.integrationRules['major-incident'];
    expect(incident?.actions[0]).toMatchObject({
      do: 'open_ticket',
      kind: 'incident',
      queue: 'engineering',
      priority: 'urgent',
    });
    expect(incident?.actions[1]).toEqual({
      do: 'link_tickets',
      with: 'affected_accounts',
      relation: 'affects',
      limit: 25,
    });
  });

  it('give the billing and product sources the event types they may post, and the demo source none', () => {
    expect(workflowConfig.webhookSources.billing?.emits).toEqual([
      'billing.subscription_cancelled',
      'billing.payment_failed',
    ]);
    expect(workflowConfig.webhookSources.product?.emits).toEqual(['product.incident_opened']);
    expect(workflowConfig.webhookSources.demo?.emits).toBeUndefined();
  });
});

describe('a bad integration rule', () => {
  it('is refused when it listens for an event type the catalog does not have', () => {
    const error = refusal(withChange([...rule, 'on'], 'billing.subscription_canceled'));
    expect(error.issues.map((i) => i.path)).toEqual(['integrationRules.subscription-cancelled.on']);
  });

  it('is refused when it opens a ticket of an unknown request type or in an unknown queue', () => {
    const error = refusal(withChange([...action(2), 'requestType'], 'churn'));
    expect(error.issues).toContainEqual({
      path: 'integrationRules.subscription-cancelled.actions[2].requestType',
      message: expect.stringContaining('unknown request type "churn"; known: billing_dispute'),
    });
    const queue = refusal(withChange([...action(2), 'queue'], 'retention'));
    expect(queue.issues).toEqual([
      {
        path: 'integrationRules.subscription-cancelled.actions[2].queue',
        message: expect.stringContaining('unknown queue "retention"'),
      },
    ]);
  });

  it('is refused when a placeholder names a field the event does not carry', () => {
    const error = refusal(withChange([...action(2), 'subject'], 'Cancelled: {{detail.invoiceId}}'));
    expect(error.issues).toEqual([
      {
        path: 'integrationRules.subscription-cancelled.actions[2].subject',
        message: expect.stringMatching(
          /^billing\.subscription_cancelled has no field "detail\.invoiceId"; it has: detail\.accountId, detail\.subscriptionId/,
        ),
      },
    ]);
  });

  it('is refused when a placeholder names an object, or is not a detail placeholder', () => {
    const object = refusal(withChange([...action(3), 'text'], 'Hello {{detail.contact}}'));
    expect(object.issues).toEqual([
      {
        path: 'integrationRules.subscription-cancelled.actions[3].text',
        message:
          'detail.contact is an object; name one of its fields: detail.contact.email, detail.contact.name',
      },
    ]);
    const other = refusal(withChange([...action(3), 'text'], 'Hello {{requesterName}}'));
    expect(other.issues[0]?.message).toBe('unknown placeholder {{requesterName}}; use {{detail.<field>}}');
  });

  it('is refused when a condition looks at a detail field the event lacks', () => {
    const error = refusal(withChange([...rule, 'when'], [{ field: 'detail.plan.name', op: 'exists' }]));
    expect(error.issues.map((i) => i.path)).toEqual([
      'integrationRules.subscription-cancelled.when[0].field',
    ]);
  });

  it('is refused when it mails or links before (or without) opening a ticket', () => {
    const actions = structuredClone(workflowConfig.integrationRules['subscription-cancelled']?.actions ?? []);
    const [tag, status, open, mail, link] = actions;
    const error = refusal(withChange([...rule, 'actions'], [tag, status, mail, link, open]));
    expect(error.issues).toEqual([
      {
        path: 'integrationRules.subscription-cancelled.actions[2].do',
        message: 'send_mail mails the requester of the ticket this rule opens: open_ticket first',
      },
      {
        path: 'integrationRules.subscription-cancelled.actions[3].do',
        message: 'link_tickets links the ticket this rule opens: open_ticket first',
      },
    ]);
  });

  it('is refused when it leaves a required field of the request type unfilled (the customer would be asked for it)', () => {
    const error = refusal(
      withChange(['integrationRules', 'payment-failed', 'actions', 2, 'requestType'], 'billing_dispute'),
    );
    expect(error.issues).toContainEqual({
      path: 'integrationRules.payment-failed.actions[2].fields',
      message: 'request type billing_dispute requires invoiceId, customerId; fill them from the event',
    });
    expect(error.issues).toContainEqual({
      path: 'integrationRules.payment-failed.actions[2].fields.change',
      message: expect.stringContaining('request type billing_dispute has no field "change"'),
    });
  });

  it('is refused when an event without an account tags one, or one without a contact names no requester', () => {
    const incident = ['integrationRules', 'major-incident'] as const;
    const tagged = refusal(
      withChange(
        [...incident, 'actions'],
        [
          { do: 'tag_account', tags: ['incident'] },
          ...(workflowConfig.integrationRules['major-incident']?.actions ?? []),
        ],
      ),
    );
    expect(tagged.issues).toEqual([
      {
        path: 'integrationRules.major-incident.actions[0].do',
        message: 'product.incident_opened names no account to tag account',
      },
    ]);
    const nobody = refusal(withChange([...incident, 'actions', 0, 'requester'], undefined));
    expect(nobody.issues.map((i) => i.path)).toEqual([
      'integrationRules.major-incident.actions[0].requester',
    ]);
  });

  it('is refused when it links affected accounts for an event that lists none', () => {
    const error = refusal(withChange([...action(4), 'with'], 'affected_accounts'));
    expect(error.issues).toEqual([
      {
        path: 'integrationRules.subscription-cancelled.actions[4].with',
        message: 'billing.subscription_cancelled lists no affected accounts (detail.accountIds)',
      },
    ]);
  });

  it('is refused when a webhook source may emit an event type that does not exist', () => {
    const error = refusal(withChange(['webhookSources', 'billing', 'emits'], ['billing.refunded']));
    expect(error.issues.map((i) => i.path)).toEqual(['webhookSources.billing.emits[0]']);
  });

  it('is accepted without any integration rules', () => {
    expect(parseWorkflowConfig(withChange(['integrationRules'], undefined)).integrationRules).toEqual({});
  });
});
