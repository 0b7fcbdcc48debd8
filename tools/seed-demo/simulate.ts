/**
 * Each demo ticket's simulated life — triage, context supplied, pick-up, replies, stalls, approvals,
 * escalations, the resolution, reopens, satisfaction and the closure — drawn from demo-data.ts with the
 * ticket's own PRNG.
 */
import { ulid } from 'ulid';
import { workflowConfig } from '../../shared/config';
import {
  type Actor,
  addAgentMessage,
  assignTicket,
  decideApproval,
  type Message,
  openTicket,
  type Priority,
  receiveCustomerMessage,
  requestApproval,
  supplyContext,
  type TicketDraft,
  type TicketState,
  transition,
  updateTicket,
} from '../../shared/domain';
import { type CsatScore, recordCsat, resolutionOf } from '../../shared/domain/csat';
import { labelIntent } from '../../shared/domain/intent-label';
import { AGENTS, DAY, HOUR, MINUTE, PICKUP_MEDIAN, REQUIRED, WORK_MEDIAN } from './demo-data';
import { fieldsFor, type Plan, requesterFor } from './plan';
import { hashSeed, Rng } from './rng';
import { CLOSER, ESCALATION_ACTOR, Story } from './story';

/** Resolved tickets close after this many quiet days (the closure guard's `closeAfterQuietDays`). */
const CLOSE_AFTER_QUIET_DAYS = 5;

/** The agents work weekdays 07:00–18:00 UTC; enterprise tickets (24x7 policy) also get night cover, slower. */
function whenWorked(at: number, rng: Rng, enterprise: boolean): number {
  const d = new Date(at);
  const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
  const hour = d.getUTCHours();
  if (weekday && hour >= 7 && hour < 18) return at;
  if (enterprise && rng.chance(0.6)) return at + rng.lognormal(40 * MINUTE, 0.6);
  let next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 7) + (hour >= 7 ? DAY : 0);
  while ([0, 6].includes(new Date(next).getUTCDay())) next += DAY;
  return next + rng.lognormal(45 * MINUTE, 0.7);
}

