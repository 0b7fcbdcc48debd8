import { describe, expect, it } from 'vitest';
import {
  defaultWorkflow,
  parseWorkflowConfig,
  type WorkflowConfig,
  type WorkflowConfigInput,
  workflowConfig,
} from '../../shared/config';
import {
  compareOutcomes,
  REPLAY_LIMITS,
  replayTicket,
  summariseWhatIf,
  type TicketDraft,
  type TicketHistory,
  whatIf,
} from '../../shared/domain';
import { aDraft, aHistory, type HistoryStep, hoursAfter, T0 } from './builders';

// What-if replay (issue 20): a ticket's stored history under the current and a candidate workflow config.

const NOW = hoursAfter(30 * 24);

/** The default workflow, edited and validated like a team's candidate. */
function candidate(edit: (raw: WorkflowConfigInput) => void): WorkflowConfig {
  const raw: WorkflowConfigInput = structuredClone(defaultWorkflow);
  edit(raw);
  return parseWorkflowConfig(raw);
}

const mailDraft = (overrides: Partial<TicketDraft> = {}): TicketDraft => {
  const { account: _none, ...draft } = aDraft({
    channel: 'email',
    source: 'email',
    subject: 'Cannot log in since Monday',
    body: 'The sign-in page says my password is wrong.',
    requester: { email: 'sam@small.example' },
    fields: {},
    ...overrides,
  });
  const { requestType: _type, ...rest } = draft;
  return { ...rest, ...(overrides.requestType !== undefined ? { requestType: overrides.requestType } : {}) };
};

const working: HistoryStep[] = [
  { at: 0.5, do: 'reply' },
  { at: 0.5, do: 'state', to: 'in_progress' },
];

/** A variety of stored tickets under the default workflow, each made by the domain's own functions. */
function variety(): Record<string, ReturnType<typeof aHistory>> {
  return {
    // An enterprise invoice question by webhook, resolved in time.
    webhookResolvedInTime: aHistory(aDraft(), [
      ...working,
      { at: 6, do: 'state', to: 'resolved' },
      { at: 7, do: 'clock' },
    ]),
    // A mail waiting on the customer (reminded), answered, resolved and closed by the automation.
    mailRemindedAndAutoClosed: aHistory(mailDraft(), [
      ...working,
      { at: 3, do: 'state', to: 'waiting_on_customer' },
      { at: 60, do: 'clock' },
      { at: 100, do: 'clock' },
      { at: 120, do: 'customer' },
      { at: 121, do: 'state', to: 'resolved' },
      { at: 121 + 100, do: 'clock' },
    ]),
    // A form bug report without its required context: needs_info, supplied, with another team, breached.
    formNeedsInfoBreached: aHistory(
      aDraft({
        channel: 'form',
        source: 'bug_report',
        subject: 'Export button does nothing',
        requestType: 'bug_report',
        fields: {},
        account: { id: 'acct-small', tier: 'startup' },
      }),
      [
        { at: 5, do: 'supply', fields: { reproductionSteps: 'Click export', environment: 'Firefox 120' } },
        { at: 6, do: 'reply' },
        { at: 6, do: 'state', to: 'waiting_on_team' },
        { at: 80, do: 'clock' },
        { at: 150, do: 'clock' },
        { at: 200, do: 'state', to: 'in_progress' },
        { at: 201, do: 'state', to: 'resolved' },
      ],
    ),
    // An urgent enterprise outage nobody answered in time: warned, breached, escalated twice.
    outageEscalated: aHistory(
      aDraft({ subject: 'Service outage in EU', requestType: undefined, fields: {} }),
      [
        { at: 0.4, do: 'clock' },
        { at: 1, do: 'clock' },
        { at: 2, do: 'reply' },
        { at: 2, do: 'state', to: 'in_progress' },
        { at: 3.5, do: 'clock' },
        { at: 10, do: 'state', to: 'resolved' },
        { at: 10, do: 'clock' },
      ],
    ),
    // A security report from an enterprise account: escalated by a ticket.created rule.
    securityReport: aHistory(
      aDraft({ subject: 'Phishing mail from your domain', requestType: undefined, fields: {} }),
      [...working],
    ),
    // Credits and a cancellation asked for on an account change.
    withApprovals: aHistory(
      aDraft({ subject: 'Please move us to the annual plan', requestType: 'account_change', fields: {} }),
      [
        ...working,
        { at: 1, do: 'approval', kind: 'credit', amount: { value: 800, currency: 'EUR' }, decideAfter: 2 },
        { at: 1.5, do: 'approval', kind: 'credit', amount: { value: 300, currency: 'EUR' } },
        { at: 4, do: 'approval', kind: 'cancellation', decideAfter: 1 },
        { at: 8, do: 'state', to: 'resolved' },
      ],
    ),
    // Its priority raised by an agent after intake.
    priorityEdited: aHistory(mailDraft({ subject: 'Question about reports' }), [
      ...working,
      { at: 1, do: 'priority', priority: 'urgent' },
    ]),
  };
}

