import type { WorkflowConfig } from '../config';
import {
  type Account,
  type Actor,
  domainOf,
  enrichAccount,
  formatReference,
  type Issue,
  newId,
  openTicket,
  type TicketDraft,
  triage,
} from '../domain';
import { createLinkedToIncidents, type MaybeIntakeIncidentPorts } from './incident-links';
import type {
  AccountDirectoryPort,
  Clock,
  IntentClassifierPort,
  LanguageDetectorPort,
  TicketRepositoryPort,
} from './ports';

export interface IntakePorts {
  readonly tickets: Pick<TicketRepositoryPort, 'findDuplicate' | 'nextReferenceNumber' | 'create'> &
    MaybeIntakeIncidentPorts['tickets'];
  readonly accounts: Pick<AccountDirectoryPort, 'get' | 'byDomain'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
  /** The open incidents: a new ticket their rule takes is linked to them (absent: none is). */
  readonly incidents?: MaybeIntakeIncidentPorts['incidents'];
  /** The learned intent (absent, or no model yet: the keyword rules decide alone). */
  readonly intent?: IntentClassifierPort;
  /** The language detector (absent: tickets carry the language their door gave, if any). */
  readonly language?: LanguageDetectorPort;
}

/**
 * What the models read into a new request before triage (issue 19): its intent with the model's confidence
 * and its language. A door's own value wins (a form that says its language); failure of either is absence.
 */
export async function understand(
  request: Pick<TicketDraft, 'subject' | 'body'> & Partial<Pick<TicketDraft, 'intent' | 'language'>>,
  ports: Pick<IntakePorts, 'intent' | 'language'>,
): Promise<Pick<TicketDraft, 'intent' | 'language'>> {
  const intent = request.intent ?? (await ports.intent?.predict(request.subject, request.body));
  // The first message alone: a subject of two or three words only misleads a detector ("Our payment" read
  // as Polish turned "we were charged twice, please refund" Polish too).
  const language = request.language ?? (await ports.language?.detect(request.body));
  return {
    ...(intent !== undefined ? { intent } : {}),
    ...(language !== undefined ? { language } : {}),
  };
}

export type IntakeResult =
  | {
      readonly kind: 'accepted';
      readonly ticketId: string;
      readonly reference: string;
      readonly duplicate: boolean;
    }
  | { readonly kind: 'rejected'; readonly issues: readonly Issue[] };

/** How long a channel key (webhook id, form submission id) is remembered. */
const DEDUPE_DAYS = 90;

/**
 * A request from a structured channel (webhook, hosted form) becomes a ticket, exactly once.
 * Primary course:
 *  1. refuse values the workflow does not allow (unknown request type, a value outside a field's enum);
 *  2. a channel key seen before answers with its ticket (no new number, nothing written);
 *  3. complete the account context from the directory (account id, else the requester's domain);
 *     take the next `FD-<n>`; open the ticket: triage rules, required context (missing → `needs_info`), audit;
 *  4. link it to the open incidents whose rule takes it (its acknowledgement then says so);
 *  5. persist ticket + message + audit + dedupe key + `ticket.created` (the outbox) in one transaction
 *     (a concurrent twin loses here); the table stream publishes the event; then the incidents' side of
 *     the links.
 */
export async function intakeRequest(
  input: { draft: TicketDraft; dedupe: { channel: string; key: string }; actor: Actor },
  ports: IntakePorts,
): Promise<IntakeResult> {
  const { draft, dedupe, actor } = input;
  // Refuse bad context before any I/O: a 400 reads and writes nothing, not even the counter.
  const triaged = triage(draft, ports.config);
  if (triaged.invalidFields.length > 0) return { kind: 'rejected', issues: triaged.invalidFields };

  const seen = await ports.tickets.findDuplicate(dedupe);
  if (seen?.kind === 'duplicate') return answerDuplicate(seen);

  const account = await findAccount(draft, ports.accounts);
  const enriched: TicketDraft = {
    ...draft,
    ...(await understand(draft, ports)),
    account: enrichAccount(draft.account, account),
  };
  const now = ports.clock.now();
  const reference = formatReference(await ports.tickets.nextReferenceNumber());
  const opened = openTicket(enriched, {
    config: ports.config,
    now,
    reference,
    newId: () => newId(now),
    actor,
  });
  if (!opened.ok) return { kind: 'rejected', issues: opened.error.issues };

  const { ticket, message, events } = opened;
  const outcome = await createLinkedToIncidents(
    opened,
    { ...draft, requestType: ticket.requestType, accountId: enriched.account?.id },
    ports,
    (linked) =>
      ports.tickets.create({
        ticket: linked.ticket,
        message,
        audit: linked.audit,
        dedupe: { ...dedupe, expiresAt: Math.floor(now.getTime() / 1000) + DEDUPE_DAYS * 86_400 },
        events,
      }),
  );
  if (outcome.kind === 'duplicate') return answerDuplicate(outcome);
  return { kind: 'accepted', ticketId: ticket.id, reference: ticket.reference, duplicate: false };
}

/**
 * A redelivery answers with the ticket it already made and announces nothing: the first delivery's
 * `ticket.created` went into the outbox with its ticket, so it is on its way whatever happened since.
 */
function answerDuplicate(seen: { ticketId: string; reference: string }): IntakeResult {
  return { kind: 'accepted', ticketId: seen.ticketId, reference: seen.reference, duplicate: true };
}

/** The directory's account for a request: by the account id it names, else by the requester's mail domain. */
export async function findAccount(
  draft: Pick<TicketDraft, 'account' | 'requester'>,
  accounts: Pick<AccountDirectoryPort, 'get' | 'byDomain'>,
): Promise<Account | undefined> {
  if (draft.account?.id) return accounts.get(draft.account.id);
  return accounts.byDomain(domainOf(draft.requester.email));
}
