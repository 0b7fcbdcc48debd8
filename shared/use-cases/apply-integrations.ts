import type { WorkflowConfig } from '../config';
import {
  type Account,
  DomainError,
  enrichAccount,
  formatReference,
  type Issue,
  newId,
  type Ticket,
} from '../domain';
import { businessKeyOf, type ExternalEvent } from '../domain/external-events';
import { isOpenTicket } from '../domain/incident';
import {
  causeOf,
  inverseRelation,
  isLinkable,
  type LinkPlan,
  linkTicket,
  openProactiveTicket,
  parseExternalEvent,
  planRule,
  proactiveMail,
  type RulePlan,
  ruleMatches,
} from '../domain/integrations';
import { openIncidentOf } from './incident-links';
import {
  type AccountChangeOutcome,
  type AccountDirectoryPort,
  type Clock,
  ConcurrentUpdateError,
  type IncidentRegistryPort,
  type IntegrationLedgerPort,
  type RelatedTicketsPort,
  type TicketRepositoryPort,
} from './ports';
import { changeTicket } from './ticket-change';

export interface ApplyIntegrationsPorts {
  readonly tickets: Pick<
    TicketRepositoryPort,
    'findDuplicate' | 'nextReferenceNumber' | 'create' | 'get' | 'history' | 'append' | 'listByRequester'
  >;
  readonly accounts: Pick<AccountDirectoryPort, 'get' | 'change'>;
  readonly related: Pick<RelatedTicketsPort, 'openTicketsOfAccounts'>;
  readonly ledger: Pick<IntegrationLedgerPort, 'applied' | 'markApplied'>;
  /** Where an incident the rule opens is announced to intake (absent: it takes no new ticket by itself). */
  readonly incidents?: Pick<IncidentRegistryPort, 'put'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

/** What one rule did about one fact (no addresses: this is what gets logged). */
export interface RuleOutcome {
  readonly rule: string;
  readonly cause: string;
  readonly kind: 'applied' | 'already_applied' | 'not_matched';
  readonly account?: AccountChangeOutcome['kind'];
  readonly ticket?: { readonly ticketId: string; readonly reference: string; readonly created: boolean };
  readonly mail?: 'written' | 'already_written';
  /** References newly linked with the rule's ticket. */
  readonly linked?: readonly string[];
  /** Events this delivery wrote to the outbox for this rule (0 for a fact already applied). */
  readonly announced: number;
}

export type ApplyIntegrationsResult =
  | { readonly kind: 'invalid'; readonly issues: readonly Issue[] }
  | {
      readonly kind: 'handled';
      readonly type: ExternalEvent['type'];
      readonly businessKey: string;
      readonly rules: readonly RuleOutcome[];
    };

/** A rule could not act (e.g. its ticket was refused): retrying cannot help, so the event goes to the DLQ. */
export class IntegrationRuleError extends DomainError {
  override readonly name = 'IntegrationRuleError';
  readonly code = 'INTEGRATION.RULE_FAILED';
}

const DEDUPE_DAYS = 90;
const MAX_CONFLICT_RETRIES = 3;

/**
 * Another system reported a fact (`billing.subscription_cancelled` …): the integration rules act on it,
 * once per fact however often it arrives.
 * Primary course:
 *  1. check the event against the catalog (unknown type or bad detail → `invalid`, nothing written);
 *  2. for each rule on this event type, in config order: a fact the rule has completely applied before
 *     (its ledger entry, keyed `<rule>:<business key>`) is skipped; a rule whose `when` fails is skipped;
 *  3. update the account (tags as a set, status) — unchanged if already so, skipped if the directory
 *     does not know the account;
 *  4. open the proactive ticket (dedupe key `integration#<rule>:<business key>`, channel `event`, the
 *     event's contact as requester);
 *  5. write the proactive mail on it, unless this rule already wrote it for this fact;
 *  6. link it with related open tickets, both ways (a set: existing links stay single);
 *  7. record the fact as applied. What was new is announced by the writes themselves (`ticket.created`,
 *     `ticket.message_added` with deliver → the notifier mails) through the outbox, so a delivery that
 *     failed before step 7 finished redoes 3–6 (each a no-op now) and announces nothing twice.
 */
export async function applyIntegrations(
  input: { readonly type: unknown; readonly detail: unknown },
  ports: ApplyIntegrationsPorts,
): Promise<ApplyIntegrationsResult> {
  const parsed = parseExternalEvent(input);
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };
  const { event } = parsed;

