import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketRepository } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import {
  type DomainEvent,
  newId,
  openTicket,
  type Ticket,
  type TicketState,
  ticketCreatedEvent,
  transition,
} from '../../shared/domain';
import { verifyCsatLink } from '../../shared/http/csat-link';
import { customerLinks } from '../../shared/http/customer-links';
import { verifyResolutionLink } from '../../shared/http/resolution-link';
import { mergeAsLead } from '../../shared/use-cases/agent-work';
import { confirmResolution } from '../../shared/use-cases/confirm-resolution';
import type { Clock, OutgoingMail, ResolutionLink } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';
import { transitionTicket } from '../../shared/use-cases/transition';
import { freshTable, outboxEvents } from '../support/dynamodb';
import { storedIncident } from '../support/incidents';

// "Is it solved?" from both ends against DynamoDB Local: the resolution mail carries the two signed links
// (and no other mail does); an answer closes or reopens the ticket once per resolution, its events in the
// outbox of the same write; and an agent closes a resolved ticket only with a resolution note. An incident
// closes only once none of its linked tickets is open, by its resolution mail's "solved" or by a merge.

const SECRET = 'test-link-secret';
const T0 = new Date('2026-05-04T09:00:00.000Z');
const MINUTE = 60_000;

class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

describe('resolution answer use cases', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  const clock = new FakeClock(T0.getTime());
  const sent: OutgoingMail[] = [];
  const ports = () => ({ tickets, clock });
  const notify = (event: DomainEvent) =>
    sendNotification(event, {
      tickets,
      mailer: {
        send: async (mail) => {
          sent.push(mail);
          return `${newId(clock.now())}@test`;
        },
      },
      once: (_key, send) => send(),
      clock,
      config: workflowConfig,
      supportAddress: 'support@example.com',
      links: customerLinks({ secret: async () => SECRET, publicBaseUrl: 'https://help.example.com/' }),
    });

  beforeAll(async () => {
    table = await freshTable();
    tickets = new TicketRepository(table.db, table.tableName);
  });
  afterAll(async () => {
    await table.drop();
  });

  let n = 200;
  async function aTicket(): Promise<{ ticket: Ticket; created: DomainEvent }> {
    const reference = `FD-${++n}`;
    const opened = openTicket(
      {
        channel: 'webhook',
        source: 'demo',
        subject: 'Export fails',
        body: 'The CSV export never finishes',
        requester: { email: 'dana@bigcorp.example', name: 'Dana' },
        requestType: 'general_question',
        fields: {},
        tags: [],
      },
      {
        config: workflowConfig,
        now: clock.now(),
        reference,
        newId: () => newId(clock.now()),
        actor: { kind: 'integration', id: 'test' },
      },
    );
    if (!opened.ok) throw opened.error;
    await tickets.create({ ...opened, dedupe: { channel: 'test', key: reference, expiresAt: 1 } });
    return { ticket: opened.ticket, created: ticketCreatedEvent(opened.ticket) };
  }

  /** Moves the stored ticket, one minute per step, as an agent would; answers the last event. */
  async function move(ticketId: string, ...states: TicketState[]): Promise<DomainEvent> {
    let last: DomainEvent | undefined;
    for (const to of states) {
      clock.t += MINUTE;
      const history = await tickets.history(ticketId);
      if (!history) throw new Error('no ticket');
      const at = clock.now();
      const r = transition(history.ticket, to, {
        actor: { kind: 'agent', id: 'agent@example.com' },
        at,
        nextSeq: history.ticket.auditSeq + 1,
        newId: () => newId(at),
      });
      if (!r.ok) throw r.error;
      await tickets.append({ ticket: r.ticket, expectedVersion: history.ticket.version, audit: [r.audit] });
      last = r.event;
    }
    if (!last) throw new Error('no move');
    return last;
  }

  /** A resolved ticket and the link of its (latest) resolution. */
  async function aResolvedTicket(): Promise<{ ticket: Ticket; link: ResolutionLink }> {
    const { ticket } = await aTicket();
    await move(ticket.id, 'in_progress', 'resolved');
    const stored = await tickets.history(ticket.id);
    if (!stored) throw new Error('no ticket');
    return {
      ticket: stored.ticket,
      link: { ticketId: ticket.id, resolution: stored.ticket.auditSeq, expiresAt: 2e9 },
    };
  }
  const eventsOf = async (ticketId: string) =>
    (await outboxEvents(table)).filter((e) => e.detail.ticketId === ticketId);

  const answerLinks = (text: string) =>
    [
      ...text.matchAll(/(https:\/\/help\.example\.com\/resolution\/([\w.-]+))\?answer=(solved|not_solved)/g),
    ].map((m) => ({ url: m[1], token: m[2] ?? '', answer: m[3] }));

  it('puts a "solved" and a "not solved" link in the resolution mail, for the resolution it announces, and in no other mail', async () => {
    const { ticket, created } = await aTicket();
    await notify(created);
    expect(sent.at(-1)?.text).not.toContain('/resolution/');

    const resolvedEvent = await move(ticket.id, 'in_progress', 'resolved');
    expect(await notify(resolvedEvent)).toMatchObject({ kind: 'sent', template: 'resolution' });
    const text = sent.at(-1)?.text ?? '';
    const links = answerLinks(text);
    expect(links.map((l) => l.answer)).toEqual(['solved', 'not_solved']);
    expect(new Set(links.map((l) => l.url)).size).toBe(1);
    expect(text).toContain("Yes, it's solved:");
    expect(text).toContain('No, still a problem:');

    const check = verifyResolutionLink(SECRET, links[0]?.token ?? '', clock.now());
    if (!check.ok) throw new Error(`link refused: ${check.reason}`);
    const resolvedSeq = (await tickets.history(ticket.id))?.audit.find(
      (a) => a.action === 'ticket.state_changed' && a.after?.state === 'resolved',
    )?.seq;
    expect(check.link).toEqual({
      ticketId: ticket.id,
      resolution: resolvedSeq,
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 30 * 86_400,
    });
    // Its own purpose in the signature: the survey link's token is not an answer token, nor the other way round.
    const csatToken = /\/csat\/([\w.-]+)\?score=5/.exec(text)?.[1] ?? '';
    expect(verifyCsatLink(SECRET, csatToken, clock.now()).ok).toBe(true);
    expect(verifyResolutionLink(SECRET, csatToken, clock.now())).toEqual({ ok: false, reason: 'forged' });
    expect(verifyCsatLink(SECRET, links[0]?.token ?? '', clock.now())).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifyResolutionLink(SECRET, links[0]?.token ?? '', new Date(clock.t + 31 * 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('closes the ticket on "solved": the customer’s confirmation, audited, ticket.state_changed in the same write', async () => {
    const { ticket, link } = await aResolvedTicket();
    const before = await eventsOf(ticket.id);
    clock.t += MINUTE;
    const result = await confirmResolution({ link, answer: { answer: 'solved' } }, ports());
    expect(result).toMatchObject({ kind: 'recorded', answer: 'solved', ticket: { state: 'closed' } });

    const after = await tickets.history(ticket.id);
    expect(after?.ticket).toMatchObject({ state: 'closed', version: ticket.version + 1 });
    expect(after?.audit.slice(-2)).toMatchObject([
      {
        action: 'resolution.answered',
        actor: { kind: 'customer', id: 'dana@bigcorp.example' },
        after: { answer: 'solved', resolution: link.resolution },
      },
      {
        action: 'ticket.state_changed',
        actor: { kind: 'customer', id: 'dana@bigcorp.example' },
        before: { state: 'resolved' },
        after: { state: 'closed' },
      },
    ]);
    const events = (await eventsOf(ticket.id)).slice(before.length);
    expect(events.map((e) => [e.type, e.detail.from, e.detail.to, e.detail.version])).toEqual([
      ['ticket.state_changed', 'resolved', 'closed', ticket.version + 1],
    ]);
  });

  it('reopens the ticket on "not solved", the comment stored as the requester’s public message', async () => {
    const { ticket, link } = await aResolvedTicket();
    const before = await eventsOf(ticket.id);
    clock.t += MINUTE;
    const result = await confirmResolution(
      { link, answer: { answer: 'not_solved', comment: 'Still stops at 99%' } },
      ports(),
    );
    expect(result).toMatchObject({
      kind: 'recorded',
      answer: 'not_solved',
      ticket: { state: 'in_progress' },
    });

    const after = await tickets.history(ticket.id);
    expect(after?.ticket.state).toBe('in_progress');
    const message = after?.messages.at(-1);
    expect(message).toMatchObject({
      direction: 'inbound',
      visibility: 'public',
      author: { kind: 'customer', email: 'dana@bigcorp.example' },
      body: 'Still stops at 99%',
    });
    expect(after?.audit.slice(-3).map((a) => a.action)).toEqual([
      'resolution.answered',
      'ticket.message_added',
      'ticket.state_changed',
    ]);
    const events = (await eventsOf(ticket.id)).slice(before.length);
    expect(events.map((e) => e.type)).toEqual(['ticket.message_added', 'ticket.state_changed']);
    expect(events[0]?.detail.messageId).toBe(message?.id);
    expect(events[1]?.detail).toMatchObject({ from: 'resolved', to: 'in_progress' });
  });

  it('answers the same answer again as already recorded, writing nothing', async () => {
    const { ticket, link } = await aResolvedTicket();
    expect((await confirmResolution({ link, answer: { answer: 'not_solved' } }, ports())).kind).toBe(
      'recorded',
    );
    const version = (await tickets.get(ticket.id))?.version;
    const events = (await eventsOf(ticket.id)).length;
    const again = await confirmResolution(
      { link, answer: { answer: 'not_solved', comment: 'hello?' } },
      ports(),
    );
    expect(again).toMatchObject({ kind: 'already_recorded', answer: 'not_solved' });
    const after = await tickets.history(ticket.id);
    expect(after?.ticket.version).toBe(version);
    expect(after?.messages.map((m) => m.body)).not.toContain('hello?');
    expect(await eventsOf(ticket.id)).toHaveLength(events);
  });

  it('records one answer when the two links race: the other is refused, naming the state', async () => {
    const { ticket, link } = await aResolvedTicket();
    const answers = await Promise.all([
      confirmResolution({ link, answer: { answer: 'solved' } }, ports()),
      confirmResolution({ link, answer: { answer: 'not_solved', comment: 'no!' } }, ports()),
    ]);
    const recorded = answers.filter((a) => a.kind === 'recorded');
    const refused = answers.filter((a) => a.kind === 'refused');
    expect(recorded).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const state = (await tickets.get(ticket.id))?.state;
    expect(state).toBe(
      recorded[0]?.kind === 'recorded' && recorded[0].answer === 'solved' ? 'closed' : 'in_progress',
    );
    expect(refused[0]?.kind === 'refused' && refused[0].error).toMatchObject({
      code: 'RESOLUTION.ALREADY_ANSWERED',
      state,
    });
    const audit = (await tickets.history(ticket.id))?.audit ?? [];
    expect(audit.filter((a) => a.action === 'resolution.answered')).toHaveLength(1);
  });

  it('refuses a link from an older resolution after the ticket was reopened and resolved again', async () => {
    const { ticket, link } = await aResolvedTicket();
    await move(ticket.id, 'in_progress', 'resolved');
    const version = (await tickets.get(ticket.id))?.version;
    const old = await confirmResolution({ link, answer: { answer: 'solved' } }, ports());
    expect(old.kind === 'refused' && old.error).toMatchObject({
      code: 'RESOLUTION.SUPERSEDED',
      state: 'resolved',
    });
    expect((await tickets.get(ticket.id))?.version).toBe(version);
    // The new mail's link works.
    const current = (await tickets.get(ticket.id))?.auditSeq ?? 0;
    const fresh = await confirmResolution(
      { link: { ...link, resolution: current }, answer: { answer: 'solved' } },
      ports(),
    );
    expect(fresh).toMatchObject({ kind: 'recorded', ticket: { state: 'closed' } });
  });

  it('refuses a ticket that is no longer resolved for another reason, naming its state', async () => {
    const { ticket, link } = await aResolvedTicket();
    await move(ticket.id, 'in_progress');
    const version = (await tickets.get(ticket.id))?.version;
    const refused = await confirmResolution({ link, answer: { answer: 'not_solved' } }, ports());
    expect(refused.kind === 'refused' && refused.error).toMatchObject({
      code: 'RESOLUTION.NOT_RESOLVED',
      state: 'in_progress',
      message: expect.stringContaining('is in progress, not resolved'),
    });
    expect((await tickets.get(ticket.id))?.version).toBe(version);
  });

  it('answers not found for a link to a ticket that does not exist', async () => {
    const link = { ticketId: newId(clock.now()), resolution: 4, expiresAt: 2e9 };
    expect(await confirmResolution({ link, answer: { answer: 'solved' } }, ports())).toEqual({
      kind: 'not_found',
    });
  });

  it('lets an agent close a resolved ticket with a resolution note, and refuses it without one', async () => {
    const { ticket } = await aResolvedTicket();
    const agent = {
      ticketId: ticket.id,
      to: 'closed' as const,
      expectedVersion: ticket.version,
      actor: { kind: 'agent' as const, id: 'agent@example.com' },
      scope: { queues: 'all' as const, approverGroups: [] },
    };
    const refused = await transitionTicket(agent, ports());
    expect(refused.kind === 'refused' && refused.error).toMatchObject({
      code: 'TICKET.GUARD_FAILED',
      guard: 'closure-confirmed',
      message: expect.stringContaining('with a resolution note'),
    });
    expect((await tickets.get(ticket.id))?.state).toBe('resolved');

    const closed = await transitionTicket(
      { ...agent, reason: 'Credit note CN-2291 issued; customer informed by phone' },
      ports(),
    );
    expect(closed).toMatchObject({ kind: 'changed', ticket: { state: 'closed' } });
    const audit = (await tickets.history(ticket.id))?.audit.at(-1);
    expect(audit).toMatchObject({
      action: 'ticket.state_changed',
      actor: { kind: 'agent', id: 'agent@example.com' },
      after: { state: 'closed' },
      reason: 'Credit note CN-2291 issued; customer informed by phone',
    });
    expect((await eventsOf(ticket.id)).at(-1)).toMatchObject({
      type: 'ticket.state_changed',
      detail: { from: 'resolved', to: 'closed' },
    });
  });
  /** A resolved incident affecting one new ticket, and the link of the incident's resolution. */
  async function aResolvedIncident(): Promise<{ incident: Ticket; linked: Ticket; link: ResolutionLink }> {
    const { ticket: linked } = await aTicket();
    const { ticket } = await aTicket();
    await storedIncident(tickets, ticket.id, [linked.id], clock.now());
    await move(ticket.id, 'in_progress', 'resolved');
    const incident = await tickets.get(ticket.id);
    if (!incident) throw new Error('no incident');
    return { incident, linked, link: { ticketId: ticket.id, resolution: incident.auditSeq, expiresAt: 2e9 } };
  }
  /** What a refused write must leave as it was: the ticket's version, audit trail and outbox. */
  const trace = async (ticketId: string) => {
    const history = await tickets.history(ticketId);
    return {
      version: history?.ticket.version,
      audit: history?.audit.length,
      events: (await eventsOf(ticketId)).length,
    };
  };

  it('refuses "solved" on an incident while a linked ticket is open, writing nothing, and closes it once they are resolved', async () => {
    const { incident, linked, link } = await aResolvedIncident();
    const before = await trace(incident.id);
    clock.t += MINUTE;
    const refused = await confirmResolution({ link, answer: { answer: 'solved' } }, ports());
    expect(refused.kind === 'refused' && refused.error).toMatchObject({
      code: 'INCIDENT.REFUSED',
      rule: 'incident-links-resolved',
      kind: 'conflict',
      references: [linked.reference],
    });
    expect(await trace(incident.id)).toEqual(before);
    expect((await tickets.get(incident.id))?.state).toBe('resolved');

    await move(linked.id, 'in_progress', 'resolved');
    const closed = await confirmResolution({ link, answer: { answer: 'solved' } }, ports());
    expect(closed).toMatchObject({ kind: 'recorded', answer: 'solved', ticket: { state: 'closed' } });
    expect((await tickets.get(incident.id))?.state).toBe('closed');
  });

  it('reopens an incident on "not solved" even while its linked tickets are open', async () => {
    const { incident, link } = await aResolvedIncident();
    const reopened = await confirmResolution({ link, answer: { answer: 'not_solved' } }, ports());
    expect(reopened).toMatchObject({ kind: 'recorded', ticket: { state: 'in_progress' } });
    expect((await tickets.get(incident.id))?.state).toBe('in_progress');
  });

  it('refuses merging an incident as a duplicate while a linked ticket is open, writing neither ticket, and merges it once they are resolved', async () => {
    const { incident, linked } = await aResolvedIncident();
    const { ticket: survivor } = await aTicket();
    const merge = async () =>
      mergeAsLead(
        {
          ticketId: incident.id,
          intoTicketId: survivor.id,
          expectedVersion: (await tickets.get(incident.id))?.version ?? 0,
          actor: { kind: 'agent', id: 'lead@example.com' },
          scope: { queues: 'all', approverGroups: [] },
        },
        { tickets, clock, config: workflowConfig },
      );
    const before = [await trace(incident.id), await trace(survivor.id)];
    const refused = await merge();
    expect(refused.kind === 'refused' && refused.error).toMatchObject({
      rule: 'incident-links-resolved',
      references: [linked.reference],
    });
    expect([await trace(incident.id), await trace(survivor.id)]).toEqual(before);

    await move(linked.id, 'in_progress', 'resolved');
    expect(await merge()).toMatchObject({ kind: 'changed', ticket: { state: 'closed' } });
  });
});
