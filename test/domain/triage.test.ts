// biome-ignore-all lint/suspicious/noThenProperty: triage rules are written `when`/`then`; `then` is a plain object, never a thenable.
import { describe, expect, it } from 'vitest';
import { workflowConfig } from '../../shared/config';
import { type TriageInput, triage } from '../../shared/domain';
import { configWithRules } from './builders';

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

describe('the seed triage rule', () => {
  it('sends an enterprise invoice question to billing at high priority', () => {
    const result = triage(
      input({ subject: 'Question about invoice INV-1', account: { id: 'acct-1', tier: 'enterprise' } }),
      workflowConfig,
    );
    expect(result).toMatchObject({ priority: 'high', queue: 'billing' });
    expect(result.matchedRules).toContain('enterprise-invoice');
  });

  it('does not fire for an smb account', () => {
    const result = triage(
      input({ subject: 'Question about invoice INV-1', account: { id: 'acct-2', tier: 'smb' } }),
      workflowConfig,
    );
    expect(result.matchedRules).not.toContain('enterprise-invoice');
    expect(result.priority).toBe('normal');
  });

  it('routes by the rule even when the sender chose another request type', () => {
    const subject = 'Question about invoice INV-1';
    const smb = triage(
      input({ subject, requestType: 'general_question', account: { id: 'a', tier: 'smb' } }),
      workflowConfig,
    );
    const ent = triage(
      input({ subject, requestType: 'general_question', account: { id: 'a', tier: 'Enterprise' } }),
      workflowConfig,
    );
    expect(smb).toMatchObject({ requestType: 'general_question', priority: 'normal', queue: 'frontline' });
    expect(ent).toMatchObject({ requestType: 'general_question', priority: 'high', queue: 'billing' });
  });
});

describe('request type', () => {
  it('is the one the sender gave, when it exists', () => {
    expect(triage(input({ subject: 'invoice', requestType: 'bug_report' }), workflowConfig).requestType).toBe(
      'bug_report',
    );
  });

  it('is inferred from the first rule that names one', () => {
    expect(triage(input({ subject: 'Refund please' }), workflowConfig).requestType).toBe('billing_dispute');
    expect(triage(input({ subject: 'Please cancel my plan' }), workflowConfig).requestType).toBe(
      'cancellation',
    );
  });

  it("falls back to the webhook source's default, then to the config's default", () => {
    const config = configWithRules([], {
      webhookSources: {
        crm: {
          description: 'CRM',
          secretName: 'frontdoor/webhooks/crm',
          defaultRequestType: 'account_change',
        },
      },
    });
    expect(triage(input({ source: 'crm' }), config).requestType).toBe('account_change');
    expect(triage(input({ source: 'crm', channel: 'email' }), config).requestType).toBe('general_question');
    expect(triage(input({ source: 'demo' }), config).requestType).toBe('general_question');
  });

  it('is reported, not thrown, when the sender names one that does not exist', () => {
    const result = triage(input({ requestType: 'time_travel' }), workflowConfig);
    expect(result.invalidFields).toEqual([
      { path: 'requestType', message: expect.stringContaining('unknown request type "time_travel"') },
    ]);
    expect(result.requestType).toBe('general_question');
  });
});

