import { describe, expect, it } from 'vitest';
import { defaultWorkflow, workflowConfig } from '../../shared/config';
import type { FieldSpec } from '../../shared/config/fields';
import { renderTemplate } from '../../shared/domain';
import { approvalResult, greeting, replyExample } from '../../shared/domain/mail-copy';

// The words of the customer mails that depend on the ticket: who is greeted, which example reply a
// needs-info mail shows, and how an approval's outcome reads.
const dispute = workflowConfig.requestTypes.billing_dispute?.fields;
const priority: Record<string, FieldSpec> = {
  level: { label: 'Level', type: 'enum', values: ['low', 'high'], required: true },
};

describe('the greeting', () => {
  it("greets the requester by name when the name is known, and neutrally (no 'there') when it is not", () => {
    expect(greeting('Dana')).toBe('Hello Dana,');
    expect(greeting(undefined)).toBe('Hello,');
    expect(greeting('  ')).toBe('Hello,');
  });
});

describe('the needs-info example reply', () => {
  it("shows the asked field's own example, under its label", () => {
    expect(replyExample(['invoiceId'], dispute)).toBe('\nFor example:\n  Invoice ID: INV-1234');
  });

  it('shows no example line when no asked field has an example, never another field’s', () => {
    expect(replyExample(['customerId'], dispute)).toBe('');
    expect(replyExample(['unknownField'], dispute)).toBe('');
    expect(replyExample([], dispute)).toBe('');
  });

  it("shows one line per asked field that has an example, an enum's first value as its example", () => {
    const fields = { ...dispute, ...priority };
    expect(replyExample(['level', 'customerId', 'invoiceId'], fields)).toBe(
      '\nFor example:\n  Level: low\n  Invoice ID: INV-1234',
    );
  });
});

describe('an approval outcome', () => {
  it('reads as English for every outcome ("expired", not "was expired")', () => {
    expect(approvalResult('approved')).toBe('was approved');
    expect(approvalResult('rejected')).toBe('was rejected');
    expect(approvalResult('expired')).toBe('expired');
  });
});

describe('the default templates', () => {
  const templates = Object.entries(workflowConfig.notifications).flatMap(([name, t]) =>
    typeof t === 'object' && t !== null && 'text' in t
      ? [[name, t as { subject: string; text: string }] as const]
      : [],
  );

  it('never greet "there", never hard-code an invoice example and never say "was expired"', () => {
    expect(templates.length).toBeGreaterThan(5);
    for (const [name, t] of templates) {
      expect(t.text, name).not.toMatch(
        /Hello there|Hello \{\{requesterName\}\}|INV-1234|was \{\{approvalOutcome\}\}/,
      );
    }
    expect(JSON.stringify(defaultWorkflow)).not.toMatch(/Hello there|was expired/);
  });

  it('renders a needs-info mail for a nameless requester asked only for a customer ID without an invoice example', () => {
    const needsInfo = workflowConfig.notifications.needsInfo;
    const vars = { greeting: greeting(undefined), replyExample: replyExample(['customerId'], dispute) };
    const { text } = renderTemplate(needsInfo, vars, 'FD-7');
    expect(text.startsWith('Hello,\n')).toBe(true);
    expect(text).not.toContain('INV-1234');
    expect(text).toContain('one line per item: its name, a colon, then the value.\n');
  });

  it("renders an expired approval's decision mail as correct English", () => {
    const decision = workflowConfig.notifications.approvalDecision;
    const vars = {
      reference: 'FD-7',
      approvalKind: 'credit',
      approvalAmount: '600.00 EUR',
      approvalResult: approvalResult('expired'),
    };
    const { text } = renderTemplate(decision, vars, 'FD-7');
    expect(text).toContain('Your request for a credit 600.00 EUR on FD-7 expired.');
  });
});
