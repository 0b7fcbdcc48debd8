import type { WorkflowConfigInput } from '../../shared/config';
import { defaultWorkflow, parseWorkflowConfig, type WorkflowConfig } from '../../shared/config';
import {
  type AuditEvent,
  type Message,
  MessageSchema,
  newId,
  type Ticket,
  type TicketDraft,
  TicketSchema,
  type TicketState,
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