  const accountId = 'accountId' in event.detail ? event.detail.accountId : undefined;
  let account = accountId !== undefined ? await ports.accounts.get(accountId) : undefined;
  const rules: RuleOutcome[] = [];
  for (const [ruleId, rule] of Object.entries(ports.config.integrationRules)) {
    if (rule.on !== event.type) continue;
    const cause = causeOf(ruleId, event);
    if (await ports.ledger.applied(cause)) {
      rules.push({ rule: ruleId, cause, kind: 'already_applied', announced: 0 });
      continue;
    }
    // Conditions see the account as it is now, including what earlier rules did to it.
    if (!ruleMatches(rule, event, account)) {
      rules.push({ rule: ruleId, cause, kind: 'not_matched', announced: 0 });
      continue;
    }
    const plan = planRule({ ruleId, rule, event, config: ports.config });
    const applied = await applyRule(plan, event, account, ports);
    account = applied.account;
    rules.push(applied.outcome);
  }
  return { kind: 'handled', type: event.type, businessKey: businessKeyOf(event), rules };
}

async function applyRule(
  plan: RulePlan,
  event: ExternalEvent,
  accountBefore: Account | undefined,
  ports: ApplyIntegrationsPorts,
): Promise<{ outcome: RuleOutcome; account: Account | undefined }> {
  let announced = 0;
  let account = accountBefore;
  let outcome: { -readonly [K in keyof RuleOutcome]: RuleOutcome[K] } = {
    rule: plan.ruleId,
    cause: plan.cause,
    kind: 'applied',
    announced: 0,
  };

  if (plan.account) {
    const changed = await ports.accounts.change(
      plan.account.id,
      plan.account.change,
      { by: plan.actor.id, cause: plan.cause, eventType: event.type },
      ports.clock.now(),
    );
    outcome.account = changed.kind;
    if (changed.kind !== 'unknown_account') account = changed.account;
  }

  let ticket: Ticket | undefined;
  if (plan.ticket) {
    const opened = await openOnce(plan, account, ports);
    ticket = opened.ticket;
    outcome.ticket = { ticketId: ticket.id, reference: ticket.reference, created: opened.created };
    if (opened.created) announced++;
    if (ticket.kind === 'incident' && isOpenTicket(ticket))
      await ports.incidents?.put(openIncidentOf(ticket));
  }

  if (plan.mail && ticket) {
    const mail = await mailOnce(ticket.id, plan, plan.mail.text, ports);
    outcome.mail = mail.kind === 'written' ? 'written' : 'already_written';
    if (mail.kind === 'written') announced++;
  }

  if (plan.links && ticket) {
    outcome.linked = await linkOnce(ticket.id, plan, plan.links, ports);
  }

  outcome = { ...outcome, announced };
  await ports.ledger.markApplied(
    plan.cause,
    {
      rule: plan.ruleId,
      eventType: event.type,
      ...(outcome.ticket ? { ticketId: outcome.ticket.ticketId } : {}),
    },
    ports.clock.now(),
  );
  return { outcome, account };
}

