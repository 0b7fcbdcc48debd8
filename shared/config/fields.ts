import { blankAsAbsent, INPUT_LIMITS } from '../domain/ticket-input';
import * as z from '../domain/zod';
import { text } from './primitives';

// Long enough for pasted logs in reproduction steps, short enough to keep a ticket item far below
// DynamoDB's 400 KB: the most any door takes for one field value.
const DEFAULT_MAX_LENGTH = INPUT_LIMITS.fieldValue;

/** One field of a request type's form, as the workflow config declares it. */
export const FieldSpecSchema = z
  .object({
    label: text,
    description: z.optional(text),
    /** A value as the requester would give it: the needs-info mail shows it as the example reply line. */
    example: z.optional(text),
    type: z.enum(['string', 'text', 'email', 'enum']),
    values: z.optional(z.array(text).check(z.minLength(1))),
    required: z.boolean(),
    // No door takes a longer field value (ticket-input.ts), so a config cannot promise one.
    maxLength: z.optional(z.int().check(z.minimum(1), z.maximum(INPUT_LIMITS.fieldValue))),
  })
  .check(
    z.superRefine((field, ctx) => {
      const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['values'], message });
      if (field.type === 'enum' && field.values === undefined) issue('an enum field needs its values');
      if (field.type !== 'enum' && field.values !== undefined) issue('only enum fields take values');
      if (field.values && new Set(field.values).size !== field.values.length) issue('values repeat');
    }),
  );
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

/** The longest value a field can hold, in characters. */
export function longestValueOf(spec: FieldSpec): number {
  if (spec.type === 'enum') return Math.max(0, ...(spec.values ?? []).map((v) => v.length));
  return spec.maxLength ?? (spec.type === 'email' ? 254 : DEFAULT_MAX_LENGTH);
}

const requiredOr = (expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : expected;

/** The validator for one field of a request type; values are always text on the wire. */
export function fieldSchemaFor(spec: FieldSpec): z.ZodMiniType<string> {
  const meta = {
    title: spec.label,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    // Lets a form renderer pick a textarea for `text` without a second copy of the config.
    'x-frontdoor-type': spec.type,
  };
  switch (spec.type) {
    case 'enum': {
      const values = spec.values ?? [];
      return z
        .enum(values, { error: requiredOr(`must be one of: ${values.join(', ')}`) })
        .register(z.globalRegistry, meta);
    }
    case 'email':
      return z
        .email({ error: requiredOr('must be an email address') })
        .check(z.maxLength(spec.maxLength ?? 254))
        .register(z.globalRegistry, meta);
    case 'string':
    case 'text': {
      const max = spec.maxLength ?? DEFAULT_MAX_LENGTH;
      return z
        .string({ error: requiredOr('must be text') })
        .check(
          z.trim(),
          z.minLength(1, 'must not be blank'),
          z.maxLength(max, `must be at most ${max} characters`),
        )
        .register(z.globalRegistry, meta);
    }
  }
}

/**
 * A zod object for a request type's fields, built from the config: the webhook and form edges
 * validate with it and `z.toJSONSchema` turns it into the form's schema. `partial` makes every
 * field optional (for validating what was sent without demanding what was not).
 * Undefined for an unknown request type: that is the caller's 404/400, not an exception.
 */
export function fieldsSchemaFor(
  config: { readonly requestTypes: Readonly<Record<string, { readonly fields: Record<string, FieldSpec> }>> },
  requestType: string,
  options: { partial: boolean },
): z.ZodMiniObject<Record<string, z.ZodMiniType<string | undefined>>> | undefined {
  if (!Object.hasOwn(config.requestTypes, requestType)) return undefined;
  const spec = config.requestTypes[requestType];
  if (!spec) return undefined;
  const shape: Record<string, z.ZodMiniType<string | undefined>> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    const schema = fieldSchemaFor(field);
    // An optional field left blank is a field not given, as on every other door.
    shape[name] = field.required && !options.partial ? schema : blankAsAbsent(schema);
  }
  return z.object(shape);
}
