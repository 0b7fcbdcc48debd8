import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type AuditEvent,
  AuditEventSchema,
  MessageSchema,
  type Ticket,
  TicketMessageAddedEvent,
  type TicketState,
  TicketStateChangedEvent,
  transition,
} from '../../shared/domain';
import {
  answerResolution,
  parseResolutionAnswer,
  RESOLUTION_COMMENT_MAX_LENGTH,
  type ResolutionAnswer,
  resolutionQuestionState,
} from '../../shared/domain/resolution-answer';
import { aTicket, ids, T0 } from './builders';

const agent: Actor = { kind: 'agent', id: 'agent@example.com' };
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

interface Life {
  ticket: Ticket;
  audit: AuditEvent[];
}

/** Moves the ticket through `states` one minute apart, keeping the audit trail as the repository would. */
function live(life: Life, states: readonly TicketState[], startMinute: number): Life {
  let { ticket, audit } = life;
  states.forEach((to, i) => {
    const at = minutes(startMinute + i);
    const r = transition(ticket, to, {
      actor: agent,
      at,
      nextSeq: ticket.auditSeq + 1,
      newId: ids(at),
      reason: 'done',
    });
    if (!r.ok) throw r.error;
    ticket = r.ticket;
    audit = [...audit, r.audit];
  });
  return { ticket, audit };
}

/** Resolved at audit seq 4. */
const resolved = () => live({ ticket: aTicket({ auditSeq: 2 }), audit: [] }, ['in_progress', 'resolved'], 1);
const answer = (life: Life, resolution: number, given: ResolutionAnswer, minute = 10) =>
  answerResolution(
    life.ticket,
    life.audit,
    { resolution, answer: given },
    { at: minutes(minute), newId: ids(minutes(minute)) },
  );
/** The life after a recorded answer. */
function withAnswer(life: Life, out: ReturnType<typeof answer>): Life {
  if (!out.ok || !out.recorded) throw new Error('expected a recorded answer');
  return { ticket: out.ticket, audit: [...life.audit, ...out.audit] };
}

