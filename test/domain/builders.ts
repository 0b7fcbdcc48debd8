import type { WorkflowConfigInput } from '../../shared/config';
import { defaultWorkflow, parseWorkflowConfig, type WorkflowConfig } from '../../shared/config';
import {
  type Actor,
  type Approval,
  type ApprovalKind,
  type AuditEvent,
  addAgentMessage,
  decideApproval,
  escalate,
  type Message,
  MessageSchema,
  newId,
  openTicket,
  type Priority,
  receiveCustomerMessage,
  recordSla,
  requestApproval,
  runAutomation,
  supplyContext,
  type Ticket,
  type TicketDraft,
  type TicketHistory,
  TicketSchema,
  type TicketState,
  transition,
  updateTicket,
} from '../../shared/domain';

export const T0 = new Date('2025-03-04T09:30:00.000Z');

/** A fresh id per call, all stamped with the same fixed time. */
export const ids =
  (at: Date = T0) =>
  () =>
    newId(at);

export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  return TicketSchema.parse({
    id: newId(T0),
    reference: 'FD-7',
    channel: 'webhook',
    source: 'demo',
    requester: { email: 'dana@bigcorp.example', name: 'Dana' },
    requestType: 'general_question',
    subject: 'How do I export my data?',
    fields: {},
    missingFields: [],
    priority: 'normal',
    queue: 'frontline',
    assignee: null,
    tags: [],
    state: 'new',
    blockedOn: null,
    slaPolicy: null,
    version: 1,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
    ...overrides,
  });
}

/** A message on a ticket; by default the customer's inbound mail at T0. */
export function aMessage(overrides: Partial<Message> = {}): Message {
  return MessageSchema.parse({
    id: newId(T0),
    ticketId: newId(T0),
    direction: 'inbound',
    visibility: 'public',
    channel: 'email',
    author: { kind: 'customer', email: 'dana@bigcorp.example' },
    body: 'Hello',
    createdAt: T0.toISOString(),
    ...overrides,
  });
}

/** The audit entry a state transition writes (`ticket.state_changed`, before/after state). */
export function aStateChange(
  seq: number,
  at: Date,
  before: TicketState,
  after: TicketState,
  ticketId: string = newId(T0),
): AuditEvent {
  return {
    id: newId(at),
    ticketId,
    seq,
    at: at.toISOString(),
    actor: { kind: 'agent', id: 'agent-1' },
    action: 'ticket.state_changed',
    before: { state: before },
    after: { state: after },
  };
}

export function aDraft(overrides: Partial<TicketDraft> = {}): TicketDraft {
  return {
    channel: 'webhook',
    source: 'demo',
    externalId: 'crm-evt-1001',
    subject: 'Question about invoice INV-2041',
    body: 'We were charged twice for March.',
    requester: { email: 'dana@bigcorp.example', name: 'Dana Ruiz' },
    account: { id: 'acct-bigcorp', tier: 'enterprise' },
    requestType: 'billing_dispute',
    fields: { invoiceId: 'INV-2041', customerId: 'CUST-7' },
    tags: [],
    ...overrides,
  };
}

/** The default workflow with other triage rules (and optionally more), validated like the real one. */
export function configWithRules(
  triageRules: WorkflowConfigInput['triageRules'],
  extra: Partial<WorkflowConfigInput> = {},
): WorkflowConfig {
  return parseWorkflowConfig({ ...structuredClone(defaultWorkflow), triageRules, ...extra });
}

// ---- whole ticket histories (what-if replay) ----

/** One recorded thing that happens to a ticket, `at` hours after it was opened. */
export type HistoryStep =
  | { readonly at: number; readonly do: 'state'; readonly to: TicketState; readonly reason?: string }
  | { readonly at: number; readonly do: 'reply' }
  | { readonly at: number; readonly do: 'customer'; readonly fields?: Record<string, string> }
  | { readonly at: number; readonly do: 'supply'; readonly fields: Record<string, string> }
  | { readonly at: number; readonly do: 'priority'; readonly priority: Priority }
  | {
      readonly at: number;
      readonly do: 'approval';
      readonly kind: ApprovalKind;
      readonly amount?: { value: number; currency: string };
      /** Hours after the request it is approved; absent = left pending. */
      readonly decideAfter?: number;
    }
  /** The ticket clock looks (SLA record, escalations, automation), as the timer workflow would. */
  | { readonly at: number; readonly do: 'clock' };

const HOUR_MS = 3_600_000;
const AGENT: Actor = { kind: 'agent', id: 'agent@example.com' };

/**
 * A stored ticket's history made with the domain's own functions: opened by `openTicket` from `draft` at
 * `openedAt` under `config`, then each step in order (a step the domain refuses is skipped and reported).
 */
