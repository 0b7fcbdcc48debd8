/**
 * Integration rules: what Frontdoor does when another system reports a fact on the bus
 * (`billing.subscription_cancelled` …): tag or update the account, open a proactive ticket, mail its
 * requester, link it with related tickets. Rules are evaluated in the order written; every rule whose
 * event and `when` match applies, each action once per fact (see shared/domain/integrations.ts).
 */
import { AccountStatus } from '../domain/account';
import {
  type DetailFieldKind,
  detailFields,
  EXTERNAL_EVENT_TYPES,
  type ExternalEventType,
} from '../domain/external-events';
import { Email, Priority } from '../domain/ticket';
import * as z from '../domain/zod';
import { fieldName, kebabId, snakeId, text } from './primitives';

export const ExternalEventTypeSchema = z.enum(
  EXTERNAL_EVENT_TYPES as [ExternalEventType, ...ExternalEventType[]],
);

/** Account facts a condition may look at (the account as the directory knows it before the rule acts). */
export const integrationAccountFields = [
  'account.tier',
  'account.status',
  'account.segment',
  'account.tags',
] as const;

const IntegrationConditionField = z
  .string()
  .check(
    z.regex(
      /^(detail(\.[A-Za-z][A-Za-z0-9]*)+|account\.(tier|status|segment|tags))$/,
      `must be detail.<field> or one of ${integrationAccountFields.join(', ')}`,
    ),
  );

export const IntegrationConditionSchema = z.discriminatedUnion('op', [
  z.object({ field: IntegrationConditionField, op: z.literal('equals'), value: text }),
  z.object({
    field: IntegrationConditionField,
    op: z.literal('in'),
    value: z.array(text).check(z.minLength(1)),
  }),
  z.object({ field: IntegrationConditionField, op: z.literal('exists') }),
]);
export type IntegrationCondition = z.infer<typeof IntegrationConditionSchema>;

/** Text with `{{detail.<field>}}` placeholders, filled from the event's detail. */
const template = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const IntegrationActionSchema = z.discriminatedUnion('do', [
  /** Adds tags to the account (a set: a tag it already has is not added twice). */
  z.object({ do: z.literal('tag_account'), tags: z.array(kebabId).check(z.minLength(1), z.maxLength(10)) }),
  z.object({ do: z.literal('update_account'), status: AccountStatus }),
  /**
   * A proactive ticket on the `event` channel, requested by the event's contact (or `requester`, for
   * events that name nobody). `priority` and `queue` win over triage: the rule is the more specific word.
   */
  z.object({
    do: z.literal('open_ticket'),
    requestType: snakeId,
    /** `incident`: the ticket is an incident (its rule takes the affected accounts' new tickets at intake). */
    kind: z._default(z.enum(['ticket', 'incident']), 'ticket'),
    subject: template(998),
    /** The ticket's first (internal) message; absent = the event's detail, one field a line. */
    body: z.optional(template(20_000)),
    priority: z.optional(Priority),
    queue: z.optional(snakeId),
    tags: z.optional(z.array(kebabId).check(z.minLength(1))),
    /** The request type's context, filled from the event. */
    fields: z.optional(z.record(fieldName, template(2000))),
    requester: z.optional(
      z.object({
        email: Email,
        name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
      }),
    ),
  }),
  /**
   * A proactive mail to the requester of the ticket this rule opened: an outbound public message on
   * that ticket, sent by the notifier in the `proactive` template (its subject is the ticket's).
   */
  z.object({ do: z.literal('send_mail'), text: template(20_000) }),
  /**
   * Links the rule's ticket with related open tickets, both ways: the requester's own (`requester`, the
   * requester index) or the affected accounts' (`affected_accounts`, the queue views).
   */
  z.object({
    do: z.literal('link_tickets'),
    with: z.enum(['requester', 'affected_accounts']),
    /** `affects`: the rule's ticket is an incident the linked tickets are affected by. */
    relation: z._default(z.enum(['related', 'affects']), 'related'),
    /** At most this many tickets are linked per fact. */
    limit: z._default(z.int().check(z.minimum(1), z.maximum(50)), 25),
  }),
]);
export type IntegrationAction = z.infer<typeof IntegrationActionSchema>;

export const IntegrationRuleSchema = z.object({
  description: text,
  on: ExternalEventTypeSchema,
  /** Every condition must hold; absent = every event of the type. */
  when: z.optional(z.array(IntegrationConditionSchema).check(z.minLength(1))),
  actions: z.array(IntegrationActionSchema).check(z.minLength(1)),
});
export type IntegrationRule = z.infer<typeof IntegrationRuleSchema>;

/** `{{ detail.contact.email }}` → `detail.contact.email`, for every placeholder in a template. */
export function placeholdersIn(s: string): string[] {
  return [...s.matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)].map((m) => m[1] ?? '');
}

interface CheckedConfig {
  readonly integrationRules: Readonly<Record<string, IntegrationRule>>;
  readonly requestTypes: Readonly<
    Record<string, { readonly fields: Readonly<Record<string, { readonly required: boolean }>> }>
  >;
  readonly queues: Readonly<Record<string, unknown>>;
}