export function simulate(
  plan: Plan,
  seed: string,
  now: number,
  reference: string,
): Story | { error: string } {
  const rng = new Rng(hashSeed(seed, 'life', plan.index));
  const requester = requesterFor(rng);
  const enterprise = requester.account?.tier === 'enterprise';
  const complete = fieldsFor(rng, plan.requestType);
  let fields = complete;
  // Mail carries context only as `Field: value` lines, and often not at all; forms and webhooks rarely miss it.
  const required = REQUIRED[plan.requestType];
  if (required.length > 0 && rng.chance(plan.channel === 'email' ? 0.4 : 0.07)) {
    const dropped = rng.pick(required);
    fields = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== dropped));
  }
  const subject = plan.subject
    .replace('{invoice}', complete.invoiceId ?? 'INV-1')
    .replace('{system}', complete.system ?? 'the admin console');
  const createdAt = new Date(plan.createdAt);
  const source = plan.channel === 'email' ? 'email' : plan.channel === 'webhook' ? 'demo' : plan.requestType;
  const draft: TicketDraft = {
    channel: plan.channel,
    source,
    externalId:
      plan.channel === 'email'
        ? `seed-${plan.index}@mail.customer.example`
        : `seed-demo-${seed}-${plan.index}`,
    subject,
    body: plan.driver.body,
    requester: { email: requester.email, name: requester.name },
    ...(requester.account ? { account: requester.account } : {}),
    // Mail does not say what it is about: triage reads the subject.
    ...(plan.channel === 'email' ? {} : { requestType: plan.requestType }),
    fields,
    tags: [],
  };
  const intakeActor: Actor =
    plan.channel === 'webhook'
      ? { kind: 'integration', id: 'webhook:demo' }
      : { kind: 'customer', id: requester.email };
  const opened = openTicket(draft, {
    config: workflowConfig,
    now: createdAt,
    reference,
    newId: () => ulid(createdAt.getTime(), rng.next),
    actor: intakeActor,
  });
  if (!opened.ok) return { error: opened.error.message };
  const story = new Story(rng, now, opened);
  const customer: Actor = { kind: 'customer', id: requester.email };
  const agent = rng.pick(AGENTS);
  const agentActor: Actor = { kind: 'agent', id: agent };
  const ctx = (at: Date, actor: Actor = agentActor) => ({ actor, at, newId: story.newId(at) });
  const move =
    (to: TicketState, reason?: string, actor: Actor = agentActor, extra = {}) =>
    (at: Date) => {
      const moved = transition(story.ticket, to, {
        ...ctx(at, actor),
        reason,
        nextSeq: story.ticket.auditSeq + 1,
        ...extra,
      });
      if (moved.ok) story.record(moved);
    };
  const reply = (body: string) => (at: Date) => {
    const r = addAgentMessage(
      story.ticket,
      { visibility: 'public', body, author: { email: agent } },
      ctx(at),
    );
    if (r.ok) story.record(r);
  };
  const customerWrites = (body: string) => (at: Date) => {
    const message: Message = {
      id: ulid(at.getTime(), rng.next),
      ticketId: story.ticket.id,
      direction: 'inbound',
      visibility: 'public',
      channel: 'email',
      author: { kind: 'customer', email: requester.email, name: requester.name },
      subject: `Re: ${subject} [${reference}]`,
      body,
      attachments: [],
      mailClass: 'human',
      createdAt: at.toISOString(),
    };
    const effect = receiveCustomerMessage(story.ticket, message, {}, workflowConfig, ctx(at, customer));
    if (effect.kind === 'appended') story.record({ ...effect, message });
  };

  // The apply-escalations consumer sees every new ticket (enterprise security reports go straight up).
  story.at(plan.createdAt + 5_000, (at) => story.escalate({ kind: 'ticket.created' }, at, ESCALATION_ACTOR));

  let t = plan.createdAt;
  if (story.ticket.state === 'needs_info') {
    // Most customers supply what is missing (the needs-info form); some never come back.
    if (!rng.chance(0.82)) return finish(story);
    t += rng.lognormal(5 * HOUR, 1.1);
    story.at(t, (at) => {
      const supplied = supplyContext(story.ticket, complete, workflowConfig, ctx(at, customer));
      if (supplied.ok && supplied.supplied.length > 0) story.record(supplied);
    });
  }

  // Pick-up and first response, in working hours (enterprise also at night); urgent work jumps the queue.
  const priority = story.ticket.priority;
  const pickup = whenWorked(t + rng.lognormal(PICKUP_MEDIAN[priority], 1.0), rng, enterprise);
  story.at(pickup, (at) => {
    const taken = assignTicket(story.ticket, agent, { ...ctx(at), mayReassign: false });
    if (taken.ok) story.record(taken);
  });
  story.at(pickup + 1000, (at) => {
    if (story.ticket.state === 'new') move('in_progress')(at);
  });
  // Now and then an agent corrects the priority triage gave.
  if (rng.chance(0.12)) {
    const to: Priority = rng.chance(0.7) ? (priority === 'urgent' ? 'high' : 'urgent') : 'low';
    story.at(pickup + 2 * MINUTE, (at) => {
      const u = updateTicket(story.ticket, { priority: to }, workflowConfig, ctx(at));
      if (u.ok) story.record(u);
    });
  }
  // Most agents confirm or correct the intent when they pick a ticket up: the labels `npm run intent:train`
  // learns from (issue 19). Drawn from its own generator, so the rest of the history stays as it was.
  const labels = new Rng(hashSeed(seed, 'intent-label', plan.index));
  if (labels.chance(0.6)) {
    story.at(pickup + 3 * MINUTE, (at) => {
      const labelled = labelIntent(story.ticket, plan.requestType, {
        actor: agentActor,
        at,
        newId: () => ulid(at.getTime(), labels.next),
        allowed: [plan.requestType],
      });
      if (labelled.ok) story.label(labelled, plan.driver.body);
    });
  }
  const firstReply = pickup + rng.lognormal(12 * MINUTE, 0.7);
  story.at(firstReply, reply('Thanks for reaching out, we are looking into it.'));
  t = firstReply;

  // About one ticket in five stalls: nobody resolves it, so the backlog ages.
  if (rng.chance(0.22)) {
    const stall = rng.weighted<TicketState>([
      ['waiting_on_customer', 5],
      ['waiting_on_team', 3],
      ['in_progress', 2],
    ]);
    if (stall !== 'in_progress') story.at(t + rng.lognormal(2 * HOUR, 1), move(stall, 'stalled'));
    return finish(story);
  }

  if (rng.chance(0.28)) {
    t += rng.lognormal(90 * MINUTE, 0.8);
    story.at(t, move('waiting_on_customer', 'asked the customer for details'));
    t += rng.lognormal(16 * HOUR, 1.1);
    story.at(t, customerWrites('Here are the details you asked for.'));
  }
  if (rng.chance(0.14)) {
    t += rng.lognormal(60 * MINUTE, 0.8);
    story.at(t, move('waiting_on_team', 'waiting for engineering'));
    t += rng.lognormal(9 * HOUR, 1.1);
    story.at(t, move('in_progress', 'engineering answered'));
  }
  // Credits and refunds on billing disputes, high-risk access: the approval policies decide who approves.
  const approvalKind =
    plan.requestType === 'billing_dispute' && rng.chance(0.5)
      ? plan.driver.id === 'refund-request'
        ? 'refund'
        : 'credit'
      : plan.requestType === 'access_request' && story.ticket.fields.riskLevel === 'high'
        ? 'access'
        : undefined;
  if (approvalKind) {
    t += rng.lognormal(45 * MINUTE, 0.8);
    const amount = rng.chance(0.55) ? rng.int(20, 480) : rng.int(520, 2_400);
    story.at(t, (at) => {
      const asked = requestApproval(
        story.ticket,
        {
          kind: approvalKind,
          ...(approvalKind === 'access' ? {} : { amount: { value: amount, currency: 'EUR' } }),
          summary:
            approvalKind === 'access'
              ? `Grant ${story.ticket.fields.system ?? 'the system'} access`
              : `${approvalKind} of ${amount} EUR for ${story.ticket.fields.invoiceId ?? 'the invoice'}`,
        },
        workflowConfig,
        ctx(at),
      );
      if (!asked.ok) return;
      story.record(asked);
      story.approvals.set(asked.approval.id, asked.approval);
    });
    const decideAt = t + Math.min(rng.lognormal(4 * HOUR, 1), 20 * HOUR);
    const approve = rng.chance(0.78);
    const group = approvalKind === 'access' ? 'security' : 'finance';
    const voters = [`${group}@example.com`, `${group}2@example.com`];
    voters.forEach((voter, i) => {
      story.at(decideAt + i * rng.lognormal(HOUR, 0.8), (at) => {
        const approval = [...story.approvals.values()].find((a) => a.state === 'pending');
        if (!approval) return;
        const decided = decideApproval(
          approval,
          story.ticket,
          { decision: approve ? 'approve' : 'reject', reason: approve ? 'Confirmed' : 'Not justified' },
          { id: voter, email: voter, groups: [`approver-${group}`] },
          { at, newId: story.newId(at) },
        );
        if (!decided.ok) return;
        story.record(decided);
        story.approvals.set(decided.approval.id, decided.approval);
      });
    });
    t = decideAt + 2 * HOUR;
  }
  if (rng.chance(0.04)) {
    story.at(t + rng.lognormal(2 * HOUR, 1), (at) =>
      story.escalate({ kind: 'manual', reason: 'needs a specialist' }, at, agentActor),
    );
  }
  if (rng.chance(0.2)) {
    story.at(t + rng.lognormal(HOUR, 1), (at) => {
      const note = addAgentMessage(
        story.ticket,
        {
          visibility: 'internal',
          body: 'Checked the account history; see the linked invoice.',
          author: { email: agent },
        },
        ctx(at),
      );
      if (note.ok) story.record(note);
    });
  }

  // The work itself: bugs and access take longer than questions.
  let resolveAt = whenWorked(t + rng.lognormal(WORK_MEDIAN[plan.requestType], 1.1), rng, enterprise);
  const resolve = (at: number) => {
    story.at(at - MINUTE, reply('This is fixed on our side. Let us know if anything is still wrong.'));
    story.at(at, (d) => {
      move('resolved', 'solved')(d);
      if (story.ticket.state === 'resolved') story.resolvedAt = d.getTime();
    });
  };
  resolve(resolveAt);
  // Some come back: the customer replies to the resolution mail, which reopens the ticket.
  if (rng.chance(0.09)) {
    const back = resolveAt + rng.lognormal(20 * HOUR, 1);
    story.at(back, (at) => {
      if (story.ticket.state !== 'resolved') return;
      customerWrites('Sorry, it happens again.')(at);
      story.reopened = true;
      story.resolvedAt = null;
    });
    resolveAt = whenWorked(back + rng.lognormal(6 * HOUR, 1), rng, enterprise);
    resolve(resolveAt);
  }
  // Satisfaction: a part of the customers answer the survey in the resolution mail.
  if (rng.chance(0.4)) {
    story.at(resolveAt + rng.lognormal(3 * HOUR, 1.2), (at) => {
      if (story.ticket.state !== 'resolved' && story.ticket.state !== 'closed') return;
      const breached = story.ticket.sla?.targets.some((x) => x.status === 'breached') ?? false;
      const mood = (breached ? -1.1 : 0) + (story.reopened ? -0.9 : 0) + rng.normal() * 0.9;
      const score = Math.max(1, Math.min(5, Math.round(4.4 + mood))) as CsatScore;
      const resolution = resolutionOf(story.allAudit);
      if (!resolution) return;
      const rated = recordCsat(
        story.ticket,
        story.allAudit,
        { resolution: resolution.seq, answer: { score } },
        { at, newId: story.newId(at) },
      );
      if (rated.ok && rated.recorded) story.record(rated);
    });
  }
  // Closed: confirmed by the customer, or after enough quiet days.
  const confirms = rng.chance(0.2);
  const closeAt = confirms
    ? resolveAt + rng.lognormal(5 * HOUR, 1)
    : resolveAt + CLOSE_AFTER_QUIET_DAYS * DAY + rng.lognormal(2 * HOUR, 0.5);
  story.at(closeAt, (at) => {
    if (story.ticket.state !== 'resolved' || story.resolvedAt === null) return;
    move(
      'closed',
      confirms ? 'customer confirmed' : `no reply for ${CLOSE_AFTER_QUIET_DAYS} days`,
      confirms ? customer : CLOSER,
      confirms
        ? { customerConfirmed: true }
        : {
            quietDays: Math.floor((at.getTime() - story.resolvedAt) / DAY),
            closeAfterQuietDays: CLOSE_AFTER_QUIET_DAYS,
          },
    )(at);
  });
  return finish(story);
}

function finish(story: Story): Story {
  story.play();
  return story;
}
