import { describe, expect, it } from 'vitest';
import { defaultWorkflow, formatPath, parseWorkflowConfig, workflowConfig } from '../../shared/config';
import { refusal, withChange } from './helpers';

const ruleIndex = (id: string) => defaultWorkflow.triageRules.findIndex((r) => r.id === id);

describe('the default workflow', () => {
  it('is a valid config', () => {
    expect(() => parseWorkflowConfig(defaultWorkflow)).not.toThrow();
    expect(workflowConfig).toEqual(parseWorkflowConfig(defaultWorkflow));
  });

  it('models the seed request types with their required context', () => {
    const required = Object.fromEntries(
      Object.entries(workflowConfig.requestTypes).map(([id, rt]) => [
        id,
        Object.entries(rt.fields)
          .filter(([, f]) => f.required)
          .map(([name]) => name),
      ]),
    );
    expect(required).toEqual({
      billing_dispute: ['invoiceId', 'customerId'],
      bug_report: ['reproductionSteps', 'environment'],
      access_request: ['system', 'riskLevel'],
      account_change: [],
      cancellation: [],
      general_question: [],
    });
    expect(workflowConfig.requestTypes.access_request?.fields.riskLevel?.values).toEqual(['low', 'high']);
    expect(workflowConfig.defaultRequestType).toBe('general_question');
  });

  it('keeps the seed rule word for word', () => {
    const rule = workflowConfig.triageRules.find((r) => r.id === 'enterprise-invoice');
    expect(rule?.when).toEqual({
      all: [
        { field: 'subject', op: 'contains', value: 'invoice' },
        { field: 'account.tier', op: 'equals', value: 'enterprise' },
      ],
    });
    expect(rule?.then).toEqual({ priority: 'high', queue: 'billing' });
    expect(rule?.stop).toBeUndefined();
  });

  it('has queues from self-service (tier 0) to engineering (tier 3) and the demo webhook source', () => {
    expect(workflowConfig.queues.self_service?.tier).toBe(0);
    expect(workflowConfig.queues.engineering?.tier).toBe(3);
    expect(workflowConfig.webhookSources.demo).toEqual({
      description: 'Demo source for local development',
      secretName: 'frontdoor/webhooks/demo',
    });
  });
});