describe('answering "is it solved?"', () => {
  it('closes the ticket on "solved" as the customer’s confirmation, one version, audited and announced', () => {
    const life = resolved();
    const out = answer(life, 4, { answer: 'solved', comment: 'All good now' });
    if (!out.ok || !out.recorded) throw new Error('expected a recorded answer');
    expect(out.ticket).toMatchObject({
      state: 'closed',
      version: life.ticket.version + 1,
      auditSeq: life.ticket.auditSeq + 2,
    });
    const customer = { kind: 'customer', id: 'dana@bigcorp.example' };
    expect(out.audit.map((a) => AuditEventSchema.parse(a))).toMatchObject([
      {
        seq: 5,
        actor: customer,
        action: 'resolution.answered',
        after: { answer: 'solved', resolution: 4, comment: 'All good now' },
      },
      {
        seq: 6,
        actor: customer,
        action: 'ticket.state_changed',
        before: { state: 'resolved' },
        after: { state: 'closed' },
        reason: 'the customer confirmed it is solved (resolution mail)',
      },
    ]);
    expect(out.messages).toEqual([]);
    expect(out.events.map((e) => TicketStateChangedEvent.parse(e))).toEqual([
      {
        type: 'ticket.state_changed',
        detail: {
          ticketId: life.ticket.id,
          version: out.ticket.version,
          from: 'resolved',
          to: 'closed',
          occurredAt: minutes(10).toISOString(),
        },
      },
    ]);
  });

  it('reopens the ticket on "not solved", the comment becoming the requester’s public message', () => {
    const life = resolved();
    const out = answer(life, 4, { answer: 'not_solved', comment: 'The export still stops at 99%' });
    if (!out.ok || !out.recorded) throw new Error('expected a recorded answer');
    expect(out.ticket).toMatchObject({ state: 'in_progress', version: life.ticket.version + 1, auditSeq: 7 });
    const [message] = out.messages;
    expect(MessageSchema.parse(message)).toMatchObject({
      ticketId: life.ticket.id,
      direction: 'inbound',
      visibility: 'public',
      channel: 'form',
      author: { kind: 'customer', email: 'dana@bigcorp.example', name: 'Dana' },
      body: 'The export still stops at 99%',
      createdAt: minutes(10).toISOString(),
    });
    expect(out.audit.map((a) => [a.seq, a.action, a.after])).toEqual([
      [5, 'resolution.answered', { answer: 'not_solved', resolution: 4, messageId: message?.id }],
      [6, 'ticket.message_added', { messageId: message?.id, direction: 'inbound', channel: 'form' }],
      [7, 'ticket.state_changed', { state: 'in_progress' }],
    ]);
    expect(out.audit[2]?.reason).toBe('the customer said it is still a problem (resolution mail)');
    expect(TicketMessageAddedEvent.parse(out.events[0])).toMatchObject({
      detail: { messageId: message?.id, direction: 'inbound', authorKind: 'customer', deliver: false },
    });
    expect(out.events.map((e) => [e.type, e.detail.version])).toEqual([
      ['ticket.message_added', out.ticket.version],
      ['ticket.state_changed', out.ticket.version],
    ]);
  });

  it('reopens without a message when there is no comment', () => {
    const out = answer(resolved(), 4, { answer: 'not_solved' });
    if (!out.ok || !out.recorded) throw new Error('expected a recorded answer');
    expect(out.ticket.state).toBe('in_progress');
    expect(out.messages).toEqual([]);
    expect(out.audit.map((a) => a.action)).toEqual(['resolution.answered', 'ticket.state_changed']);
  });

  it('answers the same answer again as already recorded, changing nothing', () => {
    for (const given of ['solved', 'not_solved'] as const) {
      const life = resolved();
      const once = withAnswer(life, answer(life, 4, { answer: given }));
      expect(answer(once, 4, { answer: given, comment: 'again' }, 11)).toEqual({
        ok: true,
        recorded: false,
        answer: given,
        ticket: once.ticket,
      });
    }
  });

  it('refuses the other answer once one is recorded, naming the state and what was said', () => {
    const life = resolved();
    const closed = withAnswer(life, answer(life, 4, { answer: 'solved' }));
    const late = answer(closed, 4, { answer: 'not_solved' }, 11);
    expect(!late.ok && late.error).toMatchObject({ code: 'RESOLUTION.ALREADY_ANSWERED', state: 'closed' });
    expect(!late.ok && late.error.message).toBe(
      'FD-7 is closed: you told us it is solved; if the problem is back, reply to our mail',
    );
    const reopened = withAnswer(life, answer(life, 4, { answer: 'not_solved' }));
    const changed = answer(reopened, 4, { answer: 'solved' }, 11);
    expect(!changed.ok && changed.error).toMatchObject({
      code: 'RESOLUTION.ALREADY_ANSWERED',
      state: 'in_progress',
    });
  });

  it('refuses the other answer to an answered resolution as superseded once the ticket was resolved again', () => {
    const life = resolved();
    const reopened = withAnswer(life, answer(life, 4, { answer: 'not_solved' }));
    const again = live(reopened, ['resolved'], 20);
    expect(answer(again, 4, { answer: 'solved' }, 21)).toMatchObject({
      ok: false,
      error: { code: 'RESOLUTION.SUPERSEDED', state: 'resolved' },
    });
    // The same answer again is still just "already recorded".
    expect(answer(again, 4, { answer: 'not_solved' }, 21)).toMatchObject({ ok: true, recorded: false });
  });

  it('refuses a ticket that is no longer resolved, naming its state', () => {
    const reopened = live(resolved(), ['in_progress'], 5);
    const out = answer(reopened, 4, { answer: 'solved' });
    expect(!out.ok && out.error).toMatchObject({ code: 'RESOLUTION.NOT_RESOLVED', state: 'in_progress' });
    expect(!out.ok && out.error.message).toContain('FD-7 is in progress, not resolved');
    const waiting = live(reopened, ['waiting_on_customer'], 6);
    expect(answer(waiting, 4, { answer: 'not_solved' })).toMatchObject({
      ok: false,
      error: { state: 'waiting_on_customer', message: expect.stringContaining('is waiting on customer') },
    });
    const closed = live(resolved(), ['closed'], 5);
    expect(answer(closed, 4, { answer: 'not_solved' })).toMatchObject({
      ok: false,
      error: { code: 'RESOLUTION.NOT_RESOLVED', state: 'closed', message: expect.stringContaining('closed') },
    });
  });

  it('refuses a link from an older resolution once the ticket was resolved again, and takes the new one', () => {
    const again = live(resolved(), ['in_progress', 'resolved'], 5);
    const old = answer(again, 4, { answer: 'solved' });
    expect(!old.ok && old.error).toMatchObject({ code: 'RESOLUTION.SUPERSEDED', state: 'resolved' });
    expect(!old.ok && old.error.message).toContain('resolved again since this link was sent');
    expect(answer(again, 6, { answer: 'solved' })).toMatchObject({ ok: true, recorded: true });
  });

  it('refuses a ticket that was never resolved (a merged duplicate)', () => {
    const merged = aTicket({ state: 'closed', auditSeq: 3 });
    expect(resolutionQuestionState(merged, [], 3)).toMatchObject({
      kind: 'refused',
      error: { code: 'RESOLUTION.NOT_RESOLVED', state: 'closed' },
    });
  });

  it('shows the question open, answered or refused without changing anything', () => {
    const life = resolved();
    expect(resolutionQuestionState(life.ticket, life.audit, 4)).toEqual({ kind: 'open' });
    const closed = withAnswer(life, answer(life, 4, { answer: 'solved' }));
    expect(resolutionQuestionState(closed.ticket, closed.audit, 4)).toEqual({
      kind: 'answered',
      answer: 'solved',
    });
  });
});