/** The rule's ticket for this fact: made now, or found by its dedupe key (a redelivery, or a concurrent twin). */
async function openOnce(
  plan: RulePlan,
  account: Account | undefined,
  ports: ApplyIntegrationsPorts,
): Promise<{ ticket: Ticket; created: boolean }> {
  const spec = plan.ticket;
  if (!spec) throw new IntegrationRuleError(`rule ${plan.ruleId} opens no ticket`);
  const found = async (ticketId: string) => {
    const ticket = await ports.tickets.get(ticketId);
    if (!ticket) throw new IntegrationRuleError(`ticket ${ticketId} of ${plan.cause} is gone`);
    return { ticket, created: false as const };
  };
  const seen = await ports.tickets.findDuplicate(spec.dedupe);
  if (seen?.kind === 'duplicate') return found(seen.ticketId);

  const now = ports.clock.now();
  const draft = { ...spec.draft, account: enrichAccount(spec.draft.account, account) };
  const opened = openProactiveTicket(
    { ...spec, draft },
    {
      config: ports.config,
      now,
      reference: formatReference(await ports.tickets.nextReferenceNumber()),
      newId: () => newId(now),
      actor: plan.actor,
      ruleId: plan.ruleId,
    },
  );
  if (!opened.ok) throw new IntegrationRuleError(`rule ${plan.ruleId}: ${opened.error.message}`);
  const outcome = await ports.tickets.create({
    ticket: opened.ticket,
    message: opened.message,
    audit: opened.audit,
    dedupe: { ...spec.dedupe, expiresAt: Math.floor(now.getTime() / 1000) + DEDUPE_DAYS * 86_400 },
    events: opened.events,
  });
  if (outcome.kind === 'duplicate') return found(outcome.ticketId);
  return { ticket: opened.ticket, created: true };
}

/** The proactive mail, written once (its `ticket.message_added` in the outbox of the same write). */
async function mailOnce(
  ticketId: string,
  plan: RulePlan,
  text: string,
  ports: ApplyIntegrationsPorts,
): Promise<{ kind: 'written' | 'exists' }> {
  for (let attempt = 0; ; attempt++) {
    const history = await ports.tickets.history(ticketId);
    if (!history) throw new IntegrationRuleError(`ticket ${ticketId} of ${plan.cause} is gone`);
    const now = ports.clock.now();
    const mail = proactiveMail(history, {
      text,
      cause: plan.cause,
      actor: plan.actor,
      now,
      newId: () => newId(now),
    });
    if (mail.kind === 'exists') return { kind: 'exists' };
    try {
      await ports.tickets.append({
        ticket: mail.ticket,
        expectedVersion: history.ticket.version,
        messages: [mail.message],
        audit: mail.audit,
        events: [mail.event],
      });
      return { kind: 'written' };
    } catch (e: unknown) {
      if (!(e instanceof ConcurrentUpdateError) || attempt >= MAX_CONFLICT_RETRIES) throw e;
    }
  }
}

/**
 * Links the rule's ticket with related open tickets: the other side first, then the rule's ticket, so a
 * delivery cut off half-way finds one side linked and completes the other (links are sets).
 * `requester`: the requester's tickets, by the requester index; `affected_accounts`: the accounts'
 * tickets, by the queue views (see RelatedTickets). Returns the references newly linked.
 */
async function linkOnce(
  ticketId: string,
  plan: RulePlan,
  links: LinkPlan,
  ports: ApplyIntegrationsPorts,
): Promise<string[]> {
  const ticket = await ports.tickets.get(ticketId);
  if (!ticket) throw new IntegrationRuleError(`ticket ${ticketId} of ${plan.cause} is gone`);
  const candidates =
    links.with === 'requester'
      ? (await ports.tickets.listByRequester(ticket.requester.email, { limit: 50 })).tickets
      : await ports.related.openTicketsOfAccounts(
          links.accountIds,
          Object.keys(ports.config.queues),
          links.limit + 1,
        );
  const others = candidates.filter((t) => t.id !== ticket.id && isLinkable(t)).slice(0, links.limit);
  if (others.length === 0) return [];

  const by = plan.actor.id;
  const decide =
    (relation: typeof links.relation, with_: ReadonlyArray<Pick<Ticket, 'id' | 'reference'>>) =>
    (history: { ticket: Ticket } | undefined) => {
      if (!history) return { result: [] as string[] };
      const now = ports.clock.now();
      const linked = linkTicket(history.ticket, with_, {
        relation,
        by,
        cause: plan.cause,
        actor: plan.actor,
        now,
        newId: () => newId(now),
      });
      return linked
        ? {
            write: { ticket: linked.ticket, audit: linked.audit },
            result: linked.added.map((l) => l.reference),
          }
        : { result: [] as string[] };
    };

  for (const other of others) {
    await changeTicket(other.id, ports.tickets, decide(inverseRelation(links.relation), [ticket]));
  }
  return changeTicket(ticket.id, ports.tickets, decide(links.relation, others));
}
