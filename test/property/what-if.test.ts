import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultWorkflow,
  parseWorkflowConfig,
  type WorkflowConfig,
  type WorkflowConfigInput,
  workflowConfig,
} from '../../shared/config';
import {
  addToSummary,
  approvalKinds,
  emptySummary,
  Priority,
  type ReplayResult,
  replayTicket,
  summariseWhatIf,
  type TicketDraft,
  TicketState,
  whatIf,
} from '../../shared/domain';
import { aHistory, type HistoryStep, hoursAfter, T0 } from '../domain/builders';

// What-if replay over generated histories: tickets opened by `openTicket` from arbitrary drafts, then moved
// by arbitrary recorded steps through the domain's own functions (refused steps are simply not recorded).
// Under the same configuration nothing changes and the intake recorded is reproduced; summaries add up.

const words = [
  'invoice',
  'Invoice',
  'refund',
  'cancel my',
  'outage',
  'is down',
  'phishing',
  'vulnerability',
  'export',
  'login',
  'plan',
  'help',
];

const fieldsFor: Record<string, fc.Arbitrary<Record<string, string>>> = {
  billing_dispute: fc.record(
    {
      invoiceId: fc.constantFrom('INV-1', ' INV-2 '),
      customerId: fc.constant('C-1'),
      amount: fc.constant('12 EUR'),
    },
    { requiredKeys: [] },
  ),
  bug_report: fc.record(
    {
      reproductionSteps: fc.constant('Click it'),
      environment: fc.constant('Firefox'),
      productArea: fc.constant('ui'),
    },
    { requiredKeys: [] },
  ),
  access_request: fc.record(
    {
      system: fc.constant('CRM'),
      riskLevel: fc.constantFrom('low', 'high'),
      justification: fc.constant('new job'),
    },
    { requiredKeys: [] },
  ),
  account_change: fc.record({ change: fc.constant('new owner') }, { requiredKeys: [] }),
  cancellation: fc.record({ reason: fc.constant('too dear') }, { requiredKeys: [] }),
  general_question: fc.constant({}),
};

const draft: fc.Arbitrary<TicketDraft> = fc
  .record({
    door: fc.constantFrom('webhook', 'email', 'form'),
    subject: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
    tier: fc.constantFrom('enterprise', 'startup', undefined),
    status: fc.constantFrom('active', 'past_due', undefined),
    requestType: fc.option(fc.constantFrom(...Object.keys(workflowConfig.requestTypes)), { nil: undefined }),
    fieldsOf: fc.constantFrom(...Object.keys(fieldsFor)),
    tags: fc.subarray(['vip', 'beta', 'enterprise', 'outage']),
  })
  .chain((d) =>
    (fieldsFor[d.fieldsOf] ?? fc.constant({})).map((fields) => {
      const account =
        d.tier === undefined && d.status === undefined
          ? undefined
          : { id: 'acct-1', ...(d.tier ? { tier: d.tier } : {}), ...(d.status ? { status: d.status } : {}) };
      return {
        channel: d.door,
        source:
          d.door === 'webhook'
            ? 'demo'
            : d.door === 'email'
              ? 'email'
              : (d.requestType ?? 'general_question'),
        subject: d.subject,
        body: 'Please help',
        requester: { email: 'someone@example.com' },
        ...(account ? { account } : {}),
        ...(d.requestType !== undefined ? { requestType: d.requestType } : {}),
        fields,
        tags: d.tags,
      } satisfies TicketDraft;
    }),
  );

const step: fc.Arbitrary<Omit<HistoryStep, 'at'> & { gap: number }> = fc.oneof(
  fc.record({
    gap: fc.integer({ min: 0, max: 30 }),
    do: fc.constant('state' as const),
    to: fc.constantFrom(...TicketState.options),
  }),
  fc.record({ gap: fc.integer({ min: 0, max: 30 }), do: fc.constant('reply' as const) }),
  fc.record({ gap: fc.integer({ min: 0, max: 30 }), do: fc.constant('customer' as const) }),
  fc.record({ gap: fc.integer({ min: 0, max: 60 }), do: fc.constant('clock' as const) }),
  fc.record({
    gap: fc.integer({ min: 0, max: 30 }),
    do: fc.constant('priority' as const),
    priority: fc.constantFrom(...Priority.options),
  }),
  fc.record({
    gap: fc.integer({ min: 0, max: 30 }),
    do: fc.constant('supply' as const),
    fields: fc.constant({
      reproductionSteps: 'Click it',
      environment: 'Firefox',
      invoiceId: 'INV-9',
      customerId: 'C-9',
      system: 'CRM',
      riskLevel: 'low',
    }),
  }),
  fc.record({
    gap: fc.integer({ min: 0, max: 30 }),
    do: fc.constant('approval' as const),
    kind: fc.constantFrom(...approvalKinds),
    amount: fc.record({
      value: fc.integer({ min: 1, max: 2000 }),
      currency: fc.constantFrom('EUR', 'USD', 'JPY'),
    }),
    decideAfter: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
  }),
);

