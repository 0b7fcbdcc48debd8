/** The building blocks of the workflow config's schemas (ids, text, conditions), shared by its parts. */
import * as z from '../domain/zod';

export const snakeId = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, 'must be snake_case, like billing_dispute'));
export const kebabId = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'must be kebab-case, like enterprise-invoice'));
// Field names travel in webhook JSON and form posts, where camelCase is what senders already write.
export const fieldName = z
  .string()
  .check(z.regex(/^[a-z][a-zA-Z0-9]*$/, 'must be camelCase, like invoiceId'));
export const text = z.string().check(z.trim(), z.minLength(1));

export const conditionFieldNames = [
  'subject',
  'body',
  'requestType',
  'channel',
  'source',
  'requester.email',
  'requester.domain',
  'account.id',
  'account.tier',
  'account.segment',
  'account.status',
  'priority',
  'tags',
] as const;

export const ConditionField = z.union(
  [z.enum(conditionFieldNames), z.templateLiteral(['fields.', fieldName])],
  {
    error: `must be one of ${conditionFieldNames.join(', ')} or fields.<fieldName>`,
  },
);
export type ConditionField = z.infer<typeof ConditionField>;

// One shape per operator, so `in` cannot be written with a single value or `exists` with one.
export const ConditionSchema = z.discriminatedUnion('op', [
  z.object({ field: ConditionField, op: z.literal(['contains', 'equals', 'startsWith']), value: text }),
  z.object({ field: ConditionField, op: z.literal('in'), value: z.array(text).check(z.minLength(1)) }),
  z.object({ field: ConditionField, op: z.literal('exists') }),
]);
export type Condition = z.infer<typeof ConditionSchema>;
