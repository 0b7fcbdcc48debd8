/**
 * Each door in process: its request parse (the handler's zod schema) and then the real code that turns
 * what it accepted into stored items — the intake use case with in-memory ports for the webhook and the
 * form, the integration rules' domain functions for events, the mail draft and `openTicket` for mail,
 * and the agent-work domain functions for PATCH and messages. No database: `readBack` checks the items
 * the way DynamoDB and the read side would see them (dynamodb-item.ts).
 */
import { expect } from 'vitest';
import { auditItem, messageItem, ticketItem } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import {
  type AuditEvent,
  AuditEventSchema,
  addAgentMessage,
  Email,
  formatReference,
  listedAttachment,
  MAX_LISTED_ATTACHMENTS,
  type Message,
  MessageSchema,
  mailDraft,
  newId,
  normaliseMessageId,
  openTicket,
  storedMailBody,
  type Ticket,
  TicketSchema,
  updateTicket,
} from '../../shared/domain';
import {
  openProactiveTicket,
  parseExternalEvent,
  planRule,
  proactiveMail,
} from '../../shared/domain/integrations';
import { MessageBody, UpdateBody } from '../../shared/http/contracts';
import { type Issue, toIssues } from '../../shared/http/errors';
import { EventDelivery } from '../../shared/http/event-delivery';
import { formSubmissionSchema } from '../../shared/http/form-contract';
import { WebhookPayload } from '../../shared/http/webhook-payload';
import type { IntakePorts } from '../../shared/use-cases/intake';
import { receiveWebhook } from '../../shared/use-cases/receive-webhook';
import { submitForm } from '../../shared/use-cases/submit-form';
import { storeAndRead } from './dynamodb-item';

const now = new Date('2026-11-23T10:00:00.000Z');

/** What a door did with one input: refused it (naming each problem), or wrote these items. */
export type DoorOutcome =
  | { readonly kind: 'refused'; readonly issues: readonly Issue[] }
  | {
      readonly kind: 'written';
      readonly tickets: readonly Ticket[];
      readonly messages: readonly Message[];
      readonly audit: readonly AuditEvent[];
    }
  /** Nothing to write and nothing wrong (a mail without a usable sender is logged, not refused). */
  | { readonly kind: 'nothing' };

const refused = (issues: readonly Issue[]): DoorOutcome => ({ kind: 'refused', issues });

/** The intake use case's ports, in memory: every create is captured, nothing is a duplicate. */
function capturingPorts(): { ports: IntakePorts; written: () => DoorOutcome } {
  let created: { ticket: Ticket; message: Message; audit: AuditEvent[] } | undefined;
  let n = 0;
  const ports: IntakePorts = {
    tickets: {
      findDuplicate: async () => undefined,
      nextReferenceNumber: async () => ++n,
      create: async (input) => {
        created = { ticket: input.ticket, message: input.message, audit: [...input.audit] };
        return { kind: 'created' };
      },
    },
    accounts: { get: async () => undefined, byDomain: async () => undefined },
    clock: { now: () => now },
    config: workflowConfig,
  };
  return {
    ports,
    written: () =>
      created
        ? { kind: 'written', tickets: [created.ticket], messages: [created.message], audit: created.audit }
        : { kind: 'nothing' },
  };
}

export async function webhookDoor(body: unknown): Promise<DoorOutcome> {
  const parsed = WebhookPayload.safeParse(body);
  if (!parsed.success) return refused(toIssues(parsed.error.issues));
  const { ports, written } = capturingPorts();
  const result = await receiveWebhook({ source: 'demo', payload: parsed.data }, ports);
  return result.kind === 'rejected' ? refused(result.issues) : written();
}

const formSchemas = new Map<string, ReturnType<typeof formSubmissionSchema>>();

