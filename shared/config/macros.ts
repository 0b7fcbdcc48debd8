/**
 * Macros: canned answers the team owns as code. A macro is a reply (text with `{{placeholders}}`, public
 * or internal) and actions (state, priority, tags, fields, queue) that an agent previews and applies to a
 * ticket in one write (shared/domain/macros.ts). Checked here against the rest of the config, so a typo in
 * a queue, a field or a placeholder stops `npm start` and `cdk synth` with its path.
 */
import { Priority, TicketState } from '../domain/ticket';
import { INPUT_LIMITS } from '../domain/ticket-input';
import * as z from '../domain/zod';
import { fieldName, kebabId, snakeId, text } from './primitives';

/** The placeholders a macro's reply may use; `{{fields.<name>}}` reads one of the ticket's fields. */
export const macroVariables = [
  'reference',
  'subject',
  // "Hello <name>," or a neutral "Hello," (as the mails say it); {{requesterName}} is empty when unknown.
  'greeting',
  'requesterName',
  'requestTypeLabel',
  // The queue's name and the priority after the macro's actions.
  'queue',
  'priority',
  // Who applies the macro.
  'agentEmail',
] as const;

const tags = z.array(kebabId).check(z.minLength(1), z.maxLength(INPUT_LIMITS.tags));

export const MacroActionsSchema = z.object({
  state: z.optional(TicketState),
  priority: z.optional(Priority),
  tags: z.optional(z.object({ add: z.optional(tags), remove: z.optional(tags) })),
  fields: z.optional(z.record(fieldName, z.string().check(z.maxLength(INPUT_LIMITS.fieldValue)))),
  queue: z.optional(snakeId),
});
export type MacroActions = z.infer<typeof MacroActionsSchema>;

export const MacroSchema = z
  .object({
    title: text.check(z.maxLength(120)),
    reply: z.optional(text.check(z.maxLength(INPUT_LIMITS.body))),
    /** Whether the reply goes to the requester (`public`, mailed) or stays with the team (`internal`). */
    visibility: z.optional(z.enum(['public', 'internal'])),
    actions: z._default(MacroActionsSchema, {}),
  })
  .check(
    z.superRefine((macro, ctx) => {
      if (macro.reply !== undefined && macro.visibility === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['visibility'],
          input: macro,
          message: 'a macro with a reply says whether it is public (mailed) or internal',
        });
      if (macro.reply === undefined && Object.keys(macro.actions).length === 0)
        ctx.addIssue({
          code: 'custom',
          path: [],
          input: macro,
          message: 'a macro needs a reply or an action',
        });
    }),
  );
export type Macro = z.infer<typeof MacroSchema>;

export const MacrosSchema = z._default(z.record(kebabId, MacroSchema), {});

const PLACEHOLDER = /\{\{\s*([^}\s]*)\s*\}\}/g;

/** The placeholders a reply uses that are not macro variables or `fields.<a field some request type has>`. */
export function unknownMacroPlaceholders(reply: string, knownFields: ReadonlySet<string>): string[] {
  return [...reply.matchAll(PLACEHOLDER)]
    .map((m) => m[1] ?? '')
    .filter(
      (name) =>
        !(macroVariables as readonly string[]).includes(name) &&
        !(name.startsWith('fields.') && knownFields.has(name.slice('fields.'.length))),
    );
}

/** Cross-checks of the macros against the rest of the config: queues, fields, placeholders, states. */
export function checkMacros(
  config: {
    readonly macros: Readonly<Record<string, Macro>>;
    readonly queues: Readonly<Record<string, unknown>>;
    readonly requestTypes: Readonly<Record<string, { readonly fields: Readonly<Record<string, unknown>> }>>;
  },
  issue: (path: PropertyKey[], message: string) => void,
): void {
  const knownFields = new Set(Object.values(config.requestTypes).flatMap((rt) => Object.keys(rt.fields)));
  for (const [id, macro] of Object.entries(config.macros)) {
    const path = ['macros', id];
    const { queue, fields, state, tags: tagChange } = macro.actions;
    if (queue !== undefined && !Object.hasOwn(config.queues, queue))
      issue(
        [...path, 'actions', 'queue'],
        `unknown queue "${queue}"; known: ${Object.keys(config.queues).join(', ')}`,
      );
    for (const name of Object.keys(fields ?? {}))
      if (!knownFields.has(name))
        issue([...path, 'actions', 'fields', name], `no request type has a field "${name}"`);
    if (state === 'new') issue([...path, 'actions', 'state'], 'no ticket moves back to new');
    const both = (tagChange?.add ?? []).filter((t) => tagChange?.remove?.includes(t));
    if (both.length > 0)
      issue([...path, 'actions', 'tags'], `tags both added and removed: ${both.join(', ')}`);
    const unknown = unknownMacroPlaceholders(macro.reply ?? '', knownFields);
    if (unknown.length > 0)
      issue(
        [...path, 'reply'],
        `unknown placeholder ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: ${macroVariables.join(', ')}, fields.<field>`,
      );
  }
}
