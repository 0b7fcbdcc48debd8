import type { IntegrationCondition, IntegrationRule } from '../config/integrations';
import type { WorkflowConfig } from '../config/schema';
import type { Account, AccountStatus } from './account';
import { type Actor, type AuditEvent, auditEvent } from './audit';
import type { Issue } from './errors';
import { messageAddedEvent, type TicketMessageAddedEvent, ticketCreatedEvent } from './events';
import {
  businessKeyOf,
  EXTERNAL_EVENT_TYPES,
  type ExternalEvent,
  externalEvents,
  isExternalEventType,
} from './external-events';
import { type OpenTicketContext, type OpenTicketResult, openTicket } from './intake';
import { openingSla } from './sla';
import type { IncidentRule, Message, Priority, Ticket, TicketDraft, TicketLink } from './ticket';
import { cut, INPUT_LIMITS, requesterNameFrom } from './ticket-input';

// Integration rules, decided purely: is an external event well-formed, which rules match it, and what
// each of their actions would write. Every write is keyed by the rule and the fact's business key (the
// "cause"), so the use case can tell a fact it has already acted on from a new one.

/** An external event checked against the catalog, or the problems with it (paths like `detail.contact.email`). */
export type ParsedExternalEvent =
  | { readonly ok: true; readonly event: ExternalEvent }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** The problem with an event type, if it is not one of the catalog's. */
export function externalEventTypeIssue(type: unknown): Issue | undefined {
  if (isExternalEventType(type)) return undefined;
  const given = typeof type === 'string' ? `unknown event type "${type}"` : 'an event type is required';
  return { path: 'type', message: `${given}; known: ${EXTERNAL_EVENT_TYPES.join(', ')}` };
}

export function parseExternalEvent(input: {
  readonly type: unknown;
  readonly detail: unknown;
}): ParsedExternalEvent {
  const { type } = input;
  if (!isExternalEventType(type)) {
    const issue = externalEventTypeIssue(type);
    return { ok: false, issues: issue ? [issue] : [] };
  }
  const parsed = externalEvents[type].safeParse(input.detail);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: detailPath(i.path), message: i.message })),
    };
  }
  // The catalog's schema for `type` parsed it, so the pair is one of the union's members.
  return { ok: true, event: { type, detail: parsed.data } as ExternalEvent };
}

function detailPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
    'detail',
  );
}

/** `<rule>:<business key>`: what every write a rule makes for one fact is keyed by. */
export function causeOf(ruleId: string, event: ExternalEvent): string {
  return `${ruleId}:${businessKeyOf(event)}`;
}

export const integrationActor = (ruleId: string): Actor => ({
  kind: 'integration',
  id: `integration:${ruleId}`,
});

/** The values at a detail path, as text: absent → none, a list → each element. */
function detailValues(detail: unknown, path: string): string[] {
  let node: unknown = detail;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, key))
      return [];
    node = (node as Record<string, unknown>)[key];
  }
  const items = Array.isArray(node) ? node : [node];
  return items.flatMap((v) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : [],
  );
}

function conditionValues(
  condition: IntegrationCondition,
  event: ExternalEvent,
  account: Account | undefined,
): string[] {
  const { field } = condition;
  if (field.startsWith('detail.')) return detailValues(event.detail, field.slice('detail.'.length));
  if (!account) return [];
  switch (field) {
    case 'account.tier':
      return [account.tier];
    case 'account.status':
      return [account.status];
    case 'account.segment':
      return account.segment ? [account.segment] : [];
    case 'account.tags':
      return [...(account.tags ?? [])];
    default:
      return [];
  }
}

/** Case-insensitive, like triage conditions; a condition on an unknown account never holds. */
export function conditionHolds(
  condition: IntegrationCondition,
  event: ExternalEvent,
  account: Account | undefined,
): boolean {
  const values = conditionValues(condition, event, account).map((v) => v.toLowerCase());
  switch (condition.op) {
    case 'exists':
      return values.some((v) => v.trim() !== '');
    case 'equals':
      return values.includes(condition.value.toLowerCase());
    case 'in':
      return condition.value.some((w) => values.includes(w.toLowerCase()));
  }
}

/** A rule applies to an event of its type whose every condition holds (conditions see the account as it is now). */
export function ruleMatches(
  rule: IntegrationRule,
  event: ExternalEvent,
  account: Account | undefined,
): boolean {
  return rule.on === event.type && (rule.when ?? []).every((c) => conditionHolds(c, event, account));
}

/** The rules for this event whose conditions hold, in the order the config lists them. */
export function matchingRules(
  config: Pick<WorkflowConfig, 'integrationRules'>,
  event: ExternalEvent,
  account: Account | undefined,
): Array<{ readonly id: string; readonly rule: IntegrationRule }> {
  return Object.entries(config.integrationRules)
    .filter(
      ([, rule]) =>
        rule.on === event.type && (rule.when ?? []).every((c) => conditionHolds(c, event, account)),
    )
    .map(([id, rule]) => ({ id, rule }));
}

