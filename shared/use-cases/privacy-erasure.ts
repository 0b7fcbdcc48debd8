import type { WorkflowConfig } from '../config';
import {
  type Actor,
  type AuditEvent,
  auditEvent,
  formatReference,
  isTicketId,
  NotFoundError,
  newId,
  openTicket,
  type Ticket,
} from '../domain';
import {
  ERASURE_SOURCE,
  ERASURE_TAG,
  type ErasureAudit,
  type ErasureJob,
  ErasureRefusedError,
  isPseudonym,
  namesOf,
  newErasureJob,
  type Redaction,
  redactText,
  retentionPseudonym,
  textsOf,
} from '../domain/privacy-erasure';
import { requestApprovalAsAgent } from './approvals';
import type {
  Clock,
  ErasureStorePort,
  ObjectEraserPort,
  PersonalDataPort,
  SentMailCopiesPort,
  TicketHistory,
  TicketRepositoryPort,
} from './ports';

/** Tickets per page of the requester index. */
const PAGE_SIZE = 100;

export interface RequestErasurePorts {
  readonly tickets: Pick<
    TicketRepositoryPort,
    'nextReferenceNumber' | 'create' | 'get' | 'append' | 'listByRequester'
  >;
  readonly erasures: Pick<ErasureStorePort, 'create'>;
  readonly clock: Clock;
  readonly config: WorkflowConfig;
}

export interface ErasureRequested {
  readonly erasureId: string;
  readonly reference: string;
  readonly state: 'awaiting_approval';
  readonly approvalId: string;
  readonly tickets: number;
}

/**
 * An admin asks for one requester's erasure, with a reason. Primary course: a ticket is opened to track
 * it (its request type from `privacy.erasureRequestType`, tagged `privacy-erasure`, no mail to anyone);
 * the job (awaiting approval) and its audit entry are written; a `data_change` approval is asked on the
 * ticket, under the workflow's approval policies (who approves, how many, separation of duties). Nothing
 * is erased until it is approved (eraseOnDecision). The ticket names no one: the job holds the address.
 * Alternate: no approval policy covers the request → ConflictError before anything is written.
 */
export async function requestErasure(
  input: { readonly email: string; readonly reason: string; readonly by: Actor },
  ports: RequestErasurePorts,
): Promise<ErasureRequested> {
  const email = input.email.toLowerCase();
  if (isPseudonym(email))
    throw new ErasureRefusedError('already-erased', `${email} is already the pseudonym of an erasure`);
  const tickets = await ticketIdsOf(email, ports.tickets);
  const now = ports.clock.now();
  const ctx = { at: now, actor: input.by, newId: () => newId(now) };
  const opened = openTicket(
    {
      channel: 'event',
      source: ERASURE_SOURCE,
      subject: 'Erasure of a requester’s personal data',
      body: [
        `${input.by.id} asks to erase the personal data of one requester (${tickets.length} tickets).`,
        `Reason: ${input.reason}`,
        'Whose data: GET /v1/privacy/erasures/<this ticket’s id> (admins). Approving runs the erasure.',
      ].join('\n'),
      requester: { email: requesterAddressOf(input.by) },
      requestType: ports.config.privacy.erasureRequestType,
      fields: {},
      tags: [ERASURE_TAG],
      suppressAutoMail: true,
    },
    {
      config: ports.config,
      now,
      reference: formatReference(await ports.tickets.nextReferenceNumber()),
      newId: ctx.newId,
      actor: input.by,
    },
  );
  if (!opened.ok) throw opened.error;
  const ticket = opened.ticket;
  const policy = Object.entries(ports.config.approvalPolicies).find(([, p]) => p.kind === 'data_change');
  if (!policy)
    throw new ErasureRefusedError(
      'approval-policy',
      'an erasure needs a data_change approval, and no approval policy of the workflow config covers data_change',
    );
  await ports.tickets.create({
    ticket,
    message: opened.message,
    audit: opened.audit,
    dedupe: { channel: 'privacy', key: ticket.id, expiresAt: Math.floor(now.getTime() / 1000) + 86_400 },
    events: opened.events,
  });
  const { job, audit } = newErasureJob({
    erasureId: ticket.id,
    requester: email,
    reason: input.reason,
    requestedBy: input.by,
    reference: ticket.reference,
    at: now,
  });
  await ports.erasures.create(job, audit);
  const asked = await requestApprovalAsAgent(
    {
      ticketId: ticket.id,
      expectedVersion: ticket.version,
      actor: input.by,
      request: {
        kind: 'data_change',
        summary: `Erase the personal data of one requester (${tickets.length} tickets), erasure ${ticket.id}: ${input.reason}`,
      },
      scope: { queues: 'all', approverGroups: [] },
    },
    ports,
  );
  if (asked.result.kind !== 'changed' || !asked.approval)
    throw new Error(`the approval of erasure ${ticket.id} could not be asked for (${asked.result.kind})`);
  if (asked.approval.state !== 'pending')
    throw new ErasureRefusedError(
      'approval-policy',
      `the approval of erasure ${ticket.id} is ${asked.approval.state}: no policy asks anyone to approve it, so it will not run`,
    );
  return {
    erasureId: ticket.id,
    reference: ticket.reference,
    state: 'awaiting_approval',
    approvalId: asked.approval.id,
    tickets: tickets.length,
  };
}