describe('whatIf under the same configuration', () => {
  const histories = variety();

  it('builds every history without a refused step', () => {
    for (const [name, h] of Object.entries(histories))
      expect({ name, refused: h.refused }).toEqual({ name, refused: [] });
  });

  it('changes nothing for any ticket, and the variety covers what the replay reads', () => {
    // A separately parsed copy: the same content, not the same object.
    const same = parseWorkflowConfig(structuredClone(defaultWorkflow));
    const results = Object.values(histories).map((h) => whatIf(h, workflowConfig, same, NOW));
    for (const r of results)
      expect({ ref: r.ticketId, changes: r.changes }).toEqual({ ref: r.ticketId, changes: [] });

    const outcomes = results.map((r) => r.after);
    expect(outcomes.some((o) => o.needsInfo)).toBe(true);
    expect(outcomes.some((o) => o.sla.resolution === 'met')).toBe(true);
    expect(outcomes.some((o) => o.sla.resolution === 'breached')).toBe(true);
    expect(outcomes.some((o) => o.escalations.length > 0)).toBe(true);
    expect(outcomes.some((o) => o.approvalsRequired.includes('finance-credits'))).toBe(true);
    expect(outcomes.some((o) => o.automations.reminders > 0)).toBe(true);
    expect(outcomes.some((o) => o.automations.statusUpdates > 0)).toBe(true);
    expect(outcomes.some((o) => o.automations.autoClosed)).toBe(true);
  });

  it('reproduces the triage recorded at intake under the config the ticket was opened with', () => {
    for (const h of Object.values(histories)) {
      const recorded = h.audit.find((a) => a.action === 'ticket.triaged')?.after;
      const o = replayTicket(h, workflowConfig, NOW);
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
      expect(o.intakeIssues).toEqual([]);
    }
  });

  it('takes the escalation steps the real clock took when it looked at the same moments', () => {
    const h = histories.outageEscalated as TicketHistory;
    const recorded = h.audit
      .filter((a) => a.action === 'ticket.escalated')
      .map((a) => `${a.after?.path}:${a.after?.step}`);
    expect(recorded).toEqual(['urgent-enterprise:1', 'urgent-enterprise:2']);
    const o = replayTicket(h, workflowConfig, NOW);
    expect(o.escalations).toEqual(recorded);
    expect(o.sla).toEqual({ firstResponse: 'breached', resolution: 'breached' });
    expect(replayTicket(histories.securityReport as TicketHistory, workflowConfig, NOW).escalations).toEqual([
      'enterprise-security:1',
    ]);
  });

  it('names each approval request’s policy, or none under the threshold', () => {
    const o = replayTicket(histories.withApprovals as TicketHistory, workflowConfig, NOW);
    expect(o.approvalsRequired).toEqual(['finance-credits', 'none', 'success-cancellations']);
  });

  it('keeps the triaged priority when an agent changed it, and says so', () => {
    const r = whatIf(histories.priorityEdited as TicketHistory, workflowConfig, workflowConfig, NOW);
    expect(r.before.priority).toBe('normal');
    expect(r.notes.some((n) => n.includes('priority'))).toBe(true);
  });

  it('is deterministic and leaves the history as it was', () => {
    const h = histories.mailRemindedAndAutoClosed as TicketHistory;
    const copy = structuredClone(h);
    const frozen = deepFreeze(structuredClone(h));
    expect(replayTicket(frozen, workflowConfig, NOW)).toEqual(replayTicket(h, workflowConfig, NOW));
    expect(h).toEqual(copy);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('a candidate that lowers the enterprise-invoice priority', () => {
  const lowered = candidate((raw) => {
    const rule = raw.triageRules.find((r) => r.id === 'enterprise-invoice');
    if (!rule) throw new Error('the default workflow has no enterprise-invoice rule');
    rule.then.priority = 'low';
  });
  const subjects = [
    'Invoice INV-1 looks wrong',
    'question about my INVOICE',
    'Where is the invoices page?',
    'Cannot log in',
    'Export help',
    'refund please',
    'Plan change',
  ];
  const accounts = [{ id: 'a-ent', tier: 'enterprise' }, { id: 'a-start', tier: 'startup' }, undefined];
  const channels = [
    { channel: 'webhook', source: 'demo' },
    { channel: 'email', source: 'email' },
    { channel: 'form', source: 'general_question' },
  ] as const;
  const inputs = subjects.flatMap((subject, i) =>
    accounts.map((account, j) => ({
      subject,
      account,
      ...(channels[(i + j) % channels.length] ?? channels[0]),
    })),
  );

  it('changes exactly the tickets whose subject says invoice from enterprise accounts', () => {
    const results = inputs.map((input, n) => {
      const { account: _a, requestType: _t, ...base } = aDraft({ fields: {} });
      const draft: TicketDraft = {
        ...base,
        channel: input.channel,
        source: input.source,
        subject: input.subject,
        ...(input.account ? { account: input.account } : {}),
      };
      const h = aHistory(draft, [...working, { at: 30, do: 'state', to: 'resolved' }], {
        reference: `FD-${n + 1}`,
      });
      return { input, result: whatIf(h, workflowConfig, lowered, NOW) };
    });
    const expected = inputs
      .filter((i) => i.subject.toLowerCase().includes('invoice') && i.account?.tier === 'enterprise')
      .map((i) => `${i.subject} / ${i.account?.tier}`);
    const changed = results
      .filter(({ result }) => result.changes.length > 0)
      .map(({ input }) => `${input.subject} / ${input.account?.tier}`);
    expect(expected.length).toBeGreaterThan(1);
    expect(changed).toEqual(expected);
    for (const { result } of results.filter(({ result }) => result.changes.length > 0)) {
      expect(result.changes).toContainEqual({ field: 'priority', before: 'high', after: 'low' });
      expect(result.changes).toContainEqual({
        field: 'slaPolicy',
        before: 'enterprise/high',
        after: 'enterprise/low',
      });
    }
    const summary = summariseWhatIf(results.map((r) => r.result));
    expect(summary.tickets).toBe(inputs.length);
    expect(summary.changed).toBe(expected.length);
    expect(summary.changedByField.priority).toBe(expected.length);
  });
});

describe('a candidate that shortens the enterprise normal resolution target', () => {
  const shorter = candidate((raw) => {
    const targets = raw.sla.policies.enterprise?.targets.normal;
    if (!targets) throw new Error('no enterprise normal targets');
    targets.resolutionMinutes = 600;
  });
  const draft = aDraft({ subject: 'Export help', requestType: 'general_question', fields: {} });
  const late = aHistory(draft, [...working, { at: 20, do: 'state', to: 'resolved' }]);
  const quick = aHistory(draft, [...working, { at: 5, do: 'state', to: 'resolved' }], { reference: 'FD-2' });

  it('turns a ticket resolved in 20 hours from met to breached, and escalates it at the breach', () => {
    const r = whatIf(late, workflowConfig, shorter, NOW);
    expect(r.before.sla.resolution).toBe('met');
    expect(r.after.sla.resolution).toBe('breached');
    expect(r.changes).toContainEqual({ field: 'sla.resolution', before: 'met', after: 'breached' });
    expect(r.before.escalations).toEqual([]);
    expect(r.after.escalations).toEqual(['sla-breach:1']);
    expect(whatIf(quick, workflowConfig, shorter, NOW).changes).toEqual([]);
  });

  it('moves the summary: one breach added, attainment from all to half', () => {
    const summary = summariseWhatIf([late, quick].map((h) => whatIf(h, workflowConfig, shorter, NOW)));
    expect(summary.breachesAdded).toBe(1);
    expect(summary.breachesAvoided).toBe(0);
    expect(summary.slaAttainment).toEqual({ before: 1, after: 0.5 });
    expect(summary.escalations).toEqual({ before: 0, after: 1 });
    expect(summary.byQueue.frontline).toMatchObject({
      tickets: 2,
      changed: 1,
      attainmentBefore: 1,
      attainmentAfter: 0.5,
    });
    // The other way round the same breach is avoided.
    const back = summariseWhatIf([late, quick].map((h) => whatIf(h, shorter, workflowConfig, NOW)));
    expect(back.breachesAvoided).toBe(1);
    expect(back.slaAttainment).toEqual({ before: 0.5, after: 1 });
  });

  it('counts a target not decided by now as pending, not as met or breached', () => {
    const open = aHistory(draft, working, { reference: 'FD-3' });
    const r = whatIf(open, workflowConfig, shorter, hoursAfter(5));
    expect(r.before.sla.resolution).toBe('pending');
    expect(summariseWhatIf([r]).slaAttainment).toEqual({ before: null, after: null });
  });
});

describe('candidates that change approval thresholds', () => {
  const h = aHistory(aDraft({ subject: 'Plan change', requestType: 'account_change', fields: {} }), [
    ...working,
    { at: 1, do: 'approval', kind: 'credit', amount: { value: 800, currency: 'EUR' } },
    { at: 2, do: 'approval', kind: 'credit', amount: { value: 300, currency: 'EUR' } },
  ]);
  const withThreshold = (eur: number) =>
    candidate((raw) => {
      const policy = raw.approvalPolicies?.['finance-credits'];
      if (!policy) throw new Error('no finance-credits policy');
      policy.thresholds = { ...policy.thresholds, EUR: eur };
    });

  it('a higher threshold makes the 800 EUR credit need no approval', () => {
    const r = whatIf(h, workflowConfig, withThreshold(1000), NOW);
    expect(r.before.approvalsRequired).toEqual(['finance-credits', 'none']);
    expect(r.after.approvalsRequired).toEqual(['none', 'none']);
    expect(summariseWhatIf([r]).approvalsRequired).toEqual({ before: 1, after: 0 });
  });

  it('a lower threshold makes the 300 EUR credit need one', () => {
    const r = whatIf(h, workflowConfig, withThreshold(100), NOW);
    expect(r.changes).toEqual([
      {
        field: 'approvalsRequired',
        before: ['finance-credits', 'none'],
        after: ['finance-credits', 'finance-credits'],
      },
    ]);
  });
});

describe('automation under a candidate', () => {
  const mail = aHistory(mailDraft(), [
    ...working,
    { at: 3, do: 'state', to: 'waiting_on_customer' },
    { at: 60, do: 'clock' },
    { at: 100, do: 'clock' },
    { at: 120, do: 'customer' },
    { at: 121, do: 'state', to: 'resolved' },
    { at: 121 + 100, do: 'clock' },
  ]);

  it('the recorded history has the automation’s own closing', () => {
    expect(mail.ticket.state).toBe('closed');
    expect(mail.audit.some((a) => a.action === 'automation.reminded')).toBe(true);
  });

  it('counts reminders by the candidate’s schedule over the recorded wait', () => {
    const r = whatIf(
      mail,
      workflowConfig,
      candidate((raw) => {
        raw.automation = {
          awaitingCustomer: { remindAfter: ['1bd', '2bd', '3bd'], resolveAfter: '10bd' },
          waitingOnTeam: { statusUpdateEvery: null, nudgeTeamAfter: '2bd' },
          afterResolution: { followUpAfter: null, closeAfterDays: 4 },
          idle: { after: '2bd', action: 'notify' },
        };
      }),
      NOW,
    );
    // Waiting from Tuesday 12:30 UTC to Saturday 09:30 UTC: 2bd falls on Thursday, 5bd next week.
    expect(r.before.automations.reminders).toBe(1);
    expect(r.after.automations.reminders).toBe(3);
  });

  it('decides the closing again: no quiet-day closing, or one that comes too late, is no auto-close', () => {
    const never = whatIf(
      mail,
      workflowConfig,
      candidate((raw) => {
        if (raw.automation) raw.automation.afterResolution.closeAfterDays = null;
        else
          raw.automation = {
            awaitingCustomer: { remindAfter: ['2bd', '5bd'], resolveAfter: '10bd' },
            waitingOnTeam: { statusUpdateEvery: null, nudgeTeamAfter: '2bd' },
            afterResolution: { followUpAfter: null, closeAfterDays: null },
            idle: { after: '2bd', action: 'notify' },
          };
      }),
      NOW,
    );
    expect(never.before.automations.autoClosed).toBe(true);
    expect(never.after.automations.autoClosed).toBe(false);
    expect(never.changes).toContainEqual({ field: 'automations.autoClosed', before: true, after: false });
    // Resolved about five days after T0; a 26-day wait ends after NOW (30 days), a 24-day one before it.
    const closing = (days: number) =>
      candidate((raw) => {
        raw.automation = {
          awaitingCustomer: { remindAfter: ['2bd', '5bd'], resolveAfter: '10bd' },
          waitingOnTeam: { statusUpdateEvery: null, nudgeTeamAfter: '2bd' },
          afterResolution: { followUpAfter: null, closeAfterDays: days },
          idle: { after: '2bd', action: 'notify' },
        };
      });
    expect(whatIf(mail, workflowConfig, closing(26), NOW).after.automations.autoClosed).toBe(false);
    expect(whatIf(mail, workflowConfig, closing(24), NOW).after.automations.autoClosed).toBe(true);
  });

  it('counts status updates while another team has the ticket', () => {
    const bug = aHistory(
      aDraft({
        channel: 'form',
        source: 'bug_report',
        subject: 'Export button does nothing',
        requestType: 'bug_report',
        fields: { reproductionSteps: 'Click export', environment: 'Firefox 120' },
      }),
      [
        ...working,
        { at: 1, do: 'state', to: 'waiting_on_team' },
        { at: 24 * 14, do: 'state', to: 'in_progress' },
      ],
    );
    const every = (d: string | null) =>
      candidate((raw) => {
        const bugType = raw.requestTypes.bug_report;
        if (!bugType) throw new Error('no bug_report');
        bugType.automation = { waitingOnTeam: { statusUpdateEvery: d } };
      });
    const before = whatIf(bug, workflowConfig, every(null), NOW);
    // Two weeks waiting, an update every three business days (24x7 enterprise calendar: 3 × 24 h).
    expect(before.before.automations.statusUpdates).toBe(4);
    expect(before.after.automations.statusUpdates).toBe(0);
    expect(whatIf(bug, workflowConfig, every('1bd'), NOW).after.automations.statusUpdates).toBe(13);
  });
});

describe('the request as it arrived', () => {
  it('an older ticket without requestTypeBy: an inferred type is inferred again, a named one stays', () => {
    const withoutBy = (h: TicketHistory): TicketHistory => ({
      ...h,
      audit: h.audit.map((a) => {
        if (a.action !== 'ticket.triaged' || !a.after) return a;
        const { requestTypeBy: _by, ...after } = a.after;
        return { ...a, after };
      }),
    });
    const noKeywords = candidate((raw) => {
      raw.triageRules = raw.triageRules.filter((r) => r.id !== 'billing-keywords');
    });
    const inferred = withoutBy(aHistory(mailDraft({ subject: 'Refund for March' })));
    const named = withoutBy(aHistory(mailDraft({ subject: 'Refund for March', requestType: 'bug_report' })));
    expect(replayTicket(inferred, workflowConfig, NOW).requestType).toBe('billing_dispute');
    expect(whatIf(inferred, workflowConfig, noKeywords, NOW).after.requestType).toBe('general_question');
    expect(whatIf(named, workflowConfig, noKeywords, NOW).after.requestType).toBe('bug_report');
    expect(whatIf(inferred, workflowConfig, workflowConfig, NOW).notes.join(' ')).toContain('requestTypeBy');
  });

  it('undoes fields supplied after intake, so a candidate requiring them again sees them missing', () => {
    const h = aHistory(
      aDraft({ subject: 'Crash', requestType: 'bug_report', fields: { environment: 'Chrome' } }),
      [{ at: 1, do: 'supply', fields: { reproductionSteps: 'Open it' } }],
    );
    expect(h.ticket.missingFields).toEqual([]);
    const o = replayTicket(h, workflowConfig, NOW);
    expect(o.missingFields).toEqual(['reproductionSteps']);
    expect(o.needsInfo).toBe(true);
  });

  it('reports what a candidate would refuse at intake', () => {
    const h = aHistory(
      aDraft({
        subject: 'Need admin access',
        requestType: 'access_request',
        fields: { system: 'CRM', riskLevel: 'high' },
      }),
    );
    const strict = candidate((raw) => {
      const spec = raw.requestTypes.access_request?.fields.riskLevel;
      if (spec?.type !== 'enum') throw new Error('riskLevel is an enum');
      spec.values = ['low', 'medium'];
    });
    const r = whatIf(h, workflowConfig, strict, NOW);
    expect(r.before.intakeIssues).toEqual([]);
    expect(r.after.intakeIssues).toHaveLength(1);
    expect(r.after.intakeIssues[0]).toMatch(/^fields\.riskLevel: /);
  });
});

describe('compareOutcomes and the limits', () => {
  it('is empty for equal outcomes and names each differing field', () => {
    const o = replayTicket(aHistory(aDraft()), workflowConfig, NOW);
    expect(compareOutcomes(o, structuredClone(o))).toEqual([]);
    const changed = {
      ...o,
      queue: 'frontline',
      tags: [...o.tags, 'zz'],
      sla: { ...o.sla, resolution: o.sla.resolution === 'met' ? ('breached' as const) : ('met' as const) },
      automations: { ...o.automations, reminders: o.automations.reminders + 2 },
    };
    expect(compareOutcomes(o, changed).map((c) => c.field)).toEqual([
      'queue',
      'tags',
      'sla.resolution',
      'automations.reminders',
    ]);
  });

  it('states its limits one sentence each', () => {
    expect(REPLAY_LIMITS.length).toBeGreaterThanOrEqual(5);
    for (const limit of REPLAY_LIMITS) expect(limit).toMatch(/^[A-Z][\s\S]*\.$/);
    expect(REPLAY_LIMITS.some((l) => /not replayed/.test(l))).toBe(true);
  });
});

describe('summariseWhatIf', () => {
  it('of nothing is all zeros and nulls', () => {
    const s = summariseWhatIf([]);
    expect(s.tickets).toBe(0);
    expect(s.slaAttainment).toEqual({ before: null, after: null });
    expect(s.needsInfoRate).toEqual({ before: null, after: null });
    expect(s.byQueue).toEqual({});
  });

  it('counts needs-info rates and splits by the candidate’s queue and request type', () => {
    const a = aHistory(aDraft());
    const b = aHistory(mailDraft(), [], { reference: 'FD-2', openedAt: T0 });
    const toFrontline = candidate((raw) => {
      raw.triageRules = raw.triageRules.filter((r) => r.id !== 'enterprise-invoice');
    });
    const s = summariseWhatIf([a, b].map((h) => whatIf(h, workflowConfig, toFrontline, NOW)));
    expect(s.tickets).toBe(2);
    // Neither lacks context: the dispute came with its invoice and customer ids, the question needs none.
    expect(s.needsInfoRate).toEqual({ before: 0, after: 0 });
    expect(Object.keys(s.byQueue).toSorted()).toEqual(['billing', 'frontline']);
    expect(s.byRequestType).toEqual({
      billing_dispute: { tickets: 1, changed: 1 },
      general_question: { tickets: 1, changed: 0 },
    });
  });
});