/** `{{detail.<path>}}` filled from the event; a list prints comma-separated, an absent value as nothing. */
export function renderEventTemplate(template: string, event: ExternalEvent): string {
  return template.replace(/\{\{\s*([^}\s]*)\s*\}\}/g, (_, name: string) =>
    name.startsWith('detail.') ? detailValues(event.detail, name.slice('detail.'.length)).join(', ') : '',
  );
}

/** The detail as agents read it: one `path: value` line per field present. */
export function describeEvent(event: ExternalEvent): string {
  const lines: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const [k, v] of Object.entries(node)) walk(v, path === '' ? k : `${path}.${k}`);
      return;
    }
    const values = detailValues({ v: node }, 'v');
    if (values.length > 0) lines.push(`${path}: ${values.join(', ')}`);
  };
  walk(event.detail, '');
  return [`${event.type} (reported by ${event.type.split('.')[0]})`, '', ...lines].join('\n');
}

export interface AccountChange {
  /** Added as a set: tags the account already has stay as they are. */
  readonly addTags: readonly string[];
  readonly status?: AccountStatus;
}

export interface ProactiveTicketPlan {
  readonly draft: TicketDraft;
  /** The rule's word on priority and queue wins over triage and routing. */
  readonly priority?: Priority;
  readonly queue?: string;
  /** An incident: its title and intake rule (the event's affected accounts). */
  readonly incident?: { readonly title: string; readonly rule: IncidentRule };
  /** The ticket is created once per rule and fact: `DEDUPE#integration#<rule>:<business key>`. */
  readonly dedupe: { readonly channel: 'integration'; readonly key: string };
}

export interface LinkPlan {
  readonly with: 'requester' | 'affected_accounts';
  readonly relation: TicketLink['relation'];
  readonly limit: number;
  /** `affected_accounts`: whose open tickets. */
  readonly accountIds: readonly string[];
}

/** What one rule would do about one fact. */
export interface RulePlan {
  readonly ruleId: string;
  readonly cause: string;
  readonly actor: Actor;
  readonly account?: { readonly id: string; readonly change: AccountChange };
  readonly ticket?: ProactiveTicketPlan;
  readonly mail?: { readonly text: string };
  readonly links?: LinkPlan;
}

const SUBJECT_MAX = 998;

/**
 * A matching rule's actions, as data: account changes merged into one (tags as a set, the last status
 * named wins), the proactive ticket's draft, the mail's text and what to link. Field values longer than
 * the request type allows are cut rather than refused: the fact happened, the ticket must exist.
 */
export function planRule(input: {
  readonly ruleId: string;
  readonly rule: IntegrationRule;
  readonly event: ExternalEvent;
  readonly config: Pick<WorkflowConfig, 'requestTypes'>;
}): RulePlan {
  const { ruleId, rule, event } = input;
  const detail: Record<string, unknown> = event.detail;
  const accountId = typeof detail.accountId === 'string' ? detail.accountId : undefined;
  const contact = detail.contact as { email: string; name?: string } | undefined;
  const cause = causeOf(ruleId, event);
  const plan: {
    -readonly [K in keyof RulePlan]: RulePlan[K];
  } = { ruleId, cause, actor: integrationActor(ruleId) };

  let addTags: string[] = [];
  let status: AccountStatus | undefined;
  for (const action of rule.actions) {
    switch (action.do) {
      case 'tag_account':
        addTags = [...new Set([...addTags, ...action.tags])];
        break;
      case 'update_account':
        status = action.status;
        break;
      case 'open_ticket': {
        const requester = contact ?? action.requester;
        if (!requester) break; // The config check refuses a rule like this; nothing to address it to.
        const spec = input.config.requestTypes[action.requestType];
        const fields = Object.fromEntries(
          Object.entries(action.fields ?? {}).map(([name, template]) => {
            const value = renderEventTemplate(template, event).trim();
            const max = spec?.fields[name]?.maxLength;
            return [name, max !== undefined ? cut(value, max) : value];
          }),
        );
        const subject = renderEventTemplate(action.subject, event).replace(/\s+/g, ' ').trim();
        const name = requesterNameFrom(requester.name);
        plan.ticket = {
          draft: {
            channel: 'event',
            source: event.type,
            externalId: cut(businessKeyOf(event), 998),
            subject: cut(subject || event.type, SUBJECT_MAX),
            // Cut like the other values: a long list in the event must not make the message unstorable.
            body: cut(
              action.body !== undefined ? renderEventTemplate(action.body, event) : describeEvent(event),
              INPUT_LIMITS.body,
            ),
            requester: {
              email: requester.email,
              ...(name !== undefined ? { name } : {}),
              ...(accountId !== undefined ? { accountId } : {}),
            },
            ...(accountId !== undefined ? { account: { id: accountId } } : {}),
            requestType: action.requestType,
            fields,
            tags: [...(action.tags ?? [])],
          },
          ...(action.priority !== undefined ? { priority: action.priority } : {}),
          ...(action.queue !== undefined ? { queue: action.queue } : {}),
          ...(action.kind === 'incident'
            ? { incident: { title: cut(subject || event.type, 200), rule: affectedAccountsRule(detail) } }
            : {}),
          dedupe: { channel: 'integration', key: cause },
        };
        break;
      }
      case 'send_mail':
        plan.mail = { text: cut(renderEventTemplate(action.text, event), INPUT_LIMITS.body) };
        break;
      case 'link_tickets': {
        const ids = detail.accountIds;
        plan.links = {
          with: action.with,
          relation: action.relation,
          limit: action.limit,
          accountIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
        };
        break;
      }
    }
  }
  if (accountId !== undefined && (addTags.length > 0 || status !== undefined)) {
    plan.account = { id: accountId, change: { addTags, ...(status !== undefined ? { status } : {}) } };
  }
  return plan;
}

