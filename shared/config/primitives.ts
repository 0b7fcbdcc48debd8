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
  /** The predicted intent (issue 19): holds only at or above the condition's `minConfidence` (else the config's). */
  'intent',
  /** The detected language of the first message (ISO 639-1, `de`); absent when too short to tell. */
  'language',
] as const;

export const ConditionField = z.union(
  [z.enum(conditionFieldNames), z.templateLiteral(['fields.', fieldName])],
  {
    error: `must be one of ${conditionFieldNames.join(', ')} or fields.<fieldName>`,
  },
);
export type ConditionField = z.infer<typeof ConditionField>;

/** A confidence between 0 and 1 (a calibrated classifier's: 0.9 is right about 90 % of the time). */
export const confidence = z.number().check(z.gte(0), z.lte(1));

// A condition on `intent` may ask for more (or less) confidence than the workflow's `intent.minConfidence`.
const minConfidence = z.optional(confidence);

// One shape per operator, so `in` cannot be written with a single value or `exists` with one.
export const ConditionSchema = z
  .discriminatedUnion('op', [
    z.object({
      field: ConditionField,
      op: z.literal(['contains', 'equals', 'startsWith']),
      value: text,
      minConfidence,
    }),
    z.object({
      field: ConditionField,
      op: z.literal('in'),
      value: z.array(text).check(z.minLength(1)),
      minConfidence,
    }),
    z.object({ field: ConditionField, op: z.literal('exists'), minConfidence }),
  ])
  .check(
    z.superRefine((condition, ctx) => {
      if (condition.minConfidence !== undefined && condition.field !== 'intent')
        ctx.addIssue({
          code: 'custom',
          path: ['minConfidence'],
          input: condition,
          message: `minConfidence applies only to field intent, not ${condition.field}`,
        });
    }),
  );
export type Condition = z.infer<typeof ConditionSchema>;