describe('parseResolutionAnswer', () => {
  it('takes "solved" or "not_solved" (JSON or form text) and an optional comment', () => {
    expect(parseResolutionAnswer({ answer: 'solved' })).toEqual({ ok: true, answer: { answer: 'solved' } });
    expect(parseResolutionAnswer({ answer: ' not_solved ', comment: '  still broken  ' })).toEqual({
      ok: true,
      answer: { answer: 'not_solved', comment: 'still broken' },
    });
    expect(parseResolutionAnswer({ answer: 'solved', comment: ' ' })).toEqual({
      ok: true,
      answer: { answer: 'solved' },
    });
    // Half a surrogate pair never reaches DynamoDB.
    expect(parseResolutionAnswer({ answer: 'not_solved', comment: 'x\ud83d' })).toEqual({
      ok: true,
      answer: { answer: 'not_solved', comment: 'x\ufffd' },
    });
  });

  it.each([['yes'], ['SOLVED'], [''], [true], [1], [null], [undefined], [['solved']]])(
    'refuses the answer %j, naming the field',
    (given) => {
      expect(parseResolutionAnswer({ answer: given })).toEqual({
        ok: false,
        issues: [{ path: 'answer', message: 'must be "solved" or "not_solved"' }],
      });
    },
  );

  it('refuses a comment over the limit or not text, naming the field', () => {
    expect(
      parseResolutionAnswer({ answer: 'solved', comment: 'x'.repeat(RESOLUTION_COMMENT_MAX_LENGTH + 1) }),
    ).toEqual({ ok: false, issues: [{ path: 'comment', message: 'must be at most 5000 characters' }] });
    expect(
      parseResolutionAnswer({ answer: 'solved', comment: 'x'.repeat(RESOLUTION_COMMENT_MAX_LENGTH) }).ok,
    ).toBe(true);
    expect(parseResolutionAnswer({ answer: 'nope', comment: 42 })).toEqual({
      ok: false,
      issues: [
        { path: 'answer', message: 'must be "solved" or "not_solved"' },
        { path: 'comment', message: 'must be text' },
      ],
    });
  });
});
