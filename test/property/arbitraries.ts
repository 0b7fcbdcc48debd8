/**
 * Generators for what anyone may send through Frontdoor's doors: the webhook, the hosted form, signed and
 * bus events, inbound mail, and the agent API's writes. Mostly well-formed (so that acceptance is
 * exercised, not just refusal), salted with the inputs that broke it once: blank and whitespace-only
 * text, unicode of every UTF-8 width, strings at and just past each limit, empty, reserved and prototype
 * keys, deep nesting, wrong types and numbers where text goes. Bodies are JSON values (what a door can
 * receive after `JSON.parse`); `wire()` turns one into exactly that.
 *
 * Used in process by test/property/*.test.ts and reusable by end-to-end fuzzing against `npm start`.
 */
import fc from 'fast-check';
import { workflowConfig } from '../../shared/config';
import { EXTERNAL_EVENT_TYPES } from '../../shared/domain/external-events';
import { TicketState } from '../../shared/domain/ticket';
import { INPUT_LIMITS } from '../../shared/domain/ticket-input';
import { parseJson } from '../../shared/http/request';

/**
 * What a door gets: the generated value as JSON text, parsed back the way the handlers parse bodies (so
 * `__proto__` is an own key, as on the wire, and half a surrogate pair is U+FFFD).
 */
export function wire(value: unknown): unknown {
  return parseJson(JSON.stringify(value) ?? 'null');
}

// ---- text ----

/** Whitespace that `String.prototype.trim` (and zod's trim) removes: blank, in many scripts. */
export const blank = fc.constantFrom(
  '',
  ' ',
  '   ',
  '\t',
  '\n',
  '\r\n',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\ufeff',
  ' \n\t ',
);

/** One character of each UTF-8 width (1–4 bytes) and the trouble-makers (combining, RTL override, zero width, case folding that grows, half surrogate pairs). */
export const tricky = fc.constantFrom(
  'a',
  'Z',
  'é',
  '€',
  '漢',
  '𝄞',
  '😀',
  '\u0301',
  '\u202e',
  '\u200b',
  'İ',
  'ß',
  '"',
  '\\',
  '#',
  '.',
  // Half a surrogate pair: JSON can carry one escaped.
  '\ud83d',
  '\ude00',
);

/** `n` characters (UTF-16 units) of one repeated character; may end in half a surrogate pair. */
const repeated = (c: string, n: number) => c.repeat(Math.ceil(n / c.length)).slice(0, n);

/** Text of about `limit` characters: from 3 below to 3 above, of a 1-, 2-, 3- or 4-byte character. */
export const nearLimit = (limit: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: Math.max(0, limit - 3), max: limit + 3 }), tricky)
    .map(([n, c]) => repeated(c, n));

export const nastyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 3, arbitrary: blank },
  {
    weight: 2,
    arbitrary: fc
      .tuple(blank, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), blank)
      .map(([a, b, c]) => a + b + c),
  },
  { weight: 1, arbitrary: fc.array(tricky, { maxLength: 12 }).map((cs) => cs.join('')) },
);

/** Values that are not text: numbers where strings go, null, lists, objects, very deep nesting. */
export const deepNesting = fc.integer({ min: 10, max: 800 }).map((depth) => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
  deepNesting,
);

/** Usually `arb`, sometimes a value of another type. */
export const orWrong = <T>(arb: fc.Arbitrary<T>, weight = 30): fc.Arbitrary<T | unknown> =>
  fc.oneof({ weight, arbitrary: arb }, { weight: 1, arbitrary: wrongType });

/** Text with the occasional giant: mostly short, sometimes right at `limit`. */
export const textUpTo = (limit: number): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: nastyText }, { weight: 1, arbitrary: nearLimit(limit) });

