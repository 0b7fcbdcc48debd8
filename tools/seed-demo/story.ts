/**
 * One ticket's life as the running system would have recorded it, played step by step in time order:
 * every change through the domain function the API or a consumer would call, and between the changes the
 * SLA timer's looks. The history is cut into segments at each milestone the metrics projection counts.
 */
import { ulid } from 'ulid';
import { workflowConfig } from '../../shared/config';
import {
  type Actor,
  type Approval,
  type AuditEvent,
  acknowledgeEscalation,
  type EscalationCause,
  escalate,
  escalationDueAt,
  type Message,
  overdueEscalation,
  recordSla,
  type Ticket,
} from '../../shared/domain';
import type { IntentLabel } from '../../shared/domain/ticket';
import type { IntentLabelRecord } from '../../shared/use-cases/ports';
import { AGENTS } from './demo-data';
import type { Rng } from './rng';

/**
 * A stretch of a ticket's history written in one transaction: the ticket as it stands at the end of it,
 * and the messages and audit entries that got it there.
 */
export interface Segment {
  readonly ticket: Ticket;
  readonly messages: Message[];
  readonly audit: AuditEvent[];
}

type Step = { readonly at: number; readonly order: number; readonly run: (at: Date) => void };

const SLA_ACTOR: Actor = { kind: 'system', id: 'sla-clock' };
export const ESCALATION_ACTOR: Actor = { kind: 'system', id: 'escalations' };
export const CLOSER: Actor = { kind: 'system', id: 'auto-close' };

/**
 * Whether the metrics projection, which compares a ticket item's old and new image, must see the ticket
 * as it stands right after this change: a resolution (and its time), a reopen, a closure, an escalation
 * step each count once per image pair, so two of them folded into one write would count as one.
 */
function isMilestone(before: Ticket, after: Ticket): boolean {
  if (before.state !== after.state) {
    if (after.state === 'resolved' || after.state === 'closed' || before.state === 'resolved') return true;
  }
  return (
    before.escalation?.path !== after.escalation?.path || before.escalation?.step !== after.escalation?.step
  );
}

/**
 * One ticket's life, step by step in time order, as the running system would have recorded it: every
 * change through the domain function the API or a consumer would call, and between the changes the SLA
 * timer's looks (warnings, breaches, met targets, escalations of unacknowledged steps). Steps whose moment
 * lies after `now` do not happen yet, so the ticket ends in the state it would be in today.
 */
export class Story {
  ticket: Ticket;
  readonly opening: { ticket: Ticket; message: Message; audit: AuditEvent[] };
  /** The history after the opening, cut at each milestone (see isMilestone). */
  readonly segments: Segment[] = [];
  readonly approvals = new Map<string, Approval>();
  private pending: { messages: Message[]; audit: AuditEvent[] } = { messages: [], audit: [] };
  private readonly steps: Step[] = [];
  private stepOrder = 0;
  private nextLook: number | null = null;
  readonly allMessages: Message[];
  readonly allAudit: AuditEvent[];
  /** Set when a resolution happened and has not been undone by a reopen. */
  resolvedAt: number | null = null;
  reopened = false;
  /** The agent's intent label, if one was given (written with the ticket's last segment). */
  intentLabel: IntentLabelRecord | undefined;

  constructor(
    private readonly rng: Rng,
    private readonly now: number,
    opened: { ticket: Ticket; message: Message; audit: AuditEvent[] },
  ) {
    this.ticket = opened.ticket;
    this.opening = { ticket: opened.ticket, message: opened.message, audit: opened.audit };
    this.allMessages = [opened.message];
    this.allAudit = [...opened.audit];
  }

  newId = (at: Date) => () => ulid(at.getTime(), this.rng.next);

  /** Runs `run` at `at` unless that is still in the future. */
  at(at: number, run: (at: Date) => void): void {
    this.steps.push({ at, order: this.stepOrder++, run });
  }

