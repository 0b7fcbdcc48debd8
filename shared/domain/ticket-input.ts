/**
 * What any door may write into a ticket — the webhook, the hosted form, a signed or bus event, a mail, the
 * agent API — built from the read side's own schemas (ticket.ts): the input is normalised first (trimmed;
 * blank optional text left out) and then held to exactly the checks `TicketSchema`/`MessageSchema` make
 * on the way back out. So whatever a door accepts, the read side parses: a door cannot store a ticket
 * that every later read refuses. The limits below are the ones the read side has no opinion on; they are
 * sized so that no item reaches DynamoDB's 400 KB item limit through any door
 * (test/property/item-size.test.ts builds the largest ticket, message and audit event they allow).
 */
import type { Issue } from './errors';
import { AccountContext, Requester, TicketSchema } from './ticket';
import * as z from './zod';

export const INPUT_LIMITS = {
  /** A message body in characters (a mail's longer text is cut there; the whole mail stays in the mail bucket). */
  body: 50_000,
  tags: 50,
  tag: 64,
  /** Field names per ticket. */
  fields: 50,
  fieldKey: 64,
  /** One field value, in characters (the config's `maxLength` for a field may only lower it). */
  fieldValue: 10_000,
  /** All of a ticket's field names and values together, in characters. */
  fieldsTotal: 20_000,
} as const;

const trimText = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const blankToAbsent = (v: unknown) => {
  const t = trimText(v);
  return t === '' ? undefined : t;
};

/**
 * Text the read side holds to `read`, trimmed first. (A transform in front of the pipe keeps the JSON
 * Schema of the input that of `read`, limits included.)
 */
export function trimmed<T extends z.ZodMiniType>(read: T) {
  return z.pipe(z.transform(trimText), read);
}

/** Optional text: trimmed, and blank is the same as absent — never stored as "" (which `read` may refuse). */
export function blankAsAbsent<T extends z.ZodMiniType>(read: T) {
  return z.optional(z.pipe(z.transform(blankToAbsent), z.optional(read)));
}

/** Who asks, as a door takes it: `name: " "` is no name. */
export const RequesterInput = z.object({
  email: Requester.shape.email,
  name: blankAsAbsent(Requester.shape.name),
  accountId: blankAsAbsent(Requester.shape.accountId),
});

export const AccountInput = z.object({
  id: trimmed(AccountContext.shape.id),
  tier: blankAsAbsent(AccountContext.shape.tier),
  segment: blankAsAbsent(AccountContext.shape.segment),
  status: blankAsAbsent(AccountContext.shape.status),
  name: blankAsAbsent(AccountContext.shape.name),
});

export const SubjectInput = trimmed(TicketSchema.shape.subject);

/** A message body; empty is legitimate (a webhook that carries only fields). */
export const BodyInput = z
  .string()
  .check(
    z.maxLength(
      INPUT_LIMITS.body,
      `must be at most ${INPUT_LIMITS.body} characters (larger content belongs in an attachment)`,
    ),
  );

// Half a surrogate pair is not Unicode text, and DynamoDB refuses to store one (DynamoDB Local answers
// InternalFailure): JSON can carry one ("\ud83d"), and cutting text at a limit can make one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `s` with each half surrogate pair replaced by U+FFFD, as a UTF-8 decoder treats invalid bytes. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/** The first `max` UTF-16 units of `s`, never ending in half a surrogate pair. */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** A requester's display name cut to the read side's limit, blank → none (for doors that cut rather than refuse, like mail). */
export function requesterNameFrom(raw: string | undefined): string | undefined {
  const name = raw === undefined ? undefined : cut(wellFormed(raw).trim(), 200).trim();
  return name ? name : undefined;
}

// ---- tags ----

/** The one normalisation of tags, whichever door they come through: trimmed, lower-case, blanks dropped, each once (first wins). */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))];
}

const Tag = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.maxLength(INPUT_LIMITS.tag, `a tag has at most ${INPUT_LIMITS.tag} characters`),
  );

