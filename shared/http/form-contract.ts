import { fieldsSchemaFor } from '../config/fields';
import type { WorkflowConfig } from '../config/schema';
import { Email, Requester } from '../domain';
import { blankAsAbsent } from '../domain/ticket-input';
import * as z from '../domain/zod';

const meta = (title: string, extra: Record<string, unknown> = {}) => ({ title, ...extra });

/**
 * The body of `POST /v1/forms/{requestType}`, built from the workflow config: who asks, what about, and
 * the request type's fields with their required context. Its JSON Schema is what `GET /v1/forms/{type}`
 * serves and what the hosted HTML form is rendered from, so the three cannot disagree.
 */
export function formSubmissionSchema(config: Pick<WorkflowConfig, 'requestTypes'>, requestType: string) {
  const fields = fieldsSchemaFor(config, requestType, { partial: false });
  if (!fields) return undefined;
  return z.object({
    submissionId: z.optional(
      z.uuid().register(
        z.globalRegistry,
        meta('Submission id', {
          description: 'One per form page; repeats are answered with the same ticket.',
        }),
      ),
    ),
    requester: z
      .object({
        // A clone: registering metadata on the shared Email schema would label it everywhere.
        email: Email.clone().register(z.globalRegistry, meta('Your email')),
        // Blank is no name (the read side holds a name to at least one character).
        name: blankAsAbsent(Requester.shape.name).register(z.globalRegistry, meta('Your name')),
      })
      .register(z.globalRegistry, meta('About you')),
    subject: z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
      .check(
        z.trim(),
        z.minLength(1, 'must not be blank'),
        z.maxLength(200, 'must be at most 200 characters'),
      )
      .register(z.globalRegistry, meta('Subject')),
    description: z
      .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
      .check(
        z.trim(),
        z.minLength(1, 'must not be blank'),
        z.maxLength(20_000, 'must be at most 20000 characters'),
      )
      .register(z.globalRegistry, meta('Describe your request', { 'x-frontdoor-type': 'text' })),
    // A request type without fields (general_question) has no controls for them, so its hosted form sends
    // no `fields`: an absent object is the empty one.
    fields: (Object.keys(fields.shape).length === 0 ? z._default(fields, {}) : fields).register(
      z.globalRegistry,
      meta(config.requestTypes[requestType]?.label ?? 'Details'),
    ),
  });
}
export type FormSubmission = z.infer<NonNullable<ReturnType<typeof formSubmissionSchema>>>;

/** The schema of a form as JSON Schema (draft 2020-12), describing what a client sends. */
export function formJsonSchema(config: Pick<WorkflowConfig, 'requestTypes'>, requestType: string) {
  const schema = formSubmissionSchema(config, requestType);
  if (!schema) return undefined;
  const spec = config.requestTypes[requestType];
  return {
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    title: spec?.label ?? requestType,
    ...(spec?.description ? { description: spec.description } : {}),
  } as Record<string, unknown>;
}

/** The JSON Schema of only some of a request type's fields (the needs-info page asks for just those). */
export function contextJsonSchema(
  config: Pick<WorkflowConfig, 'requestTypes'>,
  requestType: string,
  names: readonly string[],
) {
  const spec = config.requestTypes[requestType];
  if (!spec) return undefined;
  const full = fieldsSchemaFor(config, requestType, { partial: false });
  if (!full) return undefined;
  const picked = Object.fromEntries(Object.entries(full.shape).filter(([name]) => names.includes(name)));
  const schema = z.object({ fields: z.object(picked).register(z.globalRegistry, meta(spec.label)) });
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

const FIELDS_REQUIRED = 'an object of field values is required';

/**
 * The body of `POST /v1/context/{token}` (the needs-info form): `{ fields: { <name>: value } }`, every value
 * taken as text — a number or a boolean as written, `null` as blank (the use case checks the fields the link
 * asked for). An object or a list as a value is refused naming its field; anything else naming `fields`.
 */
export const ContextAnswerBody = z.pipe(
  z.transform((body: unknown) => ({
    fields: typeof body === 'object' && body !== null ? (body as { fields?: unknown }).fields : undefined,
  })),
  z.object({
    fields: z.pipe(
      z
        .custom<object>((fields) => typeof fields === 'object' && fields !== null, FIELDS_REQUIRED)
        .check(
          z.superRefine((fields, ctx) => {
            for (const [name, value] of Object.entries(fields))
              if (typeof value === 'object' && value !== null)
                ctx.issues.push({ code: 'custom', input: value, path: [name], message: 'must be text' });
          }),
        ),
      // Only text, numbers, booleans and null are left: `String` cannot throw on them (it would on an
      // object whose `toString` key is not a function, e.g. `{"toString": 1}`).
      z.transform((fields) =>
        Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : String(v ?? '')]),
        ),
      ),
    ),
  }),
);