/** The tracking ticket's requester: the admin who asked (their address; a reserved one if they have none). */
function requesterAddressOf(by: Actor): string {
  return by.id.includes('@') ? by.id : 'privacy-officer@frontdoor.invalid';
}

export interface ErasureView extends Omit<ErasureJob, 'startedAt'> {
  readonly audit: readonly ErasureAudit[];
}

/** An erasure's state, progress and audit trail (admins). */
export async function erasureStatus(
  erasureId: string,
  ports: { readonly erasures: Pick<ErasureStorePort, 'get' | 'auditOf'> },
): Promise<ErasureView> {
  const job = isTicketId(erasureId) ? await ports.erasures.get(erasureId) : undefined;
  if (!job) throw new NotFoundError('ERASURE.NOT_FOUND', `erasure ${erasureId} not found`);
  const { startedAt: _started, ...rest } = job;
  return { ...rest, audit: await ports.erasures.auditOf(erasureId) };
}

export interface RunErasurePorts {
  readonly erasures: ErasureStorePort;
  readonly tickets: Pick<TicketRepositoryPort, 'listByRequester' | 'history'>;
  readonly personalData: PersonalDataPort;
  readonly objects: ObjectEraserPort;
  readonly sentMail: SentMailCopiesPort;
  readonly clock: Clock;
}

export type ErasureResult =
  | { readonly kind: 'erased'; readonly counts: NonNullable<ErasureJob['counts']> }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * An approval was decided (`approval.decided`). Primary course: if it is the approval of an erasure
 * still awaiting it, record the decision (with its audit entry); approved → run the erasure. A
 * redelivery of an approved decision resumes a run that did not finish.
 */
export async function eraseOnDecision(
  decision: {
    readonly ticketId: string;
    readonly approvalId: string;
    readonly kind: string;
    readonly outcome: 'approved' | 'rejected' | 'expired';
    readonly decidedBy: readonly string[];
  },
  ports: RunErasurePorts,
): Promise<ErasureResult> {
  if (decision.kind !== 'data_change') return { kind: 'skipped', reason: 'not a data change' };
  const job = await ports.erasures.get(decision.ticketId);
  if (!job) return { kind: 'skipped', reason: 'not an erasure' };
  if (job.state === 'awaiting_approval') {
    const outcome = decision.outcome === 'approved' ? 'approved' : 'rejected';
    const at = ports.clock.now();
    await ports.erasures.decide(
      job.erasureId,
      { outcome, by: decision.decidedBy, approvalId: decision.approvalId, at },
      {
        ...auditOf(job, outcome === 'approved' ? 'privacy.erasure_approved' : 'privacy.erasure_rejected', at),
        actor: { kind: 'system', id: 'approval-workflow' },
        detail: { approvalId: decision.approvalId, decidedBy: decision.decidedBy, outcome: decision.outcome },
      },
    );
    if (outcome === 'rejected') return { kind: 'rejected' };
  }
  return runErasure(job.erasureId, ports);
}

