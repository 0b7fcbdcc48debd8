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
import type { Clock, OutgoingMail } from '../../shared/use-cases/ports';
import { sendNotification } from '../../shared/use-cases/send-notification';
import { submitCsat } from '../../shared/use-cases/submit-csat';
import { freshTable, outboxEvents } from '../support/dynamodb';

// The survey from both ends against DynamoDB Local: the resolution mail carries the signed links (and no
// other mail does), and an answer is recorded once per resolution even when two arrive at the same time.

const SECRET = 'test-link-secret';
const T0 = new Date('2026-05-04T09:00:00.000Z');
const MINUTE = 60_000;

class FakeClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
}

describe('CSAT survey use cases', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let tickets: TicketRepository;
  const clock = new FakeClock(T0.getTime());
  const sent: OutgoingMail[] = [];
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

  async function aTicket(reference: string): Promise<{ ticket: Ticket; created: DomainEvent }> {
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

  /** Moves the stored ticket, one minute per step, as the transition use case would; answers the last event. */
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

  const surveyLinks = (text: string) =>
    [...text.matchAll(/(https:\/\/help\.example\.com\/csat\/([\w.-]+))\?score=([1-5])/g)].map((m) => ({
      url: m[1],
      token: m[2] ?? '',
      score: Number(m[3]),
    }));

  it('puts one survey link per score in the resolution mail, for the resolution it announces, and in no other mail', async () => {
    const { ticket, created } = await aTicket('FD-101');
    await notify(created);
    expect(sent.at(-1)?.text).not.toContain('/csat/');

    const resolvedEvent = await move(ticket.id, 'in_progress', 'resolved');
    const result = await notify(resolvedEvent);
    expect(result).toMatchObject({ kind: 'sent', template: 'resolution' });
    const links = surveyLinks(sent.at(-1)?.text ?? '');
    expect(links.map((l) => l.score)).toEqual([5, 4, 3, 2, 1]);
    expect(new Set(links.map((l) => l.url)).size).toBe(1);

    const check = verifyCsatLink(SECRET, links[0]?.token ?? '', clock.now());
    if (!check.ok) throw new Error(`link refused: ${check.reason}`);
    const history = await tickets.history(ticket.id);
    const resolvedAudit = history?.audit.find(
      (a) => a.action === 'ticket.state_changed' && a.after?.state === 'resolved',
    );
    expect(check.link).toEqual({
      ticketId: ticket.id,
      resolution: resolvedAudit?.seq,
      expiresAt: Math.floor(clock.now().getTime() / 1000) + 30 * 86_400,
    });
    // 30 days: still good a day before, gone a day after.
    expect(verifyCsatLink(SECRET, links[0]?.token ?? '', new Date(clock.t + 29 * 86_400_000)).ok).toBe(true);
    expect(verifyCsatLink(SECRET, links[0]?.token ?? '', new Date(clock.t + 31 * 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('records one answer when two submits of the same survey race, and publishes csat.submitted once', async () => {
    const { ticket } = await aTicket('FD-102');
    await move(ticket.id, 'in_progress', 'resolved');
    const history = await tickets.history(ticket.id);
    const resolution = history?.ticket.auditSeq ?? 0;
    const link = { ticketId: ticket.id, resolution, expiresAt: 2e9 };
    const before = (await outboxEvents(table)).length;

    const answers = await Promise.all([
      submitCsat({ link, answer: { score: 5, comment: 'great' } }, { tickets, clock }),
      submitCsat({ link, answer: { score: 1 } }, { tickets, clock }),
    ]);
    expect(answers.map((a) => a.kind).sort()).toEqual(['already_recorded', 'recorded']);
    const recorded = answers.find((a) => a.kind === 'recorded');
    const other = answers.find((a) => a.kind === 'already_recorded');
    expect(other && 'score' in other && other.score).toBe(recorded && 'score' in recorded && recorded.score);

    const after = await tickets.history(ticket.id);
    expect(after?.audit.filter((a) => a.action === 'csat.submitted')).toHaveLength(1);
    expect(after?.ticket.version).toBe((history?.ticket.version ?? 0) + 1);
    expect((await outboxEvents(table)).slice(before).map((e) => e.type)).toEqual(['csat.submitted']);
  });

  it('takes a new answer after the ticket was reopened and resolved again, keeping the first one', async () => {
    const { ticket } = await aTicket('FD-103');
    await move(ticket.id, 'in_progress', 'resolved');
    const first = (await tickets.history(ticket.id))?.ticket.auditSeq ?? 0;
    const ports = { tickets, clock };
    expect(
      (
        await submitCsat(
          { link: { ticketId: ticket.id, resolution: first, expiresAt: 2e9 }, answer: { score: 2 } },
          ports,
        )
      ).kind,
    ).toBe('recorded');

    await move(ticket.id, 'in_progress');
    // The old mail's link, used again while the ticket is open: its answer stands, nothing changes.
    const version = (await tickets.history(ticket.id))?.ticket.version;
    const old = await submitCsat(
      { link: { ticketId: ticket.id, resolution: first, expiresAt: 2e9 }, answer: { score: 5 } },
      ports,
    );
    expect(old).toMatchObject({ kind: 'already_recorded', score: 2 });
    expect((await tickets.history(ticket.id))?.ticket.version).toBe(version);

    await move(ticket.id, 'resolved');
    const second = (await tickets.history(ticket.id))?.ticket.auditSeq ?? 0;
    const again = await submitCsat(
      { link: { ticketId: ticket.id, resolution: second, expiresAt: 2e9 }, answer: { score: 5 } },
      ports,
    );
    expect(again).toMatchObject({ kind: 'recorded', score: 5 });
    const audit = (await tickets.history(ticket.id))?.audit.filter((a) => a.action === 'csat.submitted');
    expect(audit?.map((a) => a.after)).toEqual([
      { score: 2, resolution: first },
      { score: 5, resolution: second },
    ]);
  });
});