export async function formDoor(requestType: string, body: unknown): Promise<DoorOutcome> {
  if (!formSchemas.has(requestType))
    formSchemas.set(requestType, formSubmissionSchema(workflowConfig, requestType));
  const schema = formSchemas.get(requestType);
  if (!schema) throw new Error(`no form ${requestType}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) return refused(toIssues(parsed.error.issues));
  const { ports, written } = capturingPorts();
  const submissionId = parsed.data.submissionId ?? '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const result = await submitForm({ requestType, submission: parsed.data, submissionId }, ports);
  return result.kind === 'rejected' ? refused(result.issues) : written();
}

/**
 * A signed event (`POST /v1/events/{source}`) or one put on the bus: the delivery, the catalog's schema,
 * then every integration rule on its type opens its ticket and writes its mail (account conditions
 * aside: every rule for the type is planned).
 */
export function eventDoor(body: unknown): DoorOutcome {
  const delivery = EventDelivery.safeParse(body);
  if (!delivery.success) return refused(toIssues(delivery.error.issues));
  const parsed = parseExternalEvent(delivery.data);
  if (!parsed.ok) return refused(parsed.issues);
  const tickets: Ticket[] = [];
  const messages: Message[] = [];
  const audit: AuditEvent[] = [];
  let n = 0;
  const rules = Object.entries(workflowConfig.integrationRules).filter(([, r]) => r.on === parsed.event.type);
  for (const [ruleId, rule] of rules) {
    const plan = planRule({ ruleId, rule, event: parsed.event, config: workflowConfig });
    if (!plan.ticket) continue;
    const opened = openProactiveTicket(plan.ticket, {
      config: workflowConfig,
      now,
      reference: formatReference(++n),
      newId: () => newId(now),
      actor: plan.actor,
      ruleId,
    });
    if (!opened.ok) throw new Error(`rule ${ruleId} could not open its ticket: ${opened.error.message}`);
    tickets.push(opened.ticket);
    messages.push(opened.message);
    audit.push(...opened.audit);
    if (plan.mail) {
      const mail = proactiveMail(
        { ticket: opened.ticket, audit: opened.audit },
        { text: plan.mail.text, cause: plan.cause, actor: plan.actor, now, newId: () => newId(now) },
      );
      if (mail.kind === 'written') {
        tickets.push(mail.ticket);
        messages.push(mail.message);
        audit.push(...mail.audit);
      }
    }
  }
  return { kind: 'written', tickets, messages, audit };
}

export interface MailInput {
  readonly from?: { readonly address: string; readonly name?: string };
  readonly subject: string;
  readonly text: string;
  readonly messageId?: string;
  readonly classification: { readonly kind: 'human' | 'auto_reply' | 'list' | 'bounce' };
  readonly attachments: ReadonlyArray<{
    readonly filename: string;
    readonly contentType: string;
    readonly size: number;
  }>;
}

/** A first mail: its sender must be an address (else it is logged and kept, not ticketed); the rest is cut to fit, never refused. */
export function mailDoor(mail: MailInput): DoorOutcome {
  const sender = Email.safeParse(mail.from?.address ?? '');
  if (!sender.success) return { kind: 'nothing' };
  // The mail parser hands Message-IDs over normalised (or not at all).
  const messageId = mail.messageId === undefined ? undefined : normaliseMessageId(mail.messageId);
  const draft = mailDraft(
    { ...mail, messageId },
    {
      requester: { email: sender.data, ...(mail.from?.name ? { name: mail.from.name } : {}) },
      body: storedMailBody(mail.text),
      attachments: mail.attachments
        .slice(0, MAX_LISTED_ATTACHMENTS)
        .map((a, i) => listedAttachment(a, `attachment-${i + 1}`, `attachments/r-1/${i + 1}-file`)),
    },
    workflowConfig,
  );
  const opened = openTicket(draft, {
    config: workflowConfig,
    now,
    reference: 'FD-1',
    newId: () => newId(now),
    actor: { kind: 'customer', id: sender.data },
  });
  if (!opened.ok) throw new Error(`a mail was refused: ${opened.error.message}`);
  return { kind: 'written', tickets: [opened.ticket], messages: [opened.message], audit: opened.audit };
}

const agent = {
  actor: { kind: 'agent' as const, id: 'agent@example.com' },
  at: now,
  newId: () => newId(now),
};

/** `PATCH /v1/tickets/{id}` on `ticket`. A refusal by the workflow (422) names its fields like a 400. */
export function patchDoor(ticket: Ticket, body: unknown): DoorOutcome {
  const parsed = UpdateBody.safeParse(body);
  if (!parsed.success) return refused(toIssues(parsed.error.issues));
  const result = updateTicket(ticket, parsed.data, workflowConfig, agent);
  if (!result.ok) {
    if (result.error.rule === 'fields-valid') return refused(result.error.issues);
    return { kind: 'nothing' };
  }
  return { kind: 'written', tickets: [result.ticket], messages: [], audit: [result.audit] };
}

/** `POST /v1/tickets/{id}/messages` on `ticket`. */
export function messageDoor(ticket: Ticket, body: unknown): DoorOutcome {
  const parsed = MessageBody.safeParse(body);
  if (!parsed.success) return refused(toIssues(parsed.error.issues));
  const result = addAgentMessage(ticket, { ...parsed.data, author: { email: 'agent@example.com' } }, agent);
  if (!result.ok) return { kind: 'nothing' };
  return { kind: 'written', tickets: [result.ticket], messages: [result.message], audit: [result.audit] };
}

/** Tickets to PATCH and write on: one of each request type, opened the way the webhook opens them. */
export function baseTickets(): Ticket[] {
  return Object.keys(workflowConfig.requestTypes).map((requestType, i) => {
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        externalId: `base-${i}`,
        subject: `A ${requestType}`,
        body: 'hello',
        requester: { email: 'dana@bigcorp.example', name: 'Dana' },
        requestType,
        fields: {},
        tags: ['vip'],
      },
      {
        config: workflowConfig,
        now,
        reference: formatReference(100 + i),
        newId: () => newId(now),
        actor: { kind: 'integration', id: 'webhook:demo' },
      },
    );
    if (!opened.ok) throw opened.error;
    return opened.ticket;
  });
}

/**
 * The property every door must have: a refusal names each problem (a path and a message), and whatever
 * was written can be stored (no empty attribute names, under 400 KB) and read back by the read side's
 * schemas, unchanged.
 */
export function expectReadableOrNamed(outcome: DoorOutcome, input: unknown): void {
  if (outcome.kind === 'nothing') return;
  if (outcome.kind === 'refused') {
    expect(outcome.issues.length).toBeGreaterThan(0);
    for (const issue of outcome.issues) {
      expect(typeof issue.path).toBe('string');
      expect(issue.path.length).toBeGreaterThan(0);
      expect(issue.message.length).toBeGreaterThan(0);
      // An object body's problems are in its fields, not "the body".
      if (typeof input === 'object' && input !== null && !Array.isArray(input))
        expect(issue.path).not.toBe('(body)');
    }
    return;
  }
  for (const ticket of outcome.tickets) {
    const stored = storeAndRead(ticketItem(ticket));
    expect(TicketSchema.parse(stored.readBack)).toEqual(
      TicketSchema.parse(JSON.parse(JSON.stringify(ticket))),
    );
  }
  for (const message of outcome.messages) {
    const stored = storeAndRead(messageItem(message));
    expect(MessageSchema.parse(stored.readBack)).toEqual(
      MessageSchema.parse(JSON.parse(JSON.stringify(message))),
    );
  }
  for (const event of outcome.audit) {
    const stored = storeAndRead(auditItem(event));
    AuditEventSchema.parse(stored.readBack);
  }
}