/**
 * Runs an approved erasure, idempotently and resumably (a rerun finds what is left and does it).
 * Primary course:
 *  1. find their tickets (the requester index, under their address and, on a rerun, the pseudonym) and
 *     what is theirs in them: names they went by, subjects, bodies, file names;
 *  2. sweep the whole table for every other record naming them or one of their tickets (mail log,
 *     metric examples, account contacts, dedupe and idempotency records, other tickets, exports …):
 *     rewritten with the pseudonym, pointers to their tickets deleted. First, while the tickets still
 *     hold what is looked for;
 *  3. redact each ticket (subject, fields, bodies, attachments gone; the requester the pseudonym; an
 *     audit entry `ticket.erased` on each) — the tickets stay, open ones open, and count in the metrics;
 *  4. delete the objects all that pointed at (attachments, raw mail, export files) and the copies of
 *     sent mail, where there are any;
 *  5. the job done: it keeps only the pseudonym, and the audit says who asked, who approved, and counts.
 */
export async function runErasure(erasureId: string, ports: RunErasurePorts): Promise<ErasureResult> {
  const job = await ports.erasures.get(erasureId);
  if (!job) return { kind: 'skipped', reason: 'no such erasure' };
  if (!(await ports.erasures.start(erasureId, ports.clock.now())))
    return { kind: 'skipped', reason: `erasure is ${job.state}` };
  const progress = (phase: ErasureJob['progress']['phase'], done: number, total: number) =>
    ports.erasures.progress(erasureId, { phase, done, total });

  const ids = [
    ...new Set([
      ...(await ticketIdsOf(job.requester, ports.tickets)),
      ...(await ticketIdsOf(job.pseudonym, ports.tickets)),
    ]),
  ];
  const histories: TicketHistory[] = [];
  for (const id of ids) {
    const history = await ports.tickets.history(id);
    if (history) histories.push(history);
  }
  const redaction: Redaction = {
    email: job.requester,
    names: histories.flatMap((h) => namesOf(h.ticket, h.messages, job.requester)),
    texts: histories.flatMap((h) => textsOf(h.ticket, h.messages)),
    pseudonym: job.pseudonym,
    ticketIds: new Set(histories.map((h) => h.ticket.id)),
  };

  await progress('sweep', 0, 0);
  const swept = await ports.personalData.sweep(redaction, {
    skip: [`PRIVACY#ERASURE#${erasureId}`],
    onProgress: (scanned) => progress('sweep', scanned, 0),
  });

  const objectKeys = new Set(swept.objectKeys);
  let messages = 0;
  for (const [done, history] of histories.entries()) {
    const redacted = await ports.personalData.redactTicket(history.ticket.id, redaction, (ticket) =>
      redactionAudit(ticket, 'ticket.erased', `erasure ${erasureId}`, ports.clock.now()),
    );
    if (redacted) {
      messages += redacted.messages;
      for (const key of redacted.objectKeys) objectKeys.add(key);
    }
    await progress('tickets', done + 1, histories.length);
  }

  await progress('objects', 0, objectKeys.size);
  const objects = await ports.objects.erase([...objectKeys]);
  await ports.sentMail.forget(redaction);

  const at = ports.clock.now();
  const counts = {
    tickets: histories.length,
    messages,
    objects,
    itemsScanned: swept.scanned,
    itemsRewritten: swept.rewritten,
    itemsDeleted: swept.deleted,
  };
  await ports.erasures.finish(
    erasureId,
    { counts, reason: redactText(job.reason, redaction), at },
    {
      ...auditOf(job, 'privacy.erasure_completed', at),
      actor: { kind: 'system', id: 'erase-requester-data' },
      detail: { ...counts, approvedBy: job.decidedBy ?? [] },
    },
  );
  return { kind: 'erased', counts };
}