export const TagsInput = z.pipe(
  z.array(Tag).check(z.maxLength(INPUT_LIMITS.tags, `at most ${INPUT_LIMITS.tags} tags`)),
  z.transform((tags: string[]) => normaliseTags(tags)),
);

// ---- fields ----

/** Field names: what a sender can write as a JSON key and we can store as a DynamoDB attribute name. */
export const FIELD_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Names an object already has (`{}.constructor`): stored as keys they break code that treats the fields
 * as a plain object (util-dynamodb refuses `{ constructor: "x" }`), so no door takes them.
 */
export const RESERVED_FIELD_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

const FIELD_KEY_RULE = `a letter, then letters, digits or _ (at most ${INPUT_LIMITS.fieldKey} characters)`;

export function fieldKeyProblem(key: string): string | undefined {
  if (RESERVED_FIELD_KEYS.has(key)) return `"${key}" is a reserved name`;
  if (!FIELD_KEY_PATTERN.test(key)) return `a field name is ${FIELD_KEY_RULE}`;
  return undefined;
}

/** Characters of all names and values together (what `fieldsTotal` limits). */
export function fieldsSize(fields: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const [k, v] of Object.entries(fields)) n += k.length + v.length;
  return n;
}

/** What is wrong with a ticket's whole set of fields (names, how many, how much), with `fields.` paths. */
export function fieldLimitIssues(fields: Readonly<Record<string, string>>): Issue[] {
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const problem = fieldKeyProblem(key);
    if (problem) issues.push({ path: fieldPath(key), message: problem });
    if (value.length > INPUT_LIMITS.fieldValue)
      issues.push({ path: fieldPath(key), message: `must be at most ${INPUT_LIMITS.fieldValue} characters` });
  }
  const count = Object.keys(fields).length;
  if (count > INPUT_LIMITS.fields)
    issues.push({ path: 'fields', message: `at most ${INPUT_LIMITS.fields} fields, got ${count}` });
  const size = fieldsSize(fields);
  if (size > INPUT_LIMITS.fieldsTotal)
    issues.push({
      path: 'fields',
      message: `at most ${INPUT_LIMITS.fieldsTotal} characters of names and values in all, got ${size}`,
    });
  return issues;
}

const fieldPath = (key: string) =>
  /^[A-Za-z0-9_$-]+$/.test(key) ? `fields.${key}` : `fields[${JSON.stringify(key)}]`;

const FieldKey = z.string().check(
  z.superRefine((key, ctx) => {
    const problem = fieldKeyProblem(key);
    if (problem) ctx.addIssue({ code: 'custom', input: key, message: problem });
  }),
);

const FieldValue = z
  .string({ error: 'must be text' })
  .check(z.maxLength(INPUT_LIMITS.fieldValue, `must be at most ${INPUT_LIMITS.fieldValue} characters`));

// zod drops a `__proto__` key without a word (so it cannot replace the prototype); a sender who wrote one
// should hear that it was not taken rather than find it silently gone.
const refuseProtoKey = z.transform((input: unknown, ctx) => {
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__'))
    ctx.issues.push({
      code: 'custom',
      input,
      path: ['__proto__'],
      message: '"__proto__" is a reserved name',
    });
  return input;
});

/**
 * The request type's fields as a door takes them: names checked (pattern, reserved names), values text
 * of limited length, limited in number and in total. A blank value means "none" (an agent clears a field
 * with it); `checkFields` leaves blank values out of the ticket.
 */
export const FieldValuesInput = z.pipe(
  refuseProtoKey,
  z
    .record(FieldKey, FieldValue, {
      error: (issue) =>
        issue.code === 'invalid_key'
          ? (issue.issues?.map((i) => i.message).join('; ') ?? 'not a field name')
          : undefined,
    })
    .check(
      z.superRefine((fields, ctx) => {
        for (const issue of fieldLimitIssues(fields)) {
          // Names and values were checked one by one above; here only the whole set.
          if (issue.path === 'fields')
            ctx.addIssue({ code: 'custom', input: fields, message: issue.message });
        }
      }),
    ),
);