/** Cross-checks of the rules against the rest of the config and against the event catalog. */
export function checkIntegrationRules(
  config: CheckedConfig,
  issue: (path: PropertyKey[], message: string) => void,
): void {
  const known = (ids: string[]) => ids.join(', ') || '(none)';
  for (const [id, rule] of Object.entries(config.integrationRules)) {
    const base = ['integrationRules', id];
    const fields = detailFields(rule.on);
    const hasAccount = fields.has('accountId');
    const hasContact = fields.has('contact.email');
    const checkPath = (path: PropertyKey[], detailPath: string, what: string) => {
      const kind = fields.get(detailPath);
      if (kind === undefined)
        issue(path, `${rule.on} has no ${what} "detail.${detailPath}"; it has: ${leaves(fields)}`);
      else if (kind === 'object')
        issue(
          path,
          `detail.${detailPath} is an object; name one of its fields: ${leaves(fields, detailPath)}`,
        );
    };
    const checkTemplate = (path: PropertyKey[], s: string) => {
      for (const p of placeholdersIn(s)) {
        if (!p.startsWith('detail.')) issue(path, `unknown placeholder {{${p}}}; use {{detail.<field>}}`);
        else checkPath(path, p.slice('detail.'.length), 'field');
      }
    };

    for (const [i, condition] of (rule.when ?? []).entries()) {
      const path = [...base, 'when', i, 'field'];
      if (condition.field.startsWith('detail.'))
        checkPath(path, condition.field.slice('detail.'.length), 'field');
      else if (!hasAccount) issue(path, `${rule.on} names no account, so ${condition.field} is never known`);
    }

    let opened = false;
    let openedIncident = false;
    for (const [i, action] of rule.actions.entries()) {
      const path = [...base, 'actions', i];
      switch (action.do) {
        case 'tag_account':
        case 'update_account':
          if (!hasAccount)
            issue([...path, 'do'], `${rule.on} names no account to ${action.do.replace('_', ' ')}`);
          break;
        case 'open_ticket': {
          if (opened)
            issue(
              [...path, 'do'],
              'a rule opens at most one ticket per event; write a second rule for another',
            );
          opened = true;
          openedIncident = action.kind === 'incident';
          const spec = Object.hasOwn(config.requestTypes, action.requestType)
            ? config.requestTypes[action.requestType]
            : undefined;
          if (!spec)
            issue(
              [...path, 'requestType'],
              `unknown request type "${action.requestType}"; known: ${known(Object.keys(config.requestTypes))}`,
            );
          if (action.queue !== undefined && !Object.hasOwn(config.queues, action.queue))
            issue(
              [...path, 'queue'],
              `unknown queue "${action.queue}"; known: ${known(Object.keys(config.queues))}`,
            );
          if (!hasContact && action.requester === undefined)
            issue([...path, 'requester'], `${rule.on} names no contact; say who the ticket's requester is`);
          checkTemplate([...path, 'subject'], action.subject);
          if (action.body !== undefined) checkTemplate([...path, 'body'], action.body);
          for (const [name, value] of Object.entries(action.fields ?? {})) {
            if (spec && !Object.hasOwn(spec.fields, name))
              issue(
                [...path, 'fields', name],
                `request type ${action.requestType} has no field "${name}"; it has: ${known(Object.keys(spec.fields))}`,
              );
            checkTemplate([...path, 'fields', name], value);
          }
          // A required field left out would put the proactive ticket in needs_info and ask the customer for it.
          const missing = Object.entries(spec?.fields ?? {})
            .filter(([name, f]) => f.required && action.fields?.[name] === undefined)
            .map(([name]) => name);
          if (missing.length > 0)
            issue(
              [...path, 'fields'],
              `request type ${action.requestType} requires ${missing.join(', ')}; fill them from the event`,
            );
          break;
        }
        case 'send_mail':
          if (!opened)
            issue(
              [...path, 'do'],
              'send_mail mails the requester of the ticket this rule opens: open_ticket first',
            );
          checkTemplate([...path, 'text'], action.text);
          break;
        case 'link_tickets':
          if (!opened)
            issue([...path, 'do'], 'link_tickets links the ticket this rule opens: open_ticket first');
          if (action.relation === 'affects' && !openedIncident)
            issue(
              [...path, 'relation'],
              "only an incident affects tickets: open_ticket with kind 'incident' first",
            );
          if (action.with === 'affected_accounts' && !fields.has('accountIds'))
            issue([...path, 'with'], `${rule.on} lists no affected accounts (detail.accountIds)`);
          break;
      }
    }
  }
}

/** The printable paths of a detail (under `prefix`, when given), for messages. */
function leaves(fields: ReadonlyMap<string, DetailFieldKind>, prefix?: string): string {
  return [...fields]
    .filter(([p, kind]) => kind !== 'object' && (prefix === undefined || p.startsWith(`${prefix}.`)))
    .map(([p]) => `detail.${p}`)
    .join(', ');
}