export function aHistory(
  draft: TicketDraft,
  steps: readonly HistoryStep[] = [],
  options: { openedAt?: Date; config?: WorkflowConfig; reference?: string } = {},
): TicketHistory & { readonly refused: readonly string[] } {
  const config = options.config ?? parseWorkflowConfig(defaultWorkflow);
  const openedAt = options.openedAt ?? T0;
  let counter = 0;
  // Distinct, sortable ids without a clock: the opening time and a counter.
  const nextId = () => {
    counter += 1;
    return `${newId(openedAt).slice(0, 10)}${String(counter).padStart(16, '0')}`;
  };
  const opened = openTicket(draft, {
    config,
    now: openedAt,
    reference: options.reference ?? 'FD-1',
    newId: nextId,
    actor: { kind: 'integration', id: draft.source },
  });
  if (!opened.ok) throw opened.error;
  let ticket = opened.ticket;
  const messages: Message[] = [opened.message];
  const audit: AuditEvent[] = [...opened.audit];
  let approvals: Approval[] = [];
  const refused: string[] = [];
  const pendingDecisions: Array<{ at: Date; id: string }> = [];

  const decideDue = (upTo: Date) => {
    for (const d of pendingDecisions.filter((p) => p.at.getTime() <= upTo.getTime())) {
      pendingDecisions.splice(pendingDecisions.indexOf(d), 1);
      const approval = approvals.find((a) => a.id === d.id);
      if (!approval) continue;
      const votes = approval.approvalsRequired;
      let current = approval;
      for (let v = 0; v < votes; v++) {
        const decided = decideApproval(
          current,
          ticket,
          { decision: 'approve', reason: 'fine' },
          {
            id: `approver-${v}@example.com`,
            email: `approver-${v}@example.com`,
            groups: [`approver-${current.group}`],
          },
          { at: d.at, newId: nextId },
        );
        if (!decided.ok) break;
        current = decided.approval;
        ticket = decided.ticket;
        audit.push(decided.audit);
      }
      approvals = approvals.map((a) => (a.id === current.id ? current : a));
    }
  };

  for (const step of steps) {
    const at = new Date(openedAt.getTime() + step.at * HOUR_MS);
    decideDue(at);
    const ctx = { actor: AGENT, at, newId: nextId };
    switch (step.do) {
      case 'state': {
        const moved = transition(ticket, step.to, {
          ...ctx,
          reason: step.reason ?? (step.to === 'closed' ? 'resolved as agreed' : undefined),
          nextSeq: ticket.auditSeq + 1,
        });
        if (!moved.ok) {
          refused.push(`${step.at}h ${ticket.state}→${step.to}`);
          break;
        }
        ticket = moved.ticket;
        audit.push(moved.audit);
        break;
      }
      case 'reply': {
        const r = addAgentMessage(
          ticket,
          { visibility: 'public', body: 'On it.', author: { email: AGENT.id } },
          ctx,
        );
        if (!r.ok) {
          refused.push(`${step.at}h reply`);
          break;
        }
        ticket = r.ticket;
        messages.push(r.message);
        audit.push(r.audit);
        break;
      }
      case 'customer': {
        const message: Message = {
          ...opened.message,
          id: nextId(),
          body: 'More from me',
          createdAt: at.toISOString(),
        };
        const e = receiveCustomerMessage(ticket, message, step.fields ?? {}, config, {
          actor: { kind: 'customer', id: ticket.requester.email },
          at,
          newId: nextId,
        });
        if (e.kind !== 'appended') {
          refused.push(`${step.at}h customer`);
          break;
        }
        ticket = e.ticket;
        messages.push(message);
        audit.push(...e.audit);
        break;
      }
      case 'supply': {
        const s = supplyContext(ticket, step.fields, config, ctx);
        if (!s.ok) {
          refused.push(`${step.at}h supply`);
          break;
        }
        ticket = s.ticket;
        audit.push(...s.audit);
        break;
      }
      case 'priority': {
        const u = updateTicket(ticket, { priority: step.priority }, config, ctx);
        if (!u.ok) {
          refused.push(`${step.at}h priority`);
          break;
        }
        ticket = u.ticket;
        audit.push(u.audit);
        break;
      }
      case 'approval': {
        const r = requestApproval(
          ticket,
          { kind: step.kind, ...(step.amount ? { amount: step.amount } : {}), summary: 'please' },
          config,
          ctx,
        );
        if (!r.ok) {
          refused.push(`${step.at}h approval`);
          break;
        }
        ticket = r.ticket;
        approvals = [...approvals, r.approval];
        audit.push(r.audit);
        if (step.decideAfter !== undefined && r.approval.state === 'pending')
          pendingDecisions.push({
            at: new Date(at.getTime() + step.decideAfter * HOUR_MS),
            id: r.approval.id,
          });
        break;
      }
      case 'clock': {
        const sla = recordSla({ ticket, audit, messages, config, now: at, newId: nextId });
        ticket = sla.ticket;
        audit.push(...sla.audit);
        for (const event of sla.events) {
          const e = escalate(ticket, { kind: event.type, target: event.detail.target }, config, {
            actor: { kind: 'system', id: 'escalations' },
            at,
            newId: nextId,
          });
          if (e.ok) {
            ticket = e.ticket;
            audit.push(e.audit);
          }
        }
        const run = runAutomation({ ticket, audit, messages, config, now: at, newId: nextId });
        ticket = run.ticket;
        audit.push(...run.audit);
        break;
      }
    }
  }
  return { ticket, messages, audit, approvals, refused };
}

export const hoursAfter = (hours: number, from: Date = T0) => new Date(from.getTime() + hours * HOUR_MS);