/** Marks a run failed for good (its last delivery failed); a redriven message resumes it. */
export async function failErasure(
  erasureId: string,
  problem: string,
  ports: { readonly erasures: ErasureStorePort; readonly clock: Clock },
): Promise<void> {
  const job = await ports.erasures.get(erasureId);
  if (!job || job.state === 'done' || job.state === 'failed') return;
  await ports.erasures.fail(erasureId, problem, {
    ...auditOf(job, 'privacy.erasure_failed', ports.clock.now()),
    actor: { kind: 'system', id: 'erase-requester-data' },
  });
}

export interface PurgePorts {
  readonly tickets: Pick<TicketRepositoryPort, 'history'>;
  readonly personalData: Pick<PersonalDataPort, 'redactTicket'>;
  readonly objects: ObjectEraserPort;
  readonly clock: Clock;
}

/**
 * Retention: a closed ticket whose time is up loses its bodies and attachments, and its requester
 * becomes a pseudonym of its own; the ticket stays as a record (states, times, queue, type, SLA) and
 * counts in the metrics as before. An audit entry `ticket.purged` names the policy. Idempotent.
 */
export async function purgeTicket(
  ticketId: string,
  policy: string,
  ports: PurgePorts,
): Promise<{ readonly purged: boolean; readonly objects: number }> {
  const history = await ports.tickets.history(ticketId);
  if (!history) return { purged: false, objects: 0 };
  const { ticket, messages } = history;
  const redaction: Redaction = {
    email: ticket.requester.email,
    names: namesOf(ticket, messages, ticket.requester.email),
    texts: textsOf(ticket, messages),
    pseudonym: isPseudonym(ticket.requester.email) ? ticket.requester.email : retentionPseudonym(ticket.id),
    ticketIds: new Set([ticket.id]),
  };
  const redacted = await ports.personalData.redactTicket(ticketId, redaction, (t) =>
    redactionAudit(t, 'ticket.purged', policy, ports.clock.now()),
  );
  if (!redacted) return { purged: false, objects: 0 };
  return { purged: true, objects: await ports.objects.erase(redacted.objectKeys) };
}

/** The ticket's own audit entry of a redaction: that it happened and why, nothing of what it removed. */
function redactionAudit(
  ticket: Ticket,
  action: 'ticket.erased' | 'ticket.purged',
  why: string,
  at: Date,
): AuditEvent {
  return auditEvent({
    newId: () => newId(at),
    ticketId: ticket.id,
    seq: ticket.auditSeq,
    at,
    actor: { kind: 'system', id: action === 'ticket.erased' ? 'erase-requester-data' : 'retention' },
    action,
    before: null,
    after: { requester: ticket.requester.email },
    reason: why,
  });
}

function auditOf(job: ErasureJob, action: ErasureAudit['action'], at: Date): ErasureAudit {
  return {
    erasureId: job.erasureId,
    at: at.toISOString(),
    actor: { kind: 'system', id: 'erase-requester-data' },
    action,
    requester: job.pseudonym,
  };
}

/** Every ticket id under an address in the requester index, page after page. */
async function ticketIdsOf(
  email: string,
  tickets: Pick<TicketRepositoryPort, 'listByRequester'>,
): Promise<string[]> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await tickets.listByRequester(email, { limit: PAGE_SIZE, cursor });
    for (const t of page.tickets) if (t.requester.email.toLowerCase() === email) ids.add(t.id);
    cursor = page.cursor;
  } while (cursor);
  return [...ids];
}