export const email: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .tuple(
        fc.stringMatching(/^[a-z0-9][a-z0-9_+-]{0,20}$/),
        fc.constantFrom('customer.example', 'BigCorp.example', 'smallshop.example', 'mail.example.org'),
      )
      .map(([local, domain]) => `${local}@${domain}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Dana@BigCorp.example', 'x@customer.example', `${'a'.repeat(250)}@x.io`),
  },
  { weight: 1, arbitrary: nastyText },
);

// ---- keys, fields and tags ----

const requestTypes = Object.keys(workflowConfig.requestTypes);
const declaredFields = Object.entries(workflowConfig.requestTypes).flatMap(([, spec]) =>
  Object.entries(spec.fields),
);
const declaredNames = [...new Set(declaredFields.map(([name]) => name))];
const enumValues = [...new Set(declaredFields.flatMap(([, f]) => f.values ?? []))];

/** Keys that have broken things: empty, blank, prototype and Object.prototype names, dots, non-ASCII, at and past 64. */
export const nastyKey = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'a b',
  'ä',
  'a.b',
  '#x',
  '$x',
  '0abc',
  'x'.repeat(64),
  'x'.repeat(65),
);

export const fieldKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...declaredNames) },
  { weight: 6, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,70}$/) },
  { weight: 1, arbitrary: nastyKey },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: nastyText },
  { weight: 6, arbitrary: fc.constantFrom(...enumValues, 'INV-1', 'C-1', 'prod', 'Chrome 120') },
  { weight: 1, arbitrary: nearLimit(INPUT_LIMITS.fieldValue) },
  { weight: 1, arbitrary: wrongType },
);

/** A fields object: a few entries usually, sometimes around the 50-field limit, built so odd keys are own properties. */
export const fields: fc.Arbitrary<Record<string, unknown>> = fc
  .oneof(
    { weight: 8, arbitrary: fc.array(fc.tuple(fieldKey, fieldValue), { maxLength: 6 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,12}$/), nastyText), {
        minLength: 48,
        maxLength: 53,
      }),
    },
  )
  .map((entries) => Object.fromEntries(entries));

export const tag: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('vip', 'VIP', ' Vip ', 'churn-risk', 'Not Kebab', 'invoice', 'İ'.repeat(40)),
  },
  { weight: 4, arbitrary: nastyText },
  { weight: 1, arbitrary: nearLimit(INPUT_LIMITS.tag) },
);

export const tags: fc.Arbitrary<unknown[]> = fc.oneof(
  { weight: 20, arbitrary: fc.array(orWrong(tag, 60), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(tag, { minLength: 48, maxLength: 53 }) },
  { weight: 1, arbitrary: fc.array(nearLimit(INPUT_LIMITS.tag), { minLength: 45, maxLength: 51 }) },
);

// ---- who ----

export const requester = fc.record(
  {
    email: orWrong(email),
    name: orWrong(textUpTo(200)),
    accountId: orWrong(textUpTo(128)),
  },
  { requiredKeys: ['email'] },
);

export const account = fc.record(
  {
    id: orWrong(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('acct-1', 'acct-bigcorp', 'acct-smallshop') },
        { weight: 1, arbitrary: textUpTo(128) },
      ),
    ),
    tier: orWrong(fc.oneof(fc.constantFrom('enterprise', 'startup'), textUpTo(64))),
    segment: orWrong(textUpTo(64)),
    status: orWrong(fc.oneof(fc.constantFrom('active', 'past_due', 'suspended'), textUpTo(32))),
    name: orWrong(textUpTo(200)),
  },
  { requiredKeys: ['id'] },
);

const requestType = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...requestTypes) },
  { weight: 1, arbitrary: nastyText },
);

/** Keys no contract knows; unknown top-level keys are ignored by every door. */
const extras = fc.dictionary(fc.oneof(nastyKey, fc.string({ maxLength: 6 })), wrongType, { maxKeys: 2 });

/** Mostly an object shaped like `shape`, with stray keys; now and then any JSON value at all. */
const body = <T>(shape: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 12, arbitrary: shape },
    {
      weight: 1,
      arbitrary: fc.tuple(shape, extras).map(([s, x]) => ({ ...x, ...(s as object) })),
    },
    { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 4 }), deepNesting) },
  );

// ---- the doors ----

/** `POST /v1/webhooks/{source}`. */
export const webhookBody = body(
  fc.record(
    {
      id: orWrong(fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: textUpTo(200) })),
      subject: orWrong(
        fc.oneof(
          { weight: 4, arbitrary: fc.lorem({ maxCount: 6 }) },
          { weight: 1, arbitrary: textUpTo(998) },
        ),
      ),
      body: orWrong(textUpTo(INPUT_LIMITS.body)),
      requester: orWrong(requester),
      account: orWrong(account),
      requestType: orWrong(requestType),
      fields: orWrong(fields),
      tags: orWrong(tags),
    },
    { requiredKeys: ['id', 'subject', 'body', 'requester'] },
  ),
);

/** `POST /v1/forms/{requestType}`: the request type, and a body with that type's fields (and others). */
export const formSubmission = fc.constantFrom(...requestTypes).chain((type) => {
  const spec = workflowConfig.requestTypes[type];
  const own = Object.entries(spec?.fields ?? {}).map(([name, f]) => [
    name,
    orWrong(
      fc.oneof(
        { weight: 4, arbitrary: f.values ? fc.constantFrom(...f.values) : fc.lorem({ maxCount: 3 }) },
        { weight: 3, arbitrary: nastyText },
        { weight: 1, arbitrary: nearLimit(f.maxLength ?? INPUT_LIMITS.fieldValue) },
      ),
    ),
  ]);
  const typeFields = fc
    .tuple(
      fc.record(Object.fromEntries(own) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] }),
      fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fields }),
    )
    .map(([mine, stray]) => ({ ...stray, ...mine }));
  return fc.record({
    requestType: fc.constant(type),
    body: body(
      fc.record(
        {
          submissionId: orWrong(
            fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: nastyText }),
          ),
          requester: orWrong(
            fc.record({ email: orWrong(email), name: orWrong(textUpTo(200)) }, { requiredKeys: ['email'] }),
          ),
          subject: orWrong(
            fc.oneof(
              { weight: 4, arbitrary: fc.lorem({ maxCount: 5 }) },
              { weight: 1, arbitrary: textUpTo(200) },
            ),
          ),
          description: orWrong(
            fc.oneof(
              { weight: 4, arbitrary: fc.lorem({ maxCount: 20 }) },
              { weight: 1, arbitrary: textUpTo(20_000) },
            ),
          ),
          fields: orWrong(typeFields),
        },
        { requiredKeys: ['requester', 'subject', 'description', 'fields'] },
      ),
    ),
  });
});

const isoTime = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const contact = fc.record(
  { email: orWrong(email), name: orWrong(fc.oneof(fc.constant(''), textUpTo(200))) },
  { requiredKeys: ['email'] },
);
const id = orWrong(
  fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[a-z]{2,5}-[0-9]{1,6}$/) },
    { weight: 1, arbitrary: textUpTo(128) },
  ),
);

const eventDetails: Record<string, fc.Arbitrary<unknown>> = {
  'billing.subscription_cancelled': fc.record(
    {
      accountId: id,
      subscriptionId: id,
      plan: orWrong(textUpTo(128)),
      cancelledAt: orWrong(isoTime),
      effectiveAt: orWrong(isoTime),
      reason: orWrong(textUpTo(2000)),
      contact: orWrong(contact),
    },
    { requiredKeys: ['accountId', 'subscriptionId', 'cancelledAt', 'contact'] },
  ),
  'billing.payment_failed': fc.record(
    {
      accountId: id,
      invoiceId: id,
      amount: orWrong(
        fc.record({
          value: orWrong(fc.double({ min: 0, max: 1e9, noNaN: true })),
          currency: orWrong(fc.oneof(fc.constantFrom('EUR', 'USD'), nastyText)),
        }),
      ),
      attempt: orWrong(fc.integer({ min: 0, max: 10 })),
      failedAt: orWrong(isoTime),
      reason: orWrong(textUpTo(2000)),
      contact: orWrong(contact),
    },
    { requiredKeys: ['accountId', 'invoiceId', 'amount', 'attempt', 'failedAt', 'contact'] },
  ),
  'product.incident_opened': fc.record(
    {
      incidentId: id,
      title: orWrong(textUpTo(500)),
      severity: orWrong(fc.oneof(fc.constantFrom('sev1', 'sev2', 'sev3', 'sev4'), nastyText)),
      startedAt: orWrong(isoTime),
      components: orWrong(fc.array(textUpTo(128), { maxLength: 5 })),
      accountIds: orWrong(fc.array(id, { maxLength: 5 })),
      statusPageUrl: orWrong(fc.oneof(fc.webUrl(), nastyText)),
    },
    { requiredKeys: ['incidentId', 'title', 'severity', 'startedAt', 'components'] },
  ),
};

/** `POST /v1/events/{source}` (and, its `type` and `detail`, an event put on the bus). */
export const eventDelivery = body(
  fc.constantFrom(...EXTERNAL_EVENT_TYPES).chain((type) =>
    fc.record(
      {
        type: orWrong(
          fc.oneof({ weight: 8, arbitrary: fc.constant<string>(type) }, { weight: 1, arbitrary: nastyText }),
        ),
        detail: orWrong(eventDetails[type] ?? fc.object()),
        id: orWrong(fc.oneof({ weight: 6, arbitrary: fc.uuid() }, { weight: 1, arbitrary: textUpTo(200) })),
      },
      { requiredKeys: ['type', 'detail'] },
    ),
  ),
);

const fieldLines = fc
  .array(
    fc.tuple(
      fc.constantFrom(...declaredFields.map(([name, f]) => (name.length % 2 ? name : f.label))),
      fc.constantFrom(':', ' =', ' -'),
      fc.oneof(nastyText, fc.constantFrom(...enumValues, 'INV-1')),
    ),
    { maxLength: 4 },
  )
  .map((lines) => lines.map(([k, sep, v]) => `${k}${sep} ${v}`).join('\n'));

/** An inbound mail as the mail parser hands it over (the parts that make a ticket). */
export const inboundMail = fc.record(
  {
    from: fc.record({ address: email, name: textUpTo(300) }, { requiredKeys: ['address'] }),
    subject: fc.oneof(fc.lorem({ maxCount: 6 }), textUpTo(998)),
    text: fc.oneof(
      { weight: 6, arbitrary: fc.tuple(nastyText, fieldLines, nastyText).map((p) => p.join('\n')) },
      { weight: 1, arbitrary: nearLimit(INPUT_LIMITS.body) },
      { weight: 1, arbitrary: fc.integer({ min: 50_001, max: 200_000 }).map((n) => repeated('€', n)) },
    ),
    messageId: fc.oneof(
      fc.uuid().map((u) => `${u}@mail.example`),
      nearLimit(995),
    ),
    classification: fc.record({
      kind: fc.constantFrom('human', 'auto_reply', 'list', 'bounce') as fc.Arbitrary<
        'human' | 'auto_reply' | 'list' | 'bounce'
      >,
    }),
    attachments: fc.array(
      fc.record({
        filename: textUpTo(300),
        contentType: fc.oneof(fc.constantFrom('application/pdf', 'image/png'), textUpTo(300)),
        size: fc.nat(),
      }),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['subject', 'text', 'classification', 'attachments'] },
);

/** `PATCH /v1/tickets/{id}`. */
export const patchBody = body(
  fc.record(
    {
      priority: orWrong(fc.oneof(fc.constantFrom('low', 'normal', 'high', 'urgent'), nastyText)),
      tags: orWrong(tags),
      fields: orWrong(fields),
    },
    { requiredKeys: [] },
  ),
);

/** `POST /v1/tickets/{id}/messages`. */
export const messageBody = body(
  fc.record(
    {
      visibility: orWrong(fc.oneof(fc.constantFrom('public', 'internal'), nastyText)),
      body: orWrong(textUpTo(INPUT_LIMITS.body)),
    },
    { requiredKeys: ['visibility', 'body'] },
  ),
);

// ---- the agent API's ticket actions, approvals and accounts ----

/** A reason: mostly words, sometimes blank, at or past its limit, or not text. */
const reasonText = (limit: number) =>
  orWrong(
    fc.oneof({ weight: 4, arbitrary: fc.lorem({ maxCount: 8 }) }, { weight: 1, arbitrary: textUpTo(limit) }),
  );

/** A queue id: mostly the config's, sometimes one it does not have. */
const queueId = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Object.keys(workflowConfig.queues)) },
  { weight: 1, arbitrary: nastyText },
);

/** `POST /v1/tickets/{id}/transition`. */
export const transitionBody = body(
  fc.record(
    {
      to: orWrong(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...TicketState.options) },
          { weight: 1, arbitrary: nastyText },
        ),
      ),
      reason: reasonText(1000),
    },
    { requiredKeys: ['to'] },
  ),
);

/** `POST /v1/tickets/{id}/handoff`. */
export const handoffBody = body(
  fc.record({ to: orWrong(queueId), reason: reasonText(1000) }, { requiredKeys: ['to', 'reason'] }),
);

/** `POST /v1/tickets/{id}/assign`: an agent's address, `null` (release), or something else. */
export const assignBody = body(
  fc.record(
    {
      assignee: orWrong(
        fc.oneof(email, fc.constant(null), fc.constantFrom('agent@example.com', 'lead@example.com')),
      ),
    },
    { requiredKeys: ['assignee'] },
  ),
);

/** `POST /v1/tickets/{id}/escalate`. */
export const escalateBody = body(fc.record({ reason: reasonText(1000) }, { requiredKeys: ['reason'] }));

/** `POST /v1/tickets/{id}/merge`: `into` one of `targets` (ids and references), or anything. */
export const mergeBody = (targets: readonly string[]) =>
  body(
    fc.record(
      {
        into: orWrong(
          fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(...targets) },
            { weight: 2, arbitrary: fc.integer({ min: 1, max: 10_000 }).map((n) => `FD-${n}`) },
            { weight: 1, arbitrary: nastyText },
          ),
        ),
        reason: reasonText(1000),
      },
      { requiredKeys: ['into'] },
    ),
  );

const money = fc.record(
  {
    value: orWrong(
      fc.oneof(fc.double({ min: -10, max: 2_000_000_000, noNaN: true }), fc.integer({ min: 1, max: 5000 })),
    ),
    currency: orWrong(fc.oneof(fc.constantFrom('EUR', 'USD', 'GBP', 'CHF'), fc.string({ maxLength: 4 }))),
  },
  { requiredKeys: ['value', 'currency'] },
);

/** `POST /v1/tickets/{id}/approvals`. */
export const approvalRequestBody = body(
  fc.record(
    {
      kind: orWrong(
        fc.oneof(fc.constantFrom('credit', 'refund', 'cancellation', 'access', 'data_change'), nastyText),
      ),
      amount: orWrong(money),
      summary: reasonText(2000),
    },
    { requiredKeys: ['kind', 'summary'] },
  ),
);

/** `POST /v1/approvals/{approvalId}/decision`. */
export const decisionBody = body(
  fc.record(
    { decision: orWrong(fc.constantFrom('approve', 'reject', 'Approve', '')), reason: reasonText(2000) },
    { requiredKeys: ['decision', 'reason'] },
  ),
);

const domainName = fc.oneof({ weight: 12, arbitrary: fc.domain() }, { weight: 1, arbitrary: nastyText });

/** `PUT /v1/accounts/{id}` (the id comes from the path). */
export const accountBody = body(
  fc.record(
    {
      name: orWrong(
        fc.oneof(
          { weight: 4, arbitrary: fc.lorem({ maxCount: 3 }) },
          { weight: 1, arbitrary: textUpTo(200) },
        ),
      ),
      tier: orWrong(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('enterprise', 'startup') },
          { weight: 1, arbitrary: textUpTo(64) },
        ),
      ),
      segment: orWrong(textUpTo(64)),
      status: orWrong(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom('active', 'trial', 'past_due', 'suspended', 'cancelled') },
          { weight: 1, arbitrary: nastyText },
        ),
      ),
      domains: orWrong(fc.array(domainName, { maxLength: 4 })),
      tags: orWrong(fc.array(tag, { maxLength: 4 })),
    },
    { requiredKeys: ['name', 'tier', 'status', 'domains'] },
  ),
);
