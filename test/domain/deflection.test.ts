import { describe, expect, it } from 'vitest';
import {
  addInto,
  auditIncrement,
  emptyAggregate,
  FLOW_AUDIT_ACTIONS,
  ticketIncrements,
  totals,
} from '../../shared/domain';
import {
  ARTICLE_SOLVED,
  articleViewIncrement,
  DeflectionInput,
  deflectionIncrement,
  gapCoverage,
  SELF_SERVICE_CAUSE,
  selfServe,
  viewSourceOf,
} from '../../shared/domain/deflection';
import { aTicket, ids, T0 } from './builders';

const ctx = { at: new Date(T0.getTime() + 60_000), newId: ids(T0) };

describe('a deflection as the form sends it', () => {
  it('accepts a query, a published slug, a request type and an optional UUID', () => {
    const parsed = DeflectionInput.safeParse({
      id: '3b241101-e2bb-4255-8caf-4136c566a962',
      query: '  reset my password ',
      slug: 'reset-your-password',
      requestType: 'general_question',
    });
    expect(parsed.success && parsed.data.query).toBe('reset my password');
  });

  it('refuses an empty query, a slug that is not kebab-case and an id that is not a UUID', () => {
    const parsed = DeflectionInput.safeParse({
      id: 'x',
      query: ' ',
      slug: 'Reset_Password',
      requestType: 'q',
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['id', 'query', 'slug']);
  });
});

describe('what deflections, views and "this solved it" add to the flow metrics', () => {
  it('counts a deflection in its request type’s queue, and form tickets beside it, for the deflection rate', () => {
    const agg = emptyAggregate();
    const at = T0.toISOString();
    for (let i = 0; i < 3; i++)
      addInto(
        agg,
        deflectionIncrement({
          id: `d${i}`,
          query: 'reset',
          slug: 'reset-your-password',
          requestType: 'general_question',
          queue: 'frontline',
          at,
        }),
      );
    for (const inc of ticketIncrements(undefined, aTicket({ channel: 'form' })).increments) addInto(agg, inc);
    for (const inc of ticketIncrements(undefined, aTicket({ channel: 'email' })).increments)
      addInto(agg, inc);
    const t = totals(agg);
    expect(t.deflection).toMatchObject({ deflections: 3, formTickets: 1 });
    expect(t.deflectionRate).toBe(0.75);
  });

  it('has no deflection rate when nothing was asked through a form', () => {
    expect(totals(emptyAggregate()).deflectionRate).toBeNull();
  });

  it('counts an article view by where it was opened from, anything unknown as the help centre', () => {
    const inc = articleViewIncrement({
      id: 'v',
      slug: 'a',
      source: viewSourceOf('mail'),
      at: T0.toISOString(),
    });
    expect(inc.counters).toEqual({ articleViews: 1, articleViews_mail: 1 });
    expect(viewSourceOf('evil')).toBe('help');
    const agg = addInto(emptyAggregate(), inc);
    expect(totals(agg).deflection).toMatchObject({ articleViews: 1, viewsBySource: { mail: 1 } });
  });

  it('counts "this solved it" always and a self-served resolution only when it resolved the ticket', () => {
    expect(FLOW_AUDIT_ACTIONS.has(ARTICLE_SOLVED)).toBe(true);
    const ticket = aTicket();
    const audit = (selfServed: boolean) => ({
      action: ARTICLE_SOLVED,
      actor: { kind: 'customer', id: 'dana@bigcorp.example' } as const,
      after: { slug: 'a', selfServed },
      at: T0.toISOString(),
    });
    expect(auditIncrement(audit(true), ticket)?.counters).toEqual({ articleSolved: 1, selfServed: 1 });
    expect(auditIncrement(audit(false), ticket)?.counters).toEqual({ articleSolved: 1 });
  });
});

describe('resolving a ticket as self-served', () => {
  it('moves a new ticket through in_progress to resolved in one version step, as the customer', () => {
    const ticket = aTicket({ state: 'new', version: 3, auditSeq: 4 });
    const outcome = selfServe(ticket, [], 'reset-your-password', ctx);
    if (outcome.kind !== 'recorded') throw new Error('not recorded');
    expect(outcome.selfServed).toBe(true);
    expect(outcome.ticket).toMatchObject({ state: 'resolved', version: 4, auditSeq: 7 });
    expect(outcome.audit.map((a) => [a.seq, a.action, a.actor.kind])).toEqual([
      [5, 'ticket.state_changed', 'customer'],
      [6, 'ticket.state_changed', 'customer'],
      [7, ARTICLE_SOLVED, 'customer'],
    ]);
    expect(outcome.events.map((e) => [e.detail.to, e.detail.version, e.detail.cause])).toEqual([
      ['in_progress', 4, SELF_SERVICE_CAUSE],
      ['resolved', 4, SELF_SERVICE_CAUSE],
    ]);
  });

  it('only records the answer on a ticket that is already resolved, and nothing the second time', () => {
    const ticket = aTicket({ state: 'resolved', auditSeq: 2 });
    const first = selfServe(ticket, [], 'a', ctx);
    expect(first).toMatchObject({ kind: 'recorded', selfServed: false, events: [] });
    const again = selfServe(ticket, first.kind === 'recorded' ? first.audit : [], 'a', ctx);
    expect(again.kind).toBe('already_recorded');
  });

  it('leaves a ticket with a pending approval where it is, recording the answer', () => {
    const ticket = aTicket({ state: 'in_progress', pendingApprovals: ['01HZZZZZZZZZZZZZZZZZZZZZZZ'] });
    const outcome = selfServe(ticket, [], 'a', ctx);
    expect(outcome).toMatchObject({ kind: 'recorded', selfServed: false });
    expect(outcome.ticket.state).toBe('in_progress');
  });
});

describe('KB-gap coverage', () => {
  it('says "missing" without a good match and "exists but does not deflect" with one', () => {
    expect(gapCoverage(undefined)).toEqual({ status: 'missing', bestMatch: null });
    expect(gapCoverage({ slug: 'a', score: 0.2 }).status).toBe('missing');
    expect(gapCoverage({ slug: 'a', score: 12.345 })).toEqual({
      status: 'exists_not_deflecting',
      bestMatch: { slug: 'a', score: 12.35 },
    });
  });
});
