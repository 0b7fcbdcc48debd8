// biome-ignore-all lint/suspicious/noThenProperty: a rule's `then` is a plain object (never callable, so never a thenable); IF/THEN is how teams read rules.
import type { WorkflowConfigInput } from './schema';

/**
 * The workflow Frontdoor ships with, modelled on the practice in the design seeds: request types
 * with their required context, queues by tier, and triage rules a team can read in review.
 * Edit this file (or replace it) to run your own workflow; it is validated when imported.
 */
export const defaultWorkflow = {
  version: 1,
  defaultRequestType: 'general_question',

  requestTypes: {
    billing_dispute: {
      label: 'Billing dispute',
      description: 'A charge, invoice or refund the customer disagrees with.',
      defaultQueue: 'billing',
      defaultPriority: 'normal',
      // "Closes only after customer confirmation or documented resolution" (seed 000): no silent closing,
      // and a dispute is never resolved for want of a reply.
      automation: { awaitingCustomer: { resolveAfter: null }, afterResolution: { closeAfterDays: null } },
      fields: {
        invoiceId: {
          label: 'Invoice ID',
          example: 'INV-1234',
          type: 'string',
          required: true,
          maxLength: 64,
        },
        customerId: { label: 'Customer ID', type: 'string', required: true, maxLength: 64 },
        amount: {
          label: 'Disputed amount',
          description: 'With currency, e.g. "120.00 EUR".',
          type: 'string',
          required: false,
          maxLength: 64,
        },
      },
    },
    bug_report: {
      label: 'Bug report',
      description: 'Something in the product does not work as documented.',
      // Support validates a bug before engineering sees it (seed 000).
      defaultQueue: 'frontline',
      defaultPriority: 'normal',
      // Status updates "push back to the customer on a schedule" while engineering has it (seed 000).
      automation: { waitingOnTeam: { statusUpdateEvery: '3bd' } },
      fields: {
        reproductionSteps: {
          label: 'Steps to reproduce',
          description: 'What you did, what you expected, what happened instead.',
          type: 'text',
          required: true,
        },
        environment: {
          label: 'Environment',
          description: 'Browser or app version, operating system, account region.',
          type: 'string',
          required: true,
          maxLength: 500,
        },
        productArea: { label: 'Product area', type: 'string', required: false, maxLength: 100 },
      },
    },
    access_request: {
      label: 'Access request',
      description: 'Grant, change or remove access to a system.',
      defaultQueue: 'specialists',
      defaultPriority: 'normal',
      // "A follow-up confirms access is restored" (seed 000).
      automation: { afterResolution: { followUpAfter: '1bd' } },
      fields: {
        system: { label: 'System', type: 'string', required: true, maxLength: 200 },
        riskLevel: {
          label: 'Risk level',
          description: 'High-risk access needs security approval and an audit note.',
          type: 'enum',
          values: ['low', 'high'],
          required: true,
        },
        justification: { label: 'Justification', type: 'text', required: false, maxLength: 2000 },
      },
    },
    account_change: {
      label: 'Account change',
      description: 'Change account details: owner, billing contact, plan, address.',
      defaultQueue: 'frontline',
      defaultPriority: 'normal',
      fields: {
        change: { label: 'Requested change', type: 'text', required: false, maxLength: 2000 },
      },
    },
    cancellation: {
      label: 'Cancellation',
      description: 'The customer wants to end a subscription or contract.',
      defaultQueue: 'billing',
      defaultPriority: 'normal',
      fields: {
        reason: { label: 'Reason', type: 'text', required: false, maxLength: 2000 },
      },
    },
    general_question: {
      label: 'General question',
      description: 'Anything else; triage may route it further.',
      defaultQueue: 'frontline',
      defaultPriority: 'normal',
      fields: {},
    },
  },

  priorities: {
    low: {
      label: 'Low',
      description: 'Handled in turn after everything else; never escalated for age alone.',
    },
    normal: {
      label: 'Normal',
      description: 'The default: worked in arrival order within its queue.',
    },
    high: {
      label: 'High',
      description: 'Sorted ahead of normal work in its queue; the queue owner is told when it arrives.',
    },
    urgent: {
      label: 'Urgent',
      description:
        'Service down or security exposure: top of the queue and escalated to the next tier if unanswered.',
    },
  },

  queues: {
    self_service: {
      name: 'Self-service',
      description: 'Answered from the knowledge base; no human owner unless the customer asks for one.',
      tier: 0,
      defaultOwner: 'self-service@example.com',
    },
    frontline: {
      name: 'Frontline support',
      description: 'First human response, validation and routing.',
      tier: 1,
      defaultOwner: 'frontline@example.com',
      // Agents take tickets themselves. Automatic: { strategy: 'round_robin' | 'load_balanced' }, or
      // { strategy: 'capacity', capacity: 5 } (overflow waits); awayHandsBack: true returns an away agent's tickets.
      assignment: { strategy: 'manual' },
    },
    billing: {
      name: 'Billing',
      description: 'Invoices, refunds, credits and cancellations; finance approves credits.',
      tier: 2,
      defaultOwner: 'billing@example.com',
    },
    specialists: {
      name: 'Specialists',
      description: 'Product specialists for access, configuration and escalated questions.',
      tier: 2,
      defaultOwner: 'specialists@example.com',
    },
    security: {
      name: 'Security',
      description: 'High-risk access and security reports; every change needs an audit note.',
      tier: 2,
      defaultOwner: 'security@example.com',
    },
    escalation_desk: {
      name: 'Escalation desk',
      description: 'Senior agents and the support lead on duty; owns escalated tickets until resolved.',
      tier: 2,
      defaultOwner: 'support-leads@example.com',
    },
    engineering: {
      name: 'Engineering',
      description: 'Validated bugs and incidents.',
      tier: 3,
      defaultOwner: 'engineering@example.com',
    },
  },

  // Evaluated top to bottom: the first rule naming a requestType decides it (when the sender did
  // not), every matching rule then applies, later priority/queue win, tags add up.
  triageRules: [
    {
      id: 'billing-keywords',
      description: 'Money words in the subject make an unclassified request a billing dispute.',
      when: {
        any: [
          { field: 'subject', op: 'contains', value: 'invoice' },
          { field: 'subject', op: 'contains', value: 'refund' },
          { field: 'subject', op: 'contains', value: 'charge' },
        ],
      },
      then: { requestType: 'billing_dispute' },
    },
    {
      id: 'cancellation-keywords',
      description: 'Cancellation requests go to billing and are flagged as churn risk.',
      when: {
        any: [
          { field: 'subject', op: 'contains', value: 'cancel my' },
          { field: 'subject', op: 'contains', value: 'cancellation' },
        ],
      },
      then: { requestType: 'cancellation', tags: ['churn-risk'] },
    },
    {
      id: 'enterprise-invoice',
      description:
        'Invoice questions from enterprise accounts go straight to billing at high priority (seed 003).',
      when: {
        all: [
          { field: 'subject', op: 'contains', value: 'invoice' },
          { field: 'account.tier', op: 'equals', value: 'enterprise' },
        ],
      },
      then: { priority: 'high', queue: 'billing' },
    },
    {
      id: 'enterprise-account',
      description: 'Enterprise requests are tagged so reports can split by segment.',
      when: { all: [{ field: 'account.tier', op: 'equals', value: 'enterprise' }] },
      then: { tags: ['enterprise'] },
    },
    {
      id: 'high-risk-access',
      description: 'High-risk access goes to security, which approves it and writes the audit note.',
      when: {
        all: [
          { field: 'requestType', op: 'equals', value: 'access_request' },
          { field: 'fields.riskLevel', op: 'equals', value: 'high' },
        ],
      },
      then: { queue: 'security', priority: 'high', tags: ['high-risk'] },
    },
    {
      id: 'security-report',
      description: 'Suspected security problems go to security whatever their request type.',
      when: {
        any: [
          { field: 'subject', op: 'contains', value: 'vulnerability' },
          { field: 'subject', op: 'contains', value: 'security incident' },
          { field: 'subject', op: 'contains', value: 'phishing' },
        ],
      },
      then: { queue: 'security', priority: 'high', tags: ['security'] },
    },
    {
      id: 'outage',
      description: 'Reports of the service being down are urgent wherever they are routed.',
      when: {
        any: [
          { field: 'subject', op: 'contains', value: 'outage' },
          { field: 'subject', op: 'contains', value: 'is down' },
          { field: 'subject', op: 'contains', value: 'are down' },
        ],
      },
      then: { priority: 'urgent', tags: ['outage'] },
    },
  ],

  webhookSources: {
    demo: { description: 'Demo source for local development', secretName: 'frontdoor/webhooks/demo' },
    // Systems that report facts to `POST /v1/events/{source}` (signed like webhooks) rather than asking for help.
    billing: {
      description: 'The billing system: subscription and payment events',
      secretName: 'frontdoor/webhooks/billing',
      emits: ['billing.subscription_cancelled', 'billing.payment_failed'],
    },
    product: {
      description: 'Product status tooling: incidents',
      secretName: 'frontdoor/webhooks/product',
      emits: ['product.incident_opened'],
    },
  },

  // After triage, the first matching routing rule names the owning queue (otherwise triage's queue stands).
  routingRules: [
    {
      id: 'blocked-accounts-to-billing',
      description: 'Accounts that are past due or suspended are owned by billing, whatever they ask.',
      when: { all: [{ field: 'account.status', op: 'in', value: ['past_due', 'suspended'] }] },
      then: { queue: 'billing' },
    },
    {
      id: 'privacy-erasures-to-security',
      description:
        'A requester’s erasure is tracked by the security queue, whatever the request type routes to.',
      when: { all: [{ field: 'tags', op: 'contains', value: 'privacy-erasure' }] },
      then: { queue: 'security' },
    },
    {
      id: 'urgent-enterprise-to-specialists',
      description: 'Urgent requests from enterprise accounts skip the frontline.',
      when: {
        all: [
          { field: 'account.tier', op: 'equals', value: 'enterprise' },
          { field: 'priority', op: 'equals', value: 'urgent' },
        ],
      },
      then: { queue: 'specialists' },
    },
  ],

  // A handoff into a queue needs every precondition of the rules for that queue (seed 000: a bug goes
  // to engineering only after support validated it).
  handoffs: [
    {
      id: 'engineering-needs-validated-bug',
      description: 'engineering takes bug reports only after frontline validation',
      to: 'engineering',
      requires: [
        { field: 'requestType', op: 'equals', value: 'bug_report' },
        { field: 'fields.reproductionSteps', op: 'exists' },
        { field: 'fields.environment', op: 'exists' },
        { field: 'tags', op: 'equals', value: 'validated' },
      ],
    },
  ],

  // SLA: the account tier picks the policy, the priority picks its targets (seed 000: priority
  // changes response expectations). Clocks start when the ticket is opened (triage happens at
  // intake) and pause while the ticket waits on the customer.
  sla: {
    calendars: {
      'eu-business-hours': {
        timeZone: 'Europe/Berlin',
        week: {
          mon: [{ start: '09:00', end: '17:00' }],
          tue: [{ start: '09:00', end: '17:00' }],
          wed: [{ start: '09:00', end: '17:00' }],
          thu: [{ start: '09:00', end: '17:00' }],
          fri: [{ start: '09:00', end: '17:00' }],
          sat: [],
          sun: [],
        },
        holidays: [
          '2026-12-24',
          '2026-12-25',
          '2026-12-26',
          '2026-12-31',
          '2027-01-01',
          '2027-04-02',
          '2027-04-05',
        ],
      },
    },
    policies: {
      enterprise: {
        description: 'Enterprise accounts: around the clock.',
        calendar: '24x7',
        warnAtShare: 0.75,
        pauseStates: ['waiting_on_customer'],
        targets: {
          urgent: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 },
          high: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
          normal: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
          low: { firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 4320 },
        },
      },
      standard: {
        description: 'Everyone else: business hours in Berlin, public holidays off.',
        calendar: 'eu-business-hours',
        warnAtShare: 0.75,
        pauseStates: ['waiting_on_customer'],
        targets: {
          urgent: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
          high: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 960 },
          normal: { firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2400 },
          low: { firstResponseMinutes: 960, resolutionMinutes: 4800 },
        },
      },
    },
    policyByAccountTier: { enterprise: 'enterprise' },
    defaultPolicy: 'standard',
  },

  // Seed 003: tiers 0–3, escalation on breach. A ticket follows the first path whose trigger matches;
  // each step moves the owning queue, mails the receiving group and, unacknowledged within its
  // window, goes on to the next step.
  escalationPaths: {
    'urgent-enterprise': {
      description: 'Urgent enterprise tickets escalate at the first warning, not only on a breach.',
      triggers: [
        {
          on: 'sla.warning',
          when: [
            { field: 'priority', op: 'equals', value: 'urgent' },
            { field: 'account.tier', op: 'equals', value: 'enterprise' },
          ],
        },
        {
          on: 'sla.breached',
          when: [
            { field: 'priority', op: 'equals', value: 'urgent' },
            { field: 'account.tier', op: 'equals', value: 'enterprise' },
          ],
        },
      ],
      steps: [
        { queue: 'escalation_desk', acknowledgeWithinMinutes: 15 },
        { queue: 'engineering', acknowledgeWithinMinutes: 30 },
      ],
    },
    'enterprise-security': {
      description: 'A security report from an enterprise account brings engineering in at once (a rule).',
      triggers: [
        {
          on: 'ticket.created',
          when: [
            { field: 'tags', op: 'equals', value: 'security' },
            { field: 'account.tier', op: 'equals', value: 'enterprise' },
          ],
        },
      ],
      steps: [{ queue: 'engineering', acknowledgeWithinMinutes: 60 }],
    },
    'sla-breach': {
      description: 'Any other breached target, or an agent asking for help, goes up through the tiers.',
      triggers: [{ on: 'sla.breached' }, { on: 'manual' }],
      steps: [
        { queue: 'escalation_desk', acknowledgeWithinMinutes: 30 },
        { queue: 'engineering', acknowledgeWithinMinutes: 60 },
      ],
    },
  },

  // Every mail Frontdoor sends carries [{{reference}}] in its subject (added if a template omits it).
  notifications: {
    acknowledgement: {
      channels: ['email', 'form', 'webhook'],
      subject: 'We received your request: {{subject}} [{{reference}}]',
      text: [
        '{{greeting}}',
        '',
        'Thank you for contacting us. Your request "{{subject}}" is ticket {{reference}}.{{incidentNotice}}',
        'Reply to this mail to add anything; keep {{reference}} in the subject.{{suggestedArticles}}',
        '',
        'The support team',
      ].join('\n'),
      // A request written in German is acknowledged in German (issue 19); every other language gets the above.
      locales: {
        de: {
          subject: 'Wir haben Ihre Anfrage erhalten: {{subject}} [{{reference}}]',
          text: [
            'Guten Tag,',
            '',
            'vielen Dank für Ihre Nachricht. Ihre Anfrage "{{subject}}" hat die Nummer {{reference}}.{{incidentNotice}}',
            'Antworten Sie einfach auf diese Mail, um etwas zu ergänzen; lassen Sie {{reference}} im Betreff.{{suggestedArticles}}',
            '',
            'Ihr Support-Team',
          ].join('\n'),
        },
      },
    },
    needsInfo: {
      subject: 'We need a little more to help you [{{reference}}]',
      text: [
        '{{greeting}}',
        '',
        'To work on "{{subject}}" ({{reference}}) we need:',
        '',
        '{{missingFields}}',
        '',
        'Please fill them in here (the link works until {{linkExpiresAt}}):',
        '{{link}}',
        '',
        'Or reply to this mail with one line per item: its name, a colon, then the value.{{replyExample}}',
        '',
        'The support team',
      ].join('\n'),
    },
    agentReply: {
      subject: 'Re: {{subject}} [{{reference}}]',
      text: '{{body}}\n\n--\nTicket {{reference}}. Reply to this mail to answer.',
    },
    resolution: {
      subject: 'Resolved: {{subject}} [{{reference}}]',
      text: [
        '{{greeting}}',
        '',
        'We have resolved your request "{{subject}}" ({{reference}}).{{resolutionNote}}',
        '',
        'Is it solved for you? One click is enough:',
        "  Yes, it's solved:      {{solvedLink}}",
        '  No, still a problem:   {{notSolvedLink}}',
        'If something is still not right, you can also reply to this mail and the ticket reopens.',
        '',
        'How did we do? One click on a score is enough:',
        '  5 great:     {{csatLink}}?score=5',
        '  4 good:      {{csatLink}}?score=4',
        '  3 okay:      {{csatLink}}?score=3',
        '  2 not good:  {{csatLink}}?score=2',
        '  1 poor:      {{csatLink}}?score=1',
        '',
        'The support team',
      ].join('\n'),
    },
    escalation: {
      subject: 'Escalated to {{queue}}: {{subject}} [{{reference}}]',
      text: [
        '{{reference}} ({{priority}}) was escalated to {{queue}}: {{escalationReason}}.',
        'Escalation path {{escalationPath}}, step {{escalationStep}}.',
        '',
        'Acknowledge it before {{acknowledgeBy}} or it escalates again:',
        'POST /v1/tickets/{{reference}}/escalation/acknowledge',
      ].join('\n'),
    },
    approvalRequest: {
      subject: 'Approval needed ({{approvalKind}} {{approvalAmount}}): {{subject}} [{{reference}}]',
      text: [
        '{{approvalRequestedBy}} asks for approval of a {{approvalKind}} {{approvalAmount}} on {{reference}}:',
        '{{approvalSummary}}',
        '',
        'Policy: {{approvalPolicy}}. Decide before {{approvalExpireAt}}:',
        'POST /v1/approvals/<approval id>/decision {"decision":"approve"|"reject","reason":"..."}',
        '(GET /v1/approvals lists what waits for your group.)',
      ].join('\n'),
    },
    approvalReminder: {
      subject: 'Reminder: approval still needed ({{approvalKind}} {{approvalAmount}}) [{{reference}}]',
      text: [
        'Nobody has decided on the {{approvalKind}} {{approvalAmount}} {{approvalRequestedBy}} asked for on {{reference}}:',
        '{{approvalSummary}}',
        '',
        'It expires at {{approvalExpireAt}} (policy {{approvalPolicy}}).',
      ].join('\n'),
    },
    approvalDecision: {
      subject: 'Approval {{approvalOutcome}}: {{approvalKind}} {{approvalAmount}} [{{reference}}]',
      text: [
        'Your request for a {{approvalKind}} {{approvalAmount}} on {{reference}} {{approvalResult}}.',
        'Reason: {{approvalReason}}',
        '',
        'The ticket is no longer waiting on the approval.',
      ].join('\n'),
    },
    proactive: {
      subject: '{{subject}} [{{reference}}]',
      text: '{{body}}\n\n--\nReply to this mail if you have questions; it reaches our support team ({{reference}}).',
    },
    needsInfoLinkDays: 14,
  },

  // Seed 000: who approves what. Credits and refunds above a threshold go to finance; cancellations to
  // customer success leads; high-risk access and data changes to security. Nobody approves their own request.
  approvalPolicies: {
    'finance-credits': {
      description: 'Finance approves credits above 500 EUR/USD/GBP (other currencies always).',
      kind: 'credit',
      thresholds: { EUR: 500, USD: 500, GBP: 400 },
      group: 'finance',
      notify: 'finance@example.com',
      remindAfterMinutes: 4 * 60,
      expireAfterMinutes: 24 * 60,
      onExpiry: {
        action: 'escalate',
        group: 'finance-leads',
        notify: 'finance-leads@example.com',
        expireAfterMinutes: 24 * 60,
      },
    },
    'finance-refunds': {
      description: 'Finance approves refunds above 200 EUR/USD/GBP; two approvers above nothing else.',
      kind: 'refund',
      thresholds: { EUR: 200, USD: 200, GBP: 150 },
      group: 'finance',
      notify: 'finance@example.com',
      remindAfterMinutes: 4 * 60,
      expireAfterMinutes: 48 * 60,
      onExpiry: { action: 'reject' },
    },
    'success-cancellations': {
      description: 'Customer success approves every cancellation made on a customer’s behalf.',
      kind: 'cancellation',
      group: 'success',
      notify: 'success@example.com',
      remindAfterMinutes: 8 * 60,
      expireAfterMinutes: 3 * 24 * 60,
      onExpiry: { action: 'reject' },
    },
    'security-access': {
      description: 'High-risk access needs two security approvers and an audit note (the reason).',
      kind: 'access',
      group: 'security',
      notify: 'security@example.com',
      approvalsRequired: 2,
      remindAfterMinutes: 60,
      expireAfterMinutes: 8 * 60,
      onExpiry: { action: 'reject' },
    },
    'privacy-erasures': {
      description:
        'Erasing a requester’s personal data needs two privacy approvers, neither the admin who asked (GDPR art. 17).',
      kind: 'data_change',
      when: [{ field: 'tags', op: 'contains', value: 'privacy-erasure' }],
      group: 'privacy',
      notify: 'privacy@example.com',
      approvalsRequired: 2,
      remindAfterMinutes: 24 * 60,
      // An erasure is answered within a month (art. 12(3)); a week unanswered is rejected and asked again.
      expireAfterMinutes: 7 * 24 * 60,
      onExpiry: { action: 'reject' },
    },
    'security-data-changes': {
      description: 'Changes to customer data (ownership, exports, deletion) need security approval.',
      kind: 'data_change',
      group: 'security',
      notify: 'security@example.com',
      remindAfterMinutes: 4 * 60,
      expireAfterMinutes: 24 * 60,
      onExpiry: { action: 'reject' },
    },
  },

  // What Frontdoor does when another system reports a fact (seed 003: a cancelled subscription tags the
  // account and triggers a proactive mail). Each action happens once per fact, however often it arrives.
  integrationRules: {
    'subscription-cancelled': {
      description:
        'A cancelled subscription tags the account, opens a retention ticket for billing and writes to the customer.',
      on: 'billing.subscription_cancelled',
      actions: [
        { do: 'tag_account', tags: ['subscription-cancelled'] },
        { do: 'update_account', status: 'cancelled' },
        {
          do: 'open_ticket',
          requestType: 'cancellation',
          queue: 'billing',
          subject: 'Subscription {{detail.subscriptionId}} cancelled',
          tags: ['churn-risk', 'proactive'],
          fields: { reason: '{{detail.reason}}' },
        },
        {
          do: 'send_mail',
          text: [
            'Hello,',
            '',
            'we saw that your subscription {{detail.subscriptionId}} was cancelled. Your service continues until the end of the paid period.',
            'If something did not work for you, or you cancelled by mistake, just reply: a person from our billing team reads every answer.',
          ].join('\n'),
        },
        // Anything the customer already asked about is in front of the same agent.
        { do: 'link_tickets', with: 'requester' },
      ],
    },
    'payment-failed': {
      description:
        'A failed payment marks the account past due, opens a billing ticket and tells the customer.',
      on: 'billing.payment_failed',
      actions: [
        { do: 'tag_account', tags: ['payment-failed'] },
        { do: 'update_account', status: 'past_due' },
        {
          do: 'open_ticket',
          requestType: 'account_change',
          queue: 'billing',
          subject: 'Payment for invoice {{detail.invoiceId}} failed (attempt {{detail.attempt}})',
          tags: ['payment-failed', 'proactive'],
          fields: {
            change:
              'Help the customer update the payment method: {{detail.amount.value}} {{detail.amount.currency}} for invoice {{detail.invoiceId}} failed. Billing said: {{detail.reason}}',
          },
        },
        {
          do: 'send_mail',
          text: [
            'Hello,',
            '',
            'the payment of {{detail.amount.value}} {{detail.amount.currency}} for invoice {{detail.invoiceId}} did not go through.',
            'Please check the payment method on your account; reply to this mail if you need help.',
          ].join('\n'),
        },
      ],
    },
    'major-incident': {
      description:
        'A sev1/sev2 incident opens one urgent engineering ticket, linked with the affected accounts’ open tickets.',
      on: 'product.incident_opened',
      when: [{ field: 'detail.severity', op: 'in', value: ['sev1', 'sev2'] }],
      actions: [
        {
          do: 'open_ticket',
          requestType: 'bug_report',
          // An incident: a public update on it reaches every linked ticket's requester on their own thread.
          kind: 'incident',
          queue: 'engineering',
          priority: 'urgent',
          subject: 'Incident {{detail.incidentId}}: {{detail.title}}',
          tags: ['incident', 'proactive'],
          requester: { email: 'incidents@example.com', name: 'Product incidents' },
          fields: {
            reproductionSteps: 'Incident {{detail.incidentId}} ({{detail.severity}}): {{detail.title}}',
            environment: 'Components: {{detail.components}}',
          },
        },
        { do: 'link_tickets', with: 'affected_accounts', relation: 'affects' },
      ],
    },
  },

  // Macros: a reply with placeholders plus actions, previewed and applied by an agent in one write
  // (POST /v1/tickets/{id}/macros/{macroId}); a refused action refuses the whole macro.
  macros: {
    'ask-for-screenshot': {
      title: 'Ask for a screenshot',
      reply:
        '{{greeting}}\n\nThank you for the details on {{reference}}. Could you send us a screenshot of what you see? Just attach it to a reply to this mail.\n\n{{agentEmail}}',
      visibility: 'public',
      actions: { state: 'waiting_on_customer', tags: { add: ['screenshot-asked'] } },
    },
    'password-reset-resolved': {
      title: 'Password reset: resolved',
      reply:
        '{{greeting}}\n\nYou can reset your password from the sign-in page ("Forgot password?"); the link in that mail works for one hour. We have marked {{reference}} as resolved; reply if it does not work.\n\n{{agentEmail}}',
      visibility: 'public',
      actions: { state: 'resolved', tags: { add: ['password-reset'] } },
    },
    'validated-bug-to-engineering': {
      title: 'Validated bug: hand to engineering',
      reply: 'Validated by {{agentEmail}}; handed to engineering ({{priority}}).',
      visibility: 'internal',
      actions: { tags: { add: ['validated'] }, queue: 'engineering' },
    },
  },

  // Personal data (issue 22): erasures are tracked on an account_change ticket; closed tickets lose their
  // bodies and attachments (the requester becomes a pseudonym) once their type's retention is over.
  privacy: {
    erasureRequestType: 'account_change',
    retention: {
      general_question: { purgeClosedAfterDays: 730 },
      bug_report: { purgeClosedAfterDays: 730 },
      access_request: { purgeClosedAfterDays: 730 },
      account_change: { purgeClosedAfterDays: 730 },
      cancellation: { purgeClosedAfterDays: 730 },
      // Disputed invoices are business records: kept as long as the invoices are (10 years in some countries).
      billing_dispute: { purgeClosedAfterDays: 3650 },
    },
  },
} satisfies WorkflowConfigInput;