describe('rules', () => {
  it("start from the request type's queue and priority", () => {
    expect(triage(input({ requestType: 'bug_report' }), configWithRules([]))).toMatchObject({
      queue: 'frontline',
      priority: 'normal',
      matchedRules: [],
    });
  });

  it('apply in order, later ones overriding what earlier ones set', () => {
    const config = configWithRules([
      {
        id: 'first',
        description: 'x',
        when: { all: [{ field: 'subject', op: 'contains', value: 'help' }] },
        then: { priority: 'high', queue: 'billing' },
      },
      {
        id: 'second',
        description: 'x',
        when: { all: [{ field: 'subject', op: 'contains', value: 'help' }] },
        then: { priority: 'low' },
      },
    ]);
    expect(triage(input({ subject: 'Help!' }), config)).toMatchObject({
      priority: 'low',
      queue: 'billing',
      matchedRules: ['first', 'second'],
    });
  });

  it('stop at a matching rule marked stop', () => {
    const config = configWithRules([
      {
        id: 'vip',
        description: 'x',
        when: { all: [{ field: 'requester.domain', op: 'equals', value: 'bigcorp.example' }] },
        then: { queue: 'specialists', tags: ['vip'] },
        stop: true,
      },
      {
        id: 'never',
        description: 'x',
        when: { all: [{ field: 'subject', op: 'exists' }] },
        then: { queue: 'frontline', tags: ['late'] },
      },
    ]);
    expect(triage(input(), config)).toMatchObject({
      queue: 'specialists',
      tags: ['vip'],
      matchedRules: ['vip'],
    });
    expect(triage(input({ requester: { email: 'x@other.example' } }), config)).toMatchObject({
      queue: 'frontline',
      matchedRules: ['never'],
    });
  });

  it('accumulate tags with the sender’s, without repeats, sorted', () => {
    const config = configWithRules([
      {
        id: 'a',
        description: 'x',
        when: { any: [{ field: 'subject', op: 'startsWith', value: 'urgent' }] },
        then: { tags: ['zeta', 'alpha'] },
      },
      {
        id: 'b',
        description: 'x',
        when: { all: [{ field: 'tags', op: 'equals', value: 'zeta' }] },
        then: { tags: ['alpha', 'mid'] },
      },
    ]);
    expect(triage(input({ subject: 'URGENT: login', tags: ['from-crm', 'alpha'] }), config).tags).toEqual([
      'alpha',
      'from-crm',
      'mid',
      'zeta',
    ]);
  });

  it('compare text case-insensitively and treat blank as absent', () => {
    const config = configWithRules([
      {
        id: 'seg',
        description: 'x',
        when: { all: [{ field: 'account.segment', op: 'in', value: ['Mid-Market', 'smb'] }] },
        then: { tags: ['seg'] },
      },
      {
        id: 'body',
        description: 'x',
        when: { all: [{ field: 'body', op: 'exists' }] },
        then: { tags: ['has-body'] },
      },
      {
        id: 'env',
        description: 'x',
        when: { all: [{ field: 'fields.environment', op: 'contains', value: 'CHROME' }] },
        then: { tags: ['chrome'] },
      },
    ]);
    const result = triage(
      input({
        body: '   ',
        account: { id: 'a', segment: 'MID-MARKET' },
        fields: { environment: 'chrome 131' },
      }),
      config,
    );
    expect(result.matchedRules).toEqual(['seg', 'env']);
  });

  it('send high-risk access requests to security', () => {
    const result = triage(
      input({ requestType: 'access_request', fields: { system: 'prod-db', riskLevel: 'high' } }),
      workflowConfig,
    );
    expect(result).toMatchObject({
      queue: 'security',
      priority: 'high',
      tags: ['high-risk'],
      missingFields: [],
    });
    const low = triage(
      input({ requestType: 'access_request', fields: { system: 'wiki', riskLevel: 'low' } }),
      workflowConfig,
    );
    expect(low).toMatchObject({ queue: 'specialists', priority: 'normal', tags: [] });
  });

  it('make an outage urgent', () => {
    expect(triage(input({ subject: 'The dashboard is down' }), workflowConfig)).toMatchObject({
      priority: 'urgent',
      tags: ['outage'],
    });
  });
});

describe('required context', () => {
  it('names the required fields that are absent or blank, in the config’s order', () => {
    const result = triage(
      input({ requestType: 'bug_report', fields: { environment: '  ' } }),
      workflowConfig,
    );
    expect(result.missingFields).toEqual(['reproductionSteps', 'environment']);
    expect(result.invalidFields).toEqual([]);
  });

  it('does not ask for optional fields', () => {
    const result = triage(input({ requestType: 'cancellation' }), workflowConfig);
    expect(result.missingFields).toEqual([]);
  });

  it('refuses a value outside an enum, naming the field path', () => {
    const result = triage(
      input({ requestType: 'access_request', fields: { system: 'vpn', riskLevel: 'medium' } }),
      workflowConfig,
    );
    expect(result.invalidFields).toEqual([
      { path: 'fields.riskLevel', message: 'must be one of: low, high' },
    ]);
  });

  it('refuses a value longer than the field allows', () => {
    const result = triage(
      input({ requestType: 'billing_dispute', fields: { invoiceId: 'x'.repeat(65), customerId: 'C-1' } }),
      workflowConfig,
    );
    expect(result.invalidFields).toEqual([
      { path: 'fields.invoiceId', message: 'must be at most 64 characters' },
    ]);
  });

  it('trims the values it knows, drops blank ones and keeps fields it does not know', () => {
    const result = triage(
      input({
        requestType: 'billing_dispute',
        fields: { invoiceId: ' INV-1 ', customerId: 'C-1', amount: ' ', crmCase: '991' },
      }),
      workflowConfig,
    );
    expect(result.fields).toEqual({ invoiceId: 'INV-1', customerId: 'C-1', crmCase: '991' });
  });
});