/** An incident rule from an event: the affected accounts' new tickets (at most 100 accounts). */
function affectedAccountsRule(detail: Record<string, unknown>): IncidentRule {
  const ids = Array.isArray(detail.accountIds) ? detail.accountIds : [];
  const accountIds = [...new Set(ids.filter((x): x is string => typeof x === 'string' && x.length <= 128))];
  return { accountIds: accountIds.slice(0, 100), requestTypes: [], keywords: [] };
}

/**
 * The account after a change, or undefined when the change is already true of it (which is what makes
 * applying the same fact twice change nothing the second time).
 */
export function changeAccount(
  account: Account,
  change: AccountChange,
):
  | { readonly account: Account; readonly before: AccountSnapshot; readonly after: AccountSnapshot }
  | undefined {
  const tags = account.tags ?? [];
  const added = change.addTags.filter((t) => !tags.includes(t));
  const status = change.status ?? account.status;
  if (added.length === 0 && status === account.status) return undefined;
  const next: Account = { ...account, tags: [...tags, ...added], status };
  return {
    account: next,
    before: { status: account.status, tags },
    after: { status: next.status, tags: next.tags ?? [] },
  };
}

export interface AccountSnapshot {
  readonly status: AccountStatus;
  readonly tags: readonly string[];
}

/**
 * Opens the proactive ticket: the same `openTicket` every channel uses (triage, SLA, audit), then the
 * rule's priority/queue on top (the SLA follows the final priority), and a first message that says what
 * it is — the other system's report, internal and written by the integration, not by the customer.
 */
export function openProactiveTicket(
  plan: ProactiveTicketPlan,
  ctx: OpenTicketContext & { readonly ruleId: string },
): OpenTicketResult {
  const opened = openTicket(plan.draft, ctx);
  if (!opened.ok) return opened;
  const message: Message = {
    ...opened.message,
    visibility: 'internal',
    author: { kind: 'integration', name: plan.draft.source },
  };
  let ticket: Ticket = plan.incident
    ? {
        ...opened.ticket,
        kind: 'incident',
        incident: {
          ...plan.incident,
          declaredBy: ctx.actor.id,
          declaredAt: ctx.now.toISOString(),
        },
      }
    : opened.ticket;
  if (plan.priority !== undefined || plan.queue !== undefined) {
    const { sla: _triaged, ...rest } = ticket;
    const overridden: Ticket = {
      ...rest,
      priority: plan.priority ?? ticket.priority,
      queue: plan.queue ?? ticket.queue,
    };
    ticket = { ...overridden, ...openingSla(overridden, [message], ctx.config, ctx.now) };
  }
  const audit = opened.audit.map((a) =>
    a.action === 'ticket.triaged'
      ? {
          ...a,
          after: {
            ...a.after,
            priority: ticket.priority,
            queue: ticket.queue,
            slaPolicy: ticket.slaPolicy,
            matchedRules: [
              ...(Array.isArray(a.after?.matchedRules) ? a.after.matchedRules : []),
              `integration:${ctx.ruleId}`,
            ],
          },
        }
      : a,
  );
  return { ok: true, ticket, message, audit, events: [ticketCreatedEvent(ticket)] };
}

export type ProactiveMail =
  | {
      readonly kind: 'written';
      readonly ticket: Ticket;
      readonly message: Message;
      readonly audit: AuditEvent[];
      readonly event: TicketMessageAddedEvent;
    }
  /** This rule already wrote it for this fact; `mailed` once the notifier recorded sending it. */
  | {
      readonly kind: 'exists';
      readonly messageId: string;
      readonly version: number;
      readonly at: string;
      readonly mailed: boolean;
    };

