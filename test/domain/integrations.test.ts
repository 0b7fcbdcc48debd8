import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import type { IntegrationRule } from '../../shared/config/integrations';
import type { Account, AuditEvent } from '../../shared/domain';
import { businessKeyOf, detailFields, type ExternalEvent } from '../../shared/domain/external-events';
import {
  changeAccount,
  linkTicket,
  matchingRules,
  openProactiveTicket,
  parseExternalEvent,
  planRule,
  proactiveMail,
  renderEventTemplate,
} from '../../shared/domain/integrations';
import { aTicket, ids, T0 } from './builders';

const cancelled = {
  accountId: 'acct-smallshop',
  subscriptionId: 'sub-42',
  plan: 'Team',
  cancelledAt: '2026-01-05T10:00:00Z',
  contact: { email: 'Owner@SmallShop.example', name: 'Sam' },
};
const incident = {
  incidentId: 'inc-7',
  title: 'Checkout errors',
  severity: 'sev1',
  startedAt: '2026-01-05T10:00:00Z',
  components: ['checkout', 'payments'],
  accountIds: ['acct-bigcorp', 'acct-smallshop'],
};

function event(type: string, detail: unknown): ExternalEvent {
  const parsed = parseExternalEvent({ type, detail });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.event;
}

const smallshop: Account = {
  id: 'acct-smallshop',
  name: 'Small Shop',
  tier: 'smb',
  status: 'active',
  domains: ['smallshop.example'],
};

const rule = (id: string): IntegrationRule => {
  const r = workflowConfig.integrationRules[id];
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};