const history = fc
  .record({
    draft,
    steps: fc.array(step, { maxLength: 10 }),
    // Days from T0 the ticket was opened (calendars differ by weekday and holiday), and `now` after the last step.
    openedAfterHours: fc.integer({ min: 0, max: 24 * 400 }),
    nowAfterHours: fc.integer({ min: 0, max: 24 * 40 }),
  })
  .map(({ draft, steps, openedAfterHours, nowAfterHours }) => {
    let at = 0;
    const timed = steps.map(({ gap, ...s }) => {
      at += gap;
      return { ...s, at } as HistoryStep;
    });
    const openedAt = hoursAfter(openedAfterHours, T0);
    return { h: aHistory(draft, timed, { openedAt }), now: hoursAfter(at + nowAfterHours, openedAt) };
  });

function edited(edit: (raw: WorkflowConfigInput) => void): WorkflowConfig {
  const raw: WorkflowConfigInput = structuredClone(defaultWorkflow);
  edit(raw);
  return parseWorkflowConfig(raw);
}

// The same content as the workflow in force, parsed on its own: not the same object.
const sameConfig = edited(() => {});
const candidates = [
  edited((raw) => {
    const rule = raw.triageRules.find((r) => r.id === 'enterprise-invoice');
    if (rule) rule.then.priority = 'low';
  }),
  edited((raw) => {
    const t = raw.sla.policies.standard?.targets.normal;
    if (t) t.resolutionMinutes = 1000;
  }),
  edited((raw) => {
    const p = raw.approvalPolicies?.['finance-credits'];
    if (p) p.thresholds = { EUR: 1500, USD: 100 };
  }),
];

describe('what-if replay over generated histories', () => {
  it('the same configuration changes nothing and reproduces the triage recorded at intake', () => {
    const seen = {
      overwritten: 0,
      escalated: 0,
      breached: 0,
      needsInfo: 0,
      approvals: 0,
      reminders: 0,
      autoClosed: 0,
    };
    fc.assert(
      fc.property(history, ({ h, now }) => {
        const r = whatIf(h, workflowConfig, sameConfig, now);
        expect(r.changes).toEqual([]);
        expect(r.before).toEqual(r.after);

        const recorded = h.audit.find((a) => a.action === 'ticket.triaged')?.after;
        const o = replayTicket(h, workflowConfig, now);
        expect(o).toEqual(r.before);
        // The one thing the audit cannot give back: a field supplied again over its intake value (noted).
        const exact = !r.notes.some((n) => n.includes('overwrote'));
        if (!exact) seen.overwritten += 1;
        if (exact)
          expect({
            requestType: o.requestType,
            priority: o.priority,
            queue: o.queue,
            tags: o.tags,
            missingFields: o.missingFields,
            slaPolicy: o.slaPolicy,
          }).toEqual({
            requestType: recorded?.requestType,
            priority: recorded?.priority,
            queue: recorded?.queue,
            tags: recorded?.tags,
            missingFields: [...((recorded?.missingFields as string[] | undefined) ?? [])].sort(),
            slaPolicy: recorded?.slaPolicy,
          });
        expect(o.approvalsRequired).toHaveLength(h.approvals.length);

        if (o.escalations.length > 0) seen.escalated += 1;
        if (o.sla.resolution === 'breached' || o.sla.firstResponse === 'breached') seen.breached += 1;
        if (o.needsInfo) seen.needsInfo += 1;
        if (o.approvalsRequired.some((p) => p !== 'none')) seen.approvals += 1;
        if (o.automations.reminders > 0) seen.reminders += 1;
        if (o.automations.autoClosed) seen.autoClosed += 1;
      }),
      { numRuns: 80 },
    );
    // A generator that never produced these would prove nothing about them.
    for (const [what, count] of Object.entries(seen).filter(([w]) => w !== 'overwritten'))
      expect({ what, some: count > 0 }).toEqual({ what, some: true });
  });

  it('summaries add up, and folding in any split gives the same summary', () => {
    fc.assert(
      fc.property(
        fc.array(history, { minLength: 0, maxLength: 5 }),
        fc.constantFrom(...candidates),
        fc.nat(),
        (cases, candidate, cut) => {
          const results: ReplayResult[] = cases.map(({ h, now }) =>
            whatIf(h, workflowConfig, candidate, now),
          );
          const s = summariseWhatIf(results);
          expect(s.tickets).toBe(results.length);
          expect(s.changed).toBe(results.filter((r) => r.changes.length > 0).length);
          expect(s.changed).toBeLessThanOrEqual(s.tickets);
          const queues = Object.values(s.byQueue);
          expect(queues.reduce((n, q) => n + q.tickets, 0)).toBe(s.tickets);
          expect(queues.reduce((n, q) => n + q.changed, 0)).toBe(s.changed);
          const types = Object.values(s.byRequestType);
          expect(types.reduce((n, t) => n + t.tickets, 0)).toBe(s.tickets);
          expect(types.reduce((n, t) => n + t.changed, 0)).toBe(s.changed);
          for (const n of Object.values(s.changedByField)) expect(n).toBeLessThanOrEqual(s.changed);
          for (const share of [
            s.slaAttainment.before,
            s.slaAttainment.after,
            s.needsInfoRate.before,
            s.needsInfoRate.after,
          ])
            if (share !== null) expect(share >= 0 && share <= 1).toBe(true);
          expect(s.needsInfoRate.before === null).toBe(s.tickets === 0);

          // Incremental: two halves folded one after the other give the whole.
          const at = results.length === 0 ? 0 : cut % (results.length + 1);
          const first = results.slice(0, at).reduce(addToSummary, emptySummary());
          expect(results.slice(at).reduce(addToSummary, first)).toEqual(s);
        },
      ),
      { numRuns: 30 },
    );
  });
});