/**
 * The proactive mail as an outbound public message by the integration on the rule's ticket, and the
 * `ticket.message_added` (deliver) that makes the notifier send it in the `proactive` template. The
 * audit entry carries the cause: a second delivery of the fact finds it and writes nothing.
 */
export function proactiveMail(
  history: { readonly ticket: Ticket; readonly audit: readonly AuditEvent[] },
  input: {
    readonly text: string;
    readonly cause: string;
    readonly actor: Actor;
    readonly now: Date;
    readonly newId: () => string;
  },
): ProactiveMail {
  const { ticket } = history;
  const written = history.audit.find(
    (a) => a.action === 'ticket.message_added' && a.after?.cause === input.cause,
  );
  if (written) {
    const version = Number(written.after?.version);
    return {
      kind: 'exists',
      messageId: String(written.after?.messageId),
      version,
      at: written.at,
      // The notifier records what it sent with the event that asked for it (send-notification.ts).
      mailed: history.audit.some(
        (a) => a.action === 'mail.sent' && a.after?.cause === `ticket.message_added@${version}`,
      ),
    };
  }
  const next: Ticket = {
    ...ticket,
    version: ticket.version + 1,
    updatedAt: input.now.toISOString(),
    auditSeq: ticket.auditSeq + 1,
  };
  const message: Message = {
    id: input.newId(),
    ticketId: ticket.id,
    direction: 'outbound',
    visibility: 'public',
    channel: 'email',
    author: { kind: 'integration', name: input.actor.id },
    subject: ticket.subject,
    body: input.text,
    to: [ticket.requester.email],
    attachments: [],
    createdAt: input.now.toISOString(),
  };
  const audit = [
    auditEvent({
      newId: input.newId,
      ticketId: ticket.id,
      seq: next.auditSeq,
      at: input.now,
      actor: input.actor,
      action: 'ticket.message_added',
      before: null,
      after: {
        messageId: message.id,
        direction: message.direction,
        channel: message.channel,
        visibility: message.visibility,
        cause: input.cause,
        version: next.version,
      },
    }),
  ];
  return { kind: 'written', ticket: next, message, audit, event: messageAddedEvent(next, message, true) };
}

const INVERSE: Readonly<Record<TicketLink['relation'], TicketLink['relation']>> = {
  related: 'related',
  duplicate_of: 'duplicated_by',
  duplicated_by: 'duplicate_of',
  affects: 'affected_by',
  affected_by: 'affects',
};

export function inverseRelation(relation: TicketLink['relation']): TicketLink['relation'] {
  return INVERSE[relation];
}

/** Tickets a link can be made to: still open, not an incident. */
export function isLinkable(ticket: Pick<Ticket, 'state' | 'kind'>): boolean {
  return ticket.state !== 'resolved' && ticket.state !== 'closed' && ticket.kind !== 'incident';
}

/**
 * Links a ticket with others (one side of each link; the caller writes the other side on the other
 * ticket). A set: links it already has are not added again, and nothing new means no revision at all.
 */
export function linkTicket(
  ticket: Ticket,
  others: ReadonlyArray<Pick<Ticket, 'id' | 'reference'>>,
  input: {
    readonly relation: TicketLink['relation'];
    readonly by: string;
    readonly cause: string;
    readonly actor: Actor;
    readonly now: Date;
    readonly newId: () => string;
  },
): { readonly ticket: Ticket; readonly audit: AuditEvent[]; readonly added: TicketLink[] } | undefined {
  const seen = new Set(ticket.links.map((l) => `${l.ticketId}#${l.relation}`));
  const added: TicketLink[] = [];
  for (const other of others) {
    const key = `${other.id}#${input.relation}`;
    if (other.id === ticket.id || seen.has(key)) continue;
    seen.add(key);
    added.push({
      ticketId: other.id,
      reference: other.reference,
      relation: input.relation,
      by: input.by,
      at: input.now.toISOString(),
    });
  }
  if (added.length === 0) return undefined;
  const audit = added.map((link, i) =>
    auditEvent({
      newId: input.newId,
      ticketId: ticket.id,
      seq: ticket.auditSeq + 1 + i,
      at: input.now,
      actor: input.actor,
      action: 'ticket.linked',
      before: null,
      after: {
        ticketId: link.ticketId,
        reference: link.reference,
        relation: link.relation,
        cause: input.cause,
      },
    }),
  );
  const next: Ticket = {
    ...ticket,
    links: [...ticket.links, ...added],
    version: ticket.version + 1,
    updatedAt: input.now.toISOString(),
    auditSeq: ticket.auditSeq + added.length,
  };
  return { ticket: next, audit, added };
}