describe('parseExternalEvent', () => {
  it('accepts an event of the catalog and normalises its detail (addresses lower-cased, defaults filled)', () => {
    const parsed = parseExternalEvent({ type: 'billing.subscription_cancelled', detail: cancelled });
    expect(parsed).toMatchObject({
      ok: true,
      event: { detail: { contact: { email: 'owner@smallshop.example' } } },
    });
    const { accountIds: _, ...withoutAccounts } = incident;
    expect(event('product.incident_opened', withoutAccounts).detail).toMatchObject({ accountIds: [] });
  });

  it('names an unknown type and lists the known ones', () => {
    expect(parseExternalEvent({ type: 'billing.refunded', detail: {} })).toEqual({
      ok: false,
      issues: [
        {
          path: 'type',
          message:
            'unknown event type "billing.refunded"; known: billing.subscription_cancelled, billing.payment_failed, product.incident_opened',
        },
      ],
    });
  });

  it('names each bad field of the detail by its path', () => {
    const parsed = parseExternalEvent({
      type: 'product.incident_opened',
      detail: { ...incident, severity: 'major', components: ['checkout', ''], contact: undefined },
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual([
      'detail.severity',
      'detail.components[1]',
    ]);
  });
});

describe('the business key of a fact', () => {
  it('is the same however often the fact is reported, and differs for a new fact', () => {
    const once = event('billing.subscription_cancelled', cancelled);
    const twice = event('billing.subscription_cancelled', { ...cancelled, reason: 'said again' });
    expect(businessKeyOf(once)).toBe('sub-42@2026-01-05T10:00:00Z');
    expect(businessKeyOf(twice)).toBe(businessKeyOf(once));
    const again = event('billing.subscription_cancelled', {
      ...cancelled,
      cancelledAt: '2026-03-01T00:00:00Z',
    });
    expect(businessKeyOf(again)).not.toBe(businessKeyOf(once));
  });

  it('tells payment attempts apart and identifies an incident by its id', () => {
    const payment = (attempt: number) =>
      event('billing.payment_failed', {
        accountId: 'a',
        invoiceId: 'INV-9',
        amount: { value: 10, currency: 'EUR' },
        attempt,
        failedAt: '2026-01-05T10:00:00Z',
        contact: { email: 'a@b.example' },
      });
    expect(businessKeyOf(payment(1))).toBe('INV-9#1');
    expect(businessKeyOf(payment(2))).toBe('INV-9#2');
    expect(businessKeyOf(event('product.incident_opened', incident))).toBe('inc-7');
  });
});

describe('detailFields', () => {
  it('lists every path of an event type’s detail with what it leads to', () => {
    const fields = detailFields('billing.payment_failed');
    expect(fields.get('amount')).toBe('object');
    expect(fields.get('amount.currency')).toBe('value');
    expect(fields.get('contact.name')).toBe('value');
    expect(detailFields('product.incident_opened').get('accountIds')).toBe('list');
  });
});

describe('matchingRules', () => {
  it('matches a sev1 incident to the major-incident rule and ignores a sev3', () => {
    const sev1 = event('product.incident_opened', incident);
    expect(matchingRules(workflowConfig, sev1, undefined).map((r) => r.id)).toEqual(['major-incident']);
    const sev3 = event('product.incident_opened', { ...incident, severity: 'sev3' });
    expect(matchingRules(workflowConfig, sev3, undefined)).toEqual([]);
  });

  it('holds an account condition only for an account the directory knows', () => {
    const config = {
      integrationRules: {
        'smb-only': {
          ...rule('subscription-cancelled'),
          when: [{ field: 'account.tier' as const, op: 'equals' as const, value: 'SMB' }],
        },
      },
    };
    const e = event('billing.subscription_cancelled', cancelled);
    expect(matchingRules(config, e, smallshop).map((r) => r.id)).toEqual(['smb-only']);
    expect(matchingRules(config, e, { ...smallshop, tier: 'enterprise' })).toEqual([]);
    expect(matchingRules(config, e, undefined)).toEqual([]);
  });
});

describe('renderEventTemplate', () => {
  it('prints values, lists comma-separated and absent optional fields as nothing', () => {
    const e = event('product.incident_opened', incident);
    expect(
      renderEventTemplate('{{ detail.title }} on {{detail.components}}{{detail.statusPageUrl}}', e),
    ).toBe('Checkout errors on checkout, payments');
  });
});

describe('planRule', () => {
  it('plans the subscription-cancelled rule: one account change, the ticket keyed by rule and fact, the mail', () => {
    const e = event('billing.subscription_cancelled', cancelled);
    const plan = planRule({
      ruleId: 'subscription-cancelled',
      rule: rule('subscription-cancelled'),
      event: e,
      config: workflowConfig,
    });
    expect(plan.cause).toBe('subscription-cancelled:sub-42@2026-01-05T10:00:00Z');
    expect(plan.account).toEqual({
      id: 'acct-smallshop',
      change: { addTags: ['subscription-cancelled'], status: 'cancelled' },
    });
    expect(plan.ticket?.dedupe).toEqual({ channel: 'integration', key: plan.cause });
    expect(plan.ticket?.draft).toMatchObject({
      channel: 'event',
      source: 'billing.subscription_cancelled',
      subject: 'Subscription sub-42 cancelled',
      requester: { email: 'owner@smallshop.example', name: 'Sam', accountId: 'acct-smallshop' },
      account: { id: 'acct-smallshop' },
      requestType: 'cancellation',
      tags: ['churn-risk', 'proactive'],
      fields: { reason: '' },
    });
    expect(plan.ticket?.queue).toBe('billing');
    expect(plan.mail?.text).toContain('your subscription sub-42 was cancelled');
    expect(plan.links).toEqual({ with: 'requester', relation: 'related', limit: 25, accountIds: [] });
  });

  it('plans an incident ticket for the configured requester, with the affected accounts to link', () => {
    const e = event('product.incident_opened', incident);
    const plan = planRule({
      ruleId: 'major-incident',
      rule: rule('major-incident'),
      event: e,
      config: workflowConfig,
    });
    expect(plan.account).toBeUndefined();
    expect(plan.ticket?.draft.requester).toEqual({
      email: 'incidents@example.com',
      name: 'Product incidents',
    });
    expect(plan.ticket?.draft.fields).toEqual({
      reproductionSteps: 'Incident inc-7 (sev1): Checkout errors',
      environment: 'Components: checkout, payments',
    });
    expect(plan.links?.accountIds).toEqual(['acct-bigcorp', 'acct-smallshop']);
  });
});

describe('changeAccount', () => {
  it('adds tags as a set and sets the status', () => {
    const changed = changeAccount(
      { ...smallshop, tags: ['vip'] },
      { addTags: ['vip', 'subscription-cancelled'], status: 'cancelled' },
    );
    expect(changed?.account).toMatchObject({ tags: ['vip', 'subscription-cancelled'], status: 'cancelled' });
    expect(changed?.before).toEqual({ status: 'active', tags: ['vip'] });
  });

  it('changes nothing when the change is already true of the account', () => {
    const already: Account = { ...smallshop, status: 'cancelled', tags: ['subscription-cancelled'] };
    expect(
      changeAccount(already, { addTags: ['subscription-cancelled'], status: 'cancelled' }),
    ).toBeUndefined();
  });
});

describe('openProactiveTicket', () => {
  const e = event('product.incident_opened', incident);
  const plan = planRule({
    ruleId: 'major-incident',
    rule: rule('major-incident'),
    event: e,
    config: workflowConfig,
  });
  const ticketPlan = plan.ticket;
  if (!ticketPlan) throw new Error('no ticket planned');
  const opened = openProactiveTicket(ticketPlan, {
    config: workflowConfig,
    now: T0,
    reference: 'FD-9',
    newId: ids(),
    actor: plan.actor,
    ruleId: 'major-incident',
  });
  if (!opened.ok) throw opened.error;

  it('gives the rule’s priority and queue precedence over triage, and the SLA follows the final priority', () => {
    expect(opened.ticket).toMatchObject({
      channel: 'event',
      source: 'product.incident_opened',
      requestType: 'bug_report',
      priority: 'urgent',
      queue: 'engineering',
      state: 'new',
      missingFields: [],
      slaPolicy: 'standard/urgent',
    });
    const triaged = opened.audit.find((a) => a.action === 'ticket.triaged');
    expect(triaged?.after).toMatchObject({
      priority: 'urgent',
      queue: 'engineering',
      slaPolicy: 'standard/urgent',
      matchedRules: expect.arrayContaining(['integration:major-incident']),
    });
    expect(opened.events).toEqual([
      expect.objectContaining({
        type: 'ticket.created',
        detail: expect.objectContaining({ priority: 'urgent', version: 1 }),
      }),
    ]);
  });

  it('records the other system’s report as an internal message by the integration, not as the customer’s words', () => {
    expect(opened.message).toMatchObject({
      direction: 'inbound',
      visibility: 'internal',
      channel: 'event',
      author: { kind: 'integration', name: 'product.incident_opened' },
    });
    expect(opened.message.body).toContain('incidentId: inc-7');
    expect(opened.audit[0]?.actor).toEqual({ kind: 'integration', id: 'integration:major-incident' });
  });
});

describe('proactiveMail', () => {
  const ticket = aTicket({ channel: 'event', requester: { email: 'owner@smallshop.example' }, auditSeq: 2 });
  const input = {
    text: 'We saw you cancelled.',
    cause: 'subscription-cancelled:sub-42@x',
    actor: { kind: 'integration' as const, id: 'integration:subscription-cancelled' },
    now: T0,
    newId: ids(),
  };

  it('writes an outbound public message by the integration and asks the notifier to deliver it', () => {
    const mail = proactiveMail({ ticket, audit: [] }, input);
    if (mail.kind !== 'written') throw new Error(mail.kind);
    expect(mail.ticket).toMatchObject({ version: 2, auditSeq: 3 });
    expect(mail.message).toMatchObject({
      direction: 'outbound',
      visibility: 'public',
      author: { kind: 'integration' },
      body: 'We saw you cancelled.',
      to: ['owner@smallshop.example'],
    });
    expect(mail.event.detail).toMatchObject({
      deliver: true,
      authorKind: 'integration',
      version: 2,
      direction: 'outbound',
    });
    expect(mail.audit[0]?.after).toMatchObject({ cause: input.cause, version: 2 });
  });

  it('finds the mail this rule already wrote for the fact, and whether the notifier sent it', () => {
    const first = proactiveMail({ ticket, audit: [] }, input);
    if (first.kind !== 'written') throw new Error(first.kind);
    const audit: AuditEvent[] = [...first.audit];
    const again = proactiveMail({ ticket: first.ticket, audit }, input);
    expect(again).toEqual({
      kind: 'exists',
      messageId: first.message.id,
      version: 2,
      at: T0.toISOString(),
      mailed: false,
    });
    audit.push({
      ...first.audit[0],
      action: 'mail.sent',
      seq: 4,
      after: { cause: 'ticket.message_added@2' },
    } as AuditEvent);
    expect(proactiveMail({ ticket: first.ticket, audit }, input)).toMatchObject({
      kind: 'exists',
      mailed: true,
    });
  });
});

describe('linkTicket', () => {
  const a = aTicket({ reference: 'FD-1' });
  const b = aTicket({ id: ids()(), reference: 'FD-2' });
  const input = {
    relation: 'related' as const,
    by: 'integration:major-incident',
    cause: 'major-incident:inc-7',
    actor: { kind: 'integration' as const, id: 'integration:major-incident' },
    now: T0,
    newId: ids(),
  };

  it('links once: a link the ticket already has is not added again, and no revision is made for nothing', () => {
    const linked = linkTicket(a, [b, b, a], input);
    expect(linked?.ticket.links).toEqual([
      { ticketId: b.id, reference: 'FD-2', relation: 'related', by: input.by, at: T0.toISOString() },
    ]);
    expect(linked?.ticket.version).toBe(a.version + 1);
    expect(linked?.audit.map((x) => [x.action, x.seq])).toEqual([['ticket.linked', a.auditSeq + 1]]);
    expect(linked && linkTicket(linked.ticket, [b], input)).toBeUndefined();
  });
});
