import { describe, expect, it } from 'vitest';
import type { SlaTimer, TimerStarter } from '../../shared/adapters/sla-timers';
import type { TicketHistory } from '../../shared/adapters/ticket-repository';
import { workflowConfig } from '../../shared/config';
import type { AuditEvent, Ticket } from '../../shared/domain';
import { openingSla } from '../../shared/domain';
import { checkSlaClock, startSlaTimer } from '../../shared/use-cases/sla-timer';
import { aMessage, aTicket, T0 } from '../domain/builders';

// The timer's two use cases with in-memory ports: which generation owns the timer, what is announced
// once, and when a change starts a new execution. (The whole loop runs for real in test/local/sla.test.ts.)

const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MINUTE);

function world(ticket: Ticket) {
  let history: TicketHistory = { ticket, messages: [aMessage({ ticketId: ticket.id })], audit: [] };
  let timer: SlaTimer | undefined;
  let now = T0;
  const started: string[] = [];
  const ports = {
    tickets: {
      history: async () => history,
      append: async (input: { ticket: Ticket; expectedVersion: number; audit: readonly AuditEvent[] }) => {
        if (input.expectedVersion !== history.ticket.version) throw new Error('stale');
        history = { ...history, ticket: input.ticket, audit: [...history.audit, ...input.audit] };
        return { kind: 'appended' as const };
      },
    },
    timers: {
      get: async () => timer,
      put: async (_: string, next: SlaTimer) => {
        if (timer && timer.generation > next.generation) return false;
        timer = next;
        return true;
      },
    },
    starter: { start: async (name: string) => void started.push(name) } satisfies TimerStarter,
    clock: { now: () => now },
    config: workflowConfig,
    busName: 'bus',
  };
  return {
    ports,
    started,
    setNow: (d: Date) => {
      now = d;
    },
    ticket: () => history.ticket,
    timer: () => timer,
  };
}

const urgentEnterprise = (state: Ticket['state'] = 'new') => {
  const t = aTicket({
    priority: 'urgent',
    account: { id: 'acct-bigcorp', tier: 'enterprise' },
    state,
  });
  return { ...t, ...openingSla(t, [], workflowConfig, T0) };
};

describe('checkSlaClock (the AskClock task)', () => {
  it('waits until the warning, announces it once, then waits for the due time', async () => {
    const w = world(urgentEnterprise());
    const id = w.ticket().id;
    const first = await checkSlaClock({ ticketId: id, execution: `${id}-1` }, w.ports);
    expect(first).toEqual({ action: 'wait', waitUntil: at(22.5).toISOString(), entries: [] });

    w.setNow(at(23));
    const warned = await checkSlaClock({ ticketId: id, execution: `${id}-1` }, w.ports);
    expect(warned.entries.map((e) => [e.DetailType, (e.Detail as { target: string }).target])).toEqual([
      ['sla.warning', 'firstResponse'],
    ]);
    expect(warned.entries[0]).toMatchObject({ Source: 'frontdoor', EventBusName: 'bus' });
    expect(warned.waitUntil).toBe(at(30).toISOString());

    const again = await checkSlaClock({ ticketId: id, execution: `${id}-1` }, w.ports);
    expect(again.entries).toEqual([]);
    expect(w.timer()).toMatchObject({ generation: 1, wakeAt: at(30).toISOString() });
  });

  it('ends an execution a newer generation superseded, without touching the timer', async () => {
    const w = world(urgentEnterprise());
    const id = w.ticket().id;
    await checkSlaClock({ ticketId: id, execution: `${id}-2` }, w.ports);
    const old = await checkSlaClock({ ticketId: id, execution: `${id}-1` }, w.ports);
    expect(old).toMatchObject({ action: 'done', waitUntil: null, entries: [] });
    expect(old.reason).toContain('superseded');
    expect(w.timer()?.generation).toBe(2);
  });

  it('ends when nothing can become due (the ticket waits on the customer)', async () => {
    const w = world(urgentEnterprise('waiting_on_customer'));
    const answer = await checkSlaClock({ ticketId: w.ticket().id, execution: `${w.ticket().id}-1` }, w.ports);
    expect(answer).toMatchObject({ action: 'done', waitUntil: null });
  });
});

describe('startSlaTimer (on every ticket change)', () => {
  it('starts generation 1 for a new ticket, then skips while the live timer wakes in time', async () => {
    const w = world(urgentEnterprise());
    const id = w.ticket().id;
    expect(await startSlaTimer(id, w.ports)).toEqual({
      kind: 'started',
      execution: `${id}-1`,
      wakeAt: at(22.5).toISOString(),
    });
    expect(await startSlaTimer(id, w.ports)).toMatchObject({ kind: 'skipped' });
    expect(w.started).toEqual([`${id}-1`]);
  });

  it('starts a new generation when the next due moment moves earlier than the live wake-up', async () => {
    const w = world(urgentEnterprise());
    const id = w.ticket().id;
    await startSlaTimer(id, w.ports);
    // Pretend the live execution sleeps until much later (e.g. it was started for a slower policy).
    await w.ports.timers.put(id, {
      generation: 1,
      execution: `${id}-1`,
      wakeAt: at(600).toISOString(),
      updatedAt: '',
    });
    expect(await startSlaTimer(id, w.ports)).toMatchObject({ kind: 'started', execution: `${id}-2` });
  });

  it('restarts a timer that should have looked long ago (its execution died)', async () => {
    const w = world(urgentEnterprise());
    const id = w.ticket().id;
    await w.ports.timers.put(id, {
      generation: 4,
      execution: `${id}-4`,
      wakeAt: at(-60).toISOString(),
      updatedAt: '',
    });
    w.setNow(at(1));
    expect(await startSlaTimer(id, w.ports)).toMatchObject({ kind: 'started', execution: `${id}-5` });
  });

  it('starts nothing for a paused ticket', async () => {
    const w = world(urgentEnterprise('waiting_on_customer'));
    expect(await startSlaTimer(w.ticket().id, w.ports)).toMatchObject({ kind: 'skipped' });
    expect(w.started).toEqual([]);
  });
});