  record(change: { ticket: Ticket; audit: AuditEvent | readonly AuditEvent[]; message?: Message }): void {
    const before = this.ticket;
    this.ticket = change.ticket;
    const audit = Array.isArray(change.audit) ? change.audit : [change.audit as AuditEvent];
    this.pending.audit.push(...audit);
    this.allAudit.push(...audit);
    if (change.message) {
      this.pending.messages.push(change.message);
      this.allMessages.push(change.message);
    }
    if (isMilestone(before, change.ticket)) this.cut();
  }

  /** An agent's intent label: on the ticket and in its audit, and the label item the training reads. */
  label(labelled: { ticket: Ticket; audit: AuditEvent; label: IntentLabel }, body: string): void {
    const predicted = this.ticket.intent?.predicted;
    this.record(labelled);
    this.intentLabel = {
      ticketId: labelled.ticket.id,
      subject: labelled.ticket.subject,
      body,
      label: labelled.label.name,
      predicted: predicted?.name,
      confidence: predicted?.confidence,
      modelVersion: predicted?.modelVersion,
      by: labelled.label.by,
      at: labelled.label.at,
    };
  }

  private cut(): void {
    if (this.pending.audit.length === 0 && this.pending.messages.length === 0) return;
    this.segments.push({ ticket: this.ticket, ...this.pending });
    this.pending = { messages: [], audit: [] };
  }

  /** The SLA timer's look at `at`: record targets, escalate on warnings/breaches and overdue steps. */
  private look(at: Date): void {
    const newId = this.newId(at);
    const sla = recordSla({
      ticket: this.ticket,
      audit: this.allAudit,
      messages: this.allMessages,
      config: workflowConfig,
      now: at,
      newId,
    });
    if (sla.changed) this.record({ ticket: sla.ticket, audit: sla.audit });
    for (const event of sla.events) {
      this.escalate({ kind: event.type, target: event.detail.target }, at, ESCALATION_ACTOR);
    }
    const overdue = overdueEscalation(this.ticket, at);
    if (overdue) this.escalate(overdue, at, SLA_ACTOR);
    const candidates = [sla.nextCheckAt, escalationDueAt(this.ticket)]
      .filter((t): t is string => t !== null)
      .map((t) => Date.parse(t));
    this.nextLook =
      this.ticket.state === 'closed' || candidates.length === 0 ? null : Math.min(...candidates);
  }

  escalate(cause: EscalationCause, at: Date, actor: Actor): void {
    const e = escalate(this.ticket, cause, workflowConfig, { actor, at, newId: this.newId(at) });
    if (!e.ok) return;
    this.record(e);
    // Most receiving groups acknowledge in time; the rest let it climb to the next step.
    const window = e.audit.after?.acknowledgeBy;
    if (typeof window === 'string' && this.rng.chance(0.75)) {
      const ackAt = at.getTime() + (Date.parse(window) - at.getTime()) * (0.1 + 0.7 * this.rng.next());
      const step = e.ticket.escalation?.step;
      this.at(ackAt, (t) => {
        if (this.ticket.escalation?.step !== step || this.ticket.escalation?.acknowledgedAt) return;
        const by = this.rng.pick(AGENTS);
        const ack = acknowledgeEscalation(this.ticket, {
          actor: { kind: 'agent', id: by },
          at: t,
          newId: this.newId(t),
        });
        if (ack.ok) this.record(ack);
      });
    }
  }

  /** Plays the steps and the timer's looks in time order, up to `now`. */
  play(): void {
    this.look(new Date(Date.parse(this.ticket.createdAt) + 1000));
    for (let guard = 0; guard < 500; guard++) {
      this.steps.sort((a, b) => a.at - b.at || a.order - b.order);
      const step = this.steps[0];
      const lookFirst = this.nextLook !== null && (step === undefined || this.nextLook <= step.at);
      const when = lookFirst ? (this.nextLook as number) : step?.at;
      if (when === undefined || when > this.now) break;
      if (lookFirst) {
        this.look(new Date(when));
        continue;
      }
      this.steps.shift();
      const version = this.ticket.version;
      step?.run(new Date(when));
      // A change wakes the ticket clock at once (run-ticket-clock), which records met targets right away.
      if (this.ticket.version !== version) this.look(new Date(when + 2000));
    }
    this.cut();
  }
}
