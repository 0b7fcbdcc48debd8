import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { fieldsSchemaFor, workflowConfig } from '../../shared/config';

function schemaFor(requestType: string, partial = false) {
  const schema = fieldsSchemaFor(workflowConfig, requestType, { partial });
  if (!schema) throw new Error(`no schema for ${requestType}`);
  return schema;
}

const problems = (result: z.core.util.SafeParseResult<unknown>) =>
  result.error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe("a request type's field schema", () => {
  it('requires the required fields, naming each missing one', () => {
    expect(problems(schemaFor('billing_dispute').safeParse({}))).toEqual([
      ['invoiceId', 'is required'],
      ['customerId', 'is required'],
    ]);
  });

  it('makes every field optional when partial', () => {
    expect(schemaFor('billing_dispute', true).safeParse({}).success).toBe(true);
  });

  it('trims text and refuses blanks and overlong values', () => {
    const schema = schemaFor('billing_dispute');
    expect(schema.parse({ invoiceId: ' INV-1 ', customerId: 'C-7' })).toEqual({
      invoiceId: 'INV-1',
      customerId: 'C-7',
    });
    expect(problems(schema.safeParse({ invoiceId: '  ', customerId: 'x'.repeat(65) }))).toEqual([
      ['invoiceId', 'must not be blank'],
      ['customerId', 'must be at most 64 characters'],
    ]);
  });

  it('limits text without a maxLength to 10000 characters', () => {
    const schema = schemaFor('bug_report');
    const steps = (n: number) => ({ reproductionSteps: 'x'.repeat(n), environment: 'Chrome' });
    expect(schema.safeParse(steps(10_000)).success).toBe(true);
    expect(problems(schema.safeParse(steps(10_001)))).toEqual([
      ['reproductionSteps', 'must be at most 10000 characters'],
    ]);
  });

  it('accepts only the listed values of an enum', () => {
    expect(problems(schemaFor('access_request').safeParse({ system: 'vpn', riskLevel: 'medium' }))).toEqual([
      ['riskLevel', 'must be one of: low, high'],
    ]);
  });

  it('checks email fields as email addresses', () => {
    const config = structuredClone(workflowConfig);
    const fields = config.requestTypes.account_change?.fields ?? {};
    fields.newOwner = { label: 'New owner', type: 'email', required: true };
    const schema = fieldsSchemaFor(config, 'account_change', { partial: false });
    expect(schema && problems(schema.safeParse({ newOwner: 'nope' }))).toEqual([
      ['newOwner', 'must be an email address'],
    ]);
  });

  it('becomes a JSON Schema a form can render', () => {
    const json = z.toJSONSchema(schemaFor('access_request'));
    expect(json).toMatchObject({
      type: 'object',
      required: ['system', 'riskLevel'],
      properties: {
        system: { type: 'string', title: 'System', maxLength: 200 },
        riskLevel: { enum: ['low', 'high'], title: 'Risk level', 'x-frontdoor-type': 'enum' },
        justification: { 'x-frontdoor-type': 'text' },
      },
    });
  });

  it('does not exist for an unknown request type', () => {
    expect(fieldsSchemaFor(workflowConfig, 'time_travel', { partial: false })).toBeUndefined();
    expect(fieldsSchemaFor(workflowConfig, 'constructor', { partial: false })).toBeUndefined();
  });
});