describe('a bad config', () => {
  it('is refused with a message naming a rule that routes to an unknown queue', () => {
    const i = ruleIndex('enterprise-invoice');
    const error = refusal(withChange(['triageRules', i, 'then', 'queue'], 'billing_queue'));
    expect(error.message).toBe(
      `Invalid workflow config:\n  - triageRules[${i}].then.queue: unknown queue "billing_queue"; known: self_service, frontline, billing, specialists, security, escalation_desk, engineering`,
    );
  });

  it('is refused when the default request type does not exist', () => {
    const error = refusal(withChange(['defaultRequestType'], 'general'));
    expect(error.issues).toEqual([
      { path: 'defaultRequestType', message: expect.stringContaining('unknown request type "general"') },
    ]);
  });

  it('is refused when an enum field has no values', () => {
    const error = refusal(
      withChange(['requestTypes', 'access_request', 'fields', 'riskLevel', 'values'], undefined),
    );
    expect(error.message).toContain(
      '\n  - requestTypes.access_request.fields.riskLevel.values: an enum field needs its values',
    );
  });

  it('is refused when a queue has a tier outside 0..3', () => {
    const error = refusal(withChange(['queues', 'billing', 'tier'], 7));
    expect(error.message).toContain(
      '\n  - queues.billing.tier: must be 0 (self-service), 1, 2 or 3 (engineering)',
    );
  });

  it('is refused when two rules share an id', () => {
    const error = refusal(withChange(['triageRules', 1, 'id'], defaultWorkflow.triageRules[0]?.id));
    expect(error.issues).toEqual([
      { path: 'triageRules[1].id', message: 'duplicate rule id "billing-keywords" (also triageRules[0])' },
    ]);
  });

  it('is refused when a rule looks at a field no request type has', () => {
    const i = ruleIndex('high-risk-access');
    const error = refusal(withChange(['triageRules', i, 'when', 'all', 1, 'field'], 'fields.risk'));
    expect(error.issues).toEqual([
      { path: `triageRules[${i}].when.all[1].field`, message: 'no request type has a field "risk"' },
    ]);
  });

  it('is refused when a rule compares the request type with one that does not exist', () => {
    const i = ruleIndex('high-risk-access');
    const error = refusal(withChange(['triageRules', i, 'when', 'all', 0, 'value'], 'acess_request'));
    expect(error.issues.map((x) => x.path)).toEqual([`triageRules[${i}].when.all[0].value`]);
  });

  it('is refused when a rule looks at something that is not a condition field', () => {
    const error = refusal(withChange(['triageRules', 0, 'when', 'any', 0, 'field'], 'account.owner'));
    expect(error.issues[0]?.path).toBe('triageRules[0].when.any[0].field');
    expect(error.issues[0]?.message).toContain('or fields.<fieldName>');
  });

  it('is refused when `in` is given a single value', () => {
    const error = refusal(
      withChange(['triageRules', 0, 'when', 'any', 0], { field: 'subject', op: 'in', value: 'x' }),
    );
    expect(error.issues.map((x) => x.path)).toEqual(['triageRules[0].when.any[0].value']);
  });

  it('is refused when a rule sets nothing', () => {
    const error = refusal(withChange(['triageRules', 0, 'then'], {}));
    expect(error.issues).toEqual([
      { path: 'triageRules[0].then', message: expect.stringContaining('sets nothing') },
    ]);
  });

  it('is refused when a request type routes to an unknown queue or a source defaults to an unknown type', () => {
    const config = withChange(['requestTypes', 'bug_report', 'defaultQueue'], 'qa') as Record<
      string,
      unknown
    >;
    config.webhookSources = {
      crm: { description: 'CRM', secretName: 'frontdoor/webhooks/crm', defaultRequestType: 'lead' },
    };
    expect(refusal(config).issues.map((x) => x.path)).toEqual([
      'requestTypes.bug_report.defaultQueue',
      'webhookSources.crm.defaultRequestType',
    ]);
  });

  it('is refused when ids are not in the expected case', () => {
    const config = withChange(['queues', 'Billing'], defaultWorkflow.queues.billing) as Record<
      string,
      unknown
    >;
    const error = refusal(config);
    expect(error.issues).toEqual([
      { path: 'queues.Billing', message: 'invalid key: must be snake_case, like billing_dispute' },
    ]);
    const rule = refusal(withChange(['triageRules', 0, 'id'], 'Billing Keywords'));
    expect(rule.issues[0]?.path).toBe('triageRules[0].id');
  });

  it('is refused when a priority is not described', () => {
    const error = refusal(withChange(['priorities', 'urgent'], undefined));
    expect(error.issues.map((x) => x.path)).toEqual(['priorities.urgent']);
  });

  it('is refused when it is not a config at all', () => {
    expect(refusal(null).issues).toEqual([{ path: '(root)', message: expect.any(String) }]);
  });

  it('raises an error with a name, a code, the issues and the zod error as cause', () => {
    const error = refusal(withChange(['version'], 2));
    expect(error).toMatchObject({
      name: 'WorkflowConfigError',
      code: 'CONFIG.INVALID',
      issues: [{ path: 'version' }],
    });
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message.startsWith('Invalid workflow config:\n  - version: ')).toBe(true);
  });
});

describe('config paths', () => {
  it('read like the code that would reach them', () => {
    expect(formatPath(['triageRules', 0, 'then', 'queue'])).toBe('triageRules[0].then.queue');
    expect(formatPath(['webhookSources', 'demo-crm', 'secretName'])).toBe(
      'webhookSources.demo-crm.secretName',
    );
    expect(formatPath(['requestTypes', 'a b'])).toBe('requestTypes["a b"]');
    expect(formatPath([])).toBe('(root)');
  });
});
