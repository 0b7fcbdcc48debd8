// biome-ignore-all lint/suspicious/noThenProperty: a rule's `then` is a plain object (never callable, so never a thenable); IF/THEN is how teams read rules.
import { approvalKinds, CurrencyCode } from '../domain/approval-kinds';
import { ALWAYS_OPEN_CALENDAR, BusinessCalendarSchema } from '../domain/calendar';
import { slaTargets } from '../domain/sla-clock';
import { Channel, Email, Priority, TicketState } from '../domain/ticket';
import { fieldKeyProblem, INPUT_LIMITS } from '../domain/ticket-input';
import { AssignmentSpecSchema, MANUAL_ASSIGNMENT } from './assignment';
import { AutomationOverridesSchema, AutomationSchema, DEFAULT_AUTOMATION } from './automation';
import { FieldSpecSchema, longestValueOf } from './fields';
import { checkIncidents, DEFAULT_INCIDENTS, IncidentsSchema } from './incidents';
import { checkIntegrationRules, ExternalEventTypeSchema, IntegrationRuleSchema } from './integrations';
import {
  DEFAULT_INTENT,
  DEFAULT_LANGUAGE,
  IntentConfigSchema,
  LanguageCode,
  LanguageConfigSchema,
} from './intent';
import { formatPath } from './issue-path';
import { checkMacros, MacrosSchema } from './macros';
import { ConditionSchema, fieldName, kebabId, snakeId, text } from './primitives';
import { checkPrivacy, DEFAULT_PRIVACY, PrivacySchema } from './privacy';

export { formatPath } from './issue-path';
export { type Condition, ConditionField, ConditionSchema, conditionFieldNames } from './primitives';

import * as z from '../domain/zod';

export const RequestTypeSpecSchema = z
  .object({
    label: text,
    description: text,
    defaultQueue: z.string(),
    defaultPriority: Priority,
    fields: z.record(
      fieldName.check(
        z.refine((name) => fieldKeyProblem(name) === undefined, {
          error: (issue) => fieldKeyProblem(String(issue.input)) ?? 'is not a field name',
        }),
      ),
      FieldSpecSchema,
    ),
    /** Reminders, status updates, follow-up and closing for this type, over the workflow's defaults. */
    automation: z.optional(AutomationOverridesSchema),
  })
  .check(
    z.superRefine((spec, ctx) => {
      // Whatever a form, a mail or an integration fills in must fit what every door allows a ticket.
      const size = Object.entries(spec.fields).reduce(
        (n, [name, f]) => n + name.length + longestValueOf(f),
        0,
      );
      if (size > INPUT_LIMITS.fieldsTotal)
        ctx.addIssue({
          code: 'custom',
          path: ['fields'],
          input: spec.fields,
          message: `the fields' names and longest values come to ${size} characters; a ticket holds at most ${INPUT_LIMITS.fieldsTotal} (lower some maxLength)`,
        });
    }),
  );
export type RequestTypeSpec = z.infer<typeof RequestTypeSpecSchema>;

export const PrioritySpecSchema = z.object({
  label: text,
  /** What this priority changes (ownership, SLA, escalation); a priority that changes nothing is a label. */
  description: text,
});

export const QueueSpecSchema = z.object({
  name: text,
  description: text,
  tier: z.literal([0, 1, 2, 3], { error: 'must be 0 (self-service), 1, 2 or 3 (engineering)' }),
  defaultOwner: text,
  /** Who gets its tickets (`shared/config/assignment.ts`); absent: `manual`, agents take them. */
  assignment: z._default(AssignmentSpecSchema, MANUAL_ASSIGNMENT),
});
export type QueueSpec = z.infer<typeof QueueSpecSchema>;

export const TriageRuleSchema = z.object({
  id: kebabId,
  description: text,
  when: z
    .object({
      all: z.optional(z.array(ConditionSchema).check(z.minLength(1))),
      any: z.optional(z.array(ConditionSchema).check(z.minLength(1))),
    })
    .check(z.refine((w) => w.all !== undefined || w.any !== undefined, 'needs `all` or `any` conditions')),
  then: z
    .object({
      requestType: z.optional(z.string()),
      priority: z.optional(Priority),
      queue: z.optional(z.string()),
      tags: z.optional(z.array(kebabId).check(z.minLength(1))),
    })
    .check(
      z.refine(
        (t) => Object.values(t).some((v) => v !== undefined),
        'sets nothing; give it a requestType, priority, queue or tags',
      ),
    ),
  /** Later rules are not evaluated once this one matches. */
  stop: z.optional(z.boolean()),
});
export type TriageRule = z.infer<typeof TriageRuleSchema>;

/** Routing: after triage, the first matching rule names the owning queue. */
export const RoutingRuleSchema = z.object({
  id: kebabId,
  description: text,
  when: z.object({ all: z.optional(z.array(ConditionSchema)), any: z.optional(z.array(ConditionSchema)) }),
  then: z.object({ queue: z.string() }),
});
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;

/** A handoff into a queue is allowed only when every `requires` condition holds for the ticket. */
export const HandoffRuleSchema = z.object({
  id: kebabId,
  description: text,
  to: z.string(),
  /** Queues it applies from; absent = from anywhere. */
  from: z.optional(z.array(z.string())),
  requires: z.array(ConditionSchema).check(z.minLength(1)),
});
export type HandoffRule = z.infer<typeof HandoffRuleSchema>;

const targetMinutes = z.int().check(z.minimum(1, 'must be at least 1 minute'));

/** One priority's targets inside an SLA policy. */
export const SlaTargetsSchema = z.object({
  firstResponseMinutes: targetMinutes,
  /** Answer to a customer's later message; absent = no next-response target. */
  nextResponseMinutes: z.optional(targetMinutes),
  resolutionMinutes: targetMinutes,
});
export type SlaTargets = z.infer<typeof SlaTargetsSchema>;

/**
 * An SLA policy for a kind of customer (picked by account tier); each priority has its own targets,
 * so priority always changes the response expectations (seed 000).
 */
export const SlaPolicyConfigSchema = z.object({
  description: text,
  /** A calendar of `sla.calendars`, or `24x7`. */
  calendar: z.string().check(z.minLength(1)),
  /** Share of a target after which `sla.warning` is published (0.75 = at 75 %). */
  warnAtShare: z.number().check(z.gt(0), z.lt(1)),
  /** States in which no clock runs; `resolved` and `closed` stop the clocks anyway. */
  pauseStates: z._default(z.array(TicketState), ['waiting_on_customer']),
  targets: z.record(Priority, SlaTargetsSchema),
});
export type SlaPolicyConfig = z.infer<typeof SlaPolicyConfigSchema>;

export const SlaConfigSchema = z.object({
  calendars: z._default(z.record(kebabId, BusinessCalendarSchema), {}),
  policies: z.record(kebabId, SlaPolicyConfigSchema),
  /** Account tier → policy; tickets without a listed tier get `defaultPolicy`. */
  policyByAccountTier: z._default(z.record(z.string().check(z.minLength(1)), kebabId), {}),
  defaultPolicy: kebabId,
});
export type SlaConfig = z.infer<typeof SlaConfigSchema>;

/** What starts or continues an escalation. */
export const EscalationTriggerSchema = z.discriminatedUnion('on', [
  z.object({
    on: z.literal(['sla.warning', 'sla.breached']),
    /** Which SLA targets count; absent = any. */
    targets: z.optional(z.array(z.enum(slaTargets)).check(z.minLength(1))),
    when: z.optional(z.array(ConditionSchema).check(z.minLength(1))),
  }),
  // "A rule": a new ticket matching the conditions escalates at once.
  z.object({ on: z.literal('ticket.created'), when: z.array(ConditionSchema).check(z.minLength(1)) }),
  // A ticket nobody on the team touched for the idle rule's time (`automation.idle`, action `escalate`).
  z.object({ on: z.literal('idle'), when: z.optional(z.array(ConditionSchema).check(z.minLength(1))) }),
  // An agent's manual escalation (`POST /v1/tickets/{id}/escalate`).
  z.object({ on: z.literal('manual'), when: z.optional(z.array(ConditionSchema).check(z.minLength(1))) }),
]);
export type EscalationTrigger = z.infer<typeof EscalationTriggerSchema>;

export const EscalationStepSchema = z.object({
  /** The queue that owns the ticket from this step on (its tier is the step's tier). */
  queue: z.string(),
  /** Who is told; defaults to the queue's default owner. */
  notify: z.optional(Email),
  /** Not acknowledged within this window → the next step. */
  acknowledgeWithinMinutes: z.int().check(z.minimum(1), z.maximum(7 * 24 * 60)),
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

export const EscalationPathSchema = z.object({
  description: text,
  triggers: z.array(EscalationTriggerSchema).check(z.minLength(1)),
  steps: z.array(EscalationStepSchema).check(z.minLength(1)),
});
export type EscalationPath = z.infer<typeof EscalationPathSchema>;

export const WebhookSourceSchema = z.object({
  description: text,
  // The Secrets Manager name holding the HMAC key; the key itself never lives in config.
  secretName: z
    .string()
    .check(z.regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, 'must be a Secrets Manager secret name')),
  defaultRequestType: z.optional(z.string()),
  /** External event types (`billing.payment_failed` …) this source may post to `POST /v1/events/{source}`. */
  emits: z.optional(z.array(ExternalEventTypeSchema)),
});
export type WebhookSource = z.infer<typeof WebhookSourceSchema>;

const windowMinutes = z.int().check(z.minimum(1, 'must be at least 1 minute'), z.maximum(90 * 24 * 60));

/** What happens when nobody decides in time: reject, or ask a second group (which then has its own window). */
export const ApprovalExpirySchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('reject') }),
  z.object({
    action: z.literal('escalate'),
    /** Members of `approver-<group>` decide after the escalation. */
    group: kebabId,
    notify: Email,
    expireAfterMinutes: windowMinutes,
  }),
]);
export type ApprovalExpiry = z.infer<typeof ApprovalExpirySchema>;

/**
 * Who approves what (seed 000): credits and refunds above a threshold per currency, cancellations,
 * high-risk access, data changes. The first policy of the request's kind whose `when` holds decides.
 */
export const ApprovalPolicySchema = z.object({
  description: text,
  kind: z.enum(approvalKinds),
  /** Conditions on the ticket (same vocabulary as triage); absent = every ticket. */
  when: z.optional(z.array(ConditionSchema).check(z.minLength(1))),
  /**
   * Credits and refunds: amounts ABOVE these, per currency, need approval; at or below, the agent may go
   * ahead (recorded as not required). A currency not listed always needs approval.
   */
  thresholds: z.optional(z.record(CurrencyCode, z.number().check(z.gte(0)))),
  /** JWT group `approver-<group>` decides. */
  group: kebabId,
  /** The group's address: asked and reminded by mail. */
  notify: Email,
  /** Distinct approvers needed; one rejection decides. */
  approvalsRequired: z._default(z.int().check(z.minimum(1), z.maximum(5)), 1),
  remindAfterMinutes: windowMinutes,
  expireAfterMinutes: windowMinutes,
  onExpiry: ApprovalExpirySchema,
});
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/** The placeholders a notification template may use; anything else is a config error. */
export const templateVariables = [
  'reference',
  'subject',
  // "Hello <name>," or, without a name, "Hello,"; {{requesterName}} is empty when the name is unknown.
  'greeting',
  'requesterName',
  'requestTypeLabel',
  'missingFields',
  // A needs-info mail's example reply for the asked fields that have an example (a new line), else empty.
  'replyExample',
  'link',
  'linkExpiresAt',
  'body',
  // Escalation notices to the receiving group.
  'queue',
  'priority',
  'escalationPath',
  'escalationStep',
  'escalationReason',
  'acknowledgeBy',
  // Approval requests, reminders and decisions (to the approver group / the agent who asked).
  'approvalKind',
  'approvalAmount',
  'approvalSummary',
  'approvalPolicy',
  'approvalRequestedBy',
  'approvalExpireAt',
  'approvalOutcome',
  // The outcome as the end of a sentence: "was approved", "was rejected", "expired".
  'approvalResult',
  'approvalReason',
  // The resolution mail's survey link (append `?score=1` … `?score=5`); empty in every other mail.
  'csatLink',
  // The resolution mail's "Yes, it's solved" (→ closed) and "No, still a problem" (→ reopened) links;
  // empty in every other mail.
  'solvedLink',
  'notSolvedLink',
  // Automation: how long the ticket has waited (reminders, status updates, nudges), and a status update's
  // news (the latest public reply since the wait began, or a "no news yet" line).
  'waitingSince',
  'latestUpdate',
  // Incidents: the acknowledgement's sentence naming the incident a new ticket was linked to (with a
  // leading space, empty otherwise), and the resolution mail's note when an incident resolved the ticket.
  'incidentNotice',
  'resolutionNote',
  // Tier 0 (issue 18): the acknowledgement's suggested help articles for the ticket's text, each with its
  // page and a signed "this solved it" link (starting with a blank line; empty when none match).
  'suggestedArticles',
] as const;

const TemplateText = z.object({
  subject: z.string().check(z.minLength(1), z.maxLength(400)),
  text: z.string().check(z.minLength(1), z.maxLength(20_000)),
});

/**
 * A mail's subject and text, and (optionally) the same in other languages: a ticket whose `language` is
 * `de` (or `de-AT`) gets `locales.de`; any other gets the default.
 */
export const TemplateSchema = z.extend(TemplateText, {
  locales: z.optional(z.record(LanguageCode, TemplateText)),
});
export type Template = z.infer<typeof TemplateSchema>;

export const NotificationsSchema = z.object({
  /** Sent when a ticket is opened, unless it came from an auto-reply, list mail or a bounce. */
  acknowledgement: z.extend(TemplateSchema, { channels: z.array(Channel) }),
  /** Sent when a ticket lacks required context: names the fields and links to a form asking only for them. */
  needsInfo: TemplateSchema,
  /** Wraps an agent's public reply. */
  agentReply: TemplateSchema,
  /** Sent when a ticket is resolved. */
  resolution: TemplateSchema,
  /** Sent to the receiving group when a ticket is escalated to them (internal; never to the customer). */
  escalation: TemplateSchema,
  /** To the approver group when an approval is asked for (internal). */
  approvalRequest: TemplateSchema,
  /** To the approver group when nobody has decided by the reminder window (internal). */
  approvalReminder: TemplateSchema,
  /** To the agent who asked, once the approval is decided or expired (internal). */
  approvalDecision: TemplateSchema,
  /** Wraps a proactive mail an integration rule writes to a customer (`{{body}}`). */
  proactive: TemplateSchema,
  /** Reminds the requester that the ticket waits on them (`automation.awaitingCustomer.remindAfter`). */
  reminder: z._default(TemplateSchema, {
    subject: 'Reminder: we are waiting for your reply',
    text: '{{greeting}}\n\nWe are still waiting for your reply on "{{subject}}" (since {{waitingSince}}). Just answer this mail and we will pick it up.\n{{missingFields}}\n{{link}}\n\nYour support team',
  }),
  /** Tells the requester how a ticket waiting on another team stands (`automation.waitingOnTeam.statusUpdateEvery`). */
  statusUpdate: z._default(TemplateSchema, {
    subject: 'Status update on your request',
    text: '{{greeting}}\n\n"{{subject}}" is with another team since {{waitingSince}}. Latest update: {{latestUpdate}}\n\nWe will write again when there is news.\n\nYour support team',
  }),
  /** Asks whether a resolved request stays solved (`automation.afterResolution.followUpAfter`). */
  followUp: z._default(TemplateSchema, {
    subject: 'Is everything working now?',
    text: '{{greeting}}\n\nWe resolved "{{subject}}" recently. Is everything working as it should?\n\nYes, it is solved: {{solvedLink}}\nNo, still a problem: {{notSolvedLink}}\n\nYour support team',
  }),
  /** Sent when the clock resolves a ticket for want of a reply (`automation.awaitingCustomer.resolveAfter`). */
  noReplyResolution: z._default(TemplateSchema, {
    subject: 'We have resolved your request for now',
    text: '{{greeting}}\n\nWe have not heard back about "{{subject}}" since {{waitingSince}}, so we have resolved it for now. If you still need help, just reply to this mail and it opens again.\n\nStill a problem: {{notSolvedLink}}\n\nYour support team',
  }),
  /** To the owning queue's owner: a ticket waits on a team, or nobody touched it (internal). */
  teamNudge: z._default(TemplateSchema, {
    subject: 'Waiting on your team: {{subject}}',
    text: '{{reference}} ({{priority}}) in {{queue}} has waited on a team since {{waitingSince}}. Please give it an update.',
  }),
  idleNotice: z._default(TemplateSchema, {
    subject: 'Nobody has touched: {{subject}}',
    text: '{{reference}} ({{priority}}) in {{queue}} has had no agent activity since {{waitingSince}}.',
  }),
  /** How long the signed needs-info link works. */
  needsInfoLinkDays: z.int().check(z.minimum(1), z.maximum(90)),
});
export type Notifications = z.infer<typeof NotificationsSchema>;

export const WorkflowConfigSchema = z
  .object({
    version: z.literal(1),
    defaultRequestType: z.string(),
    requestTypes: z.record(snakeId, RequestTypeSpecSchema),
    priorities: z.record(Priority, PrioritySpecSchema),
    queues: z.record(snakeId, QueueSpecSchema),
    triageRules: z.array(TriageRuleSchema),
    // Source ids appear in the webhook URL path, hence kebab-case.
    webhookSources: z.record(kebabId, WebhookSourceSchema),
    notifications: NotificationsSchema,
    routingRules: z._default(z.array(RoutingRuleSchema), []),
    handoffs: z._default(z.array(HandoffRuleSchema), []),
    sla: SlaConfigSchema,
    /** Evaluated in order: the first path with a matching trigger takes a ticket; it stays on it. */
    escalationPaths: z._default(z.record(kebabId, EscalationPathSchema), {}),
    /** Evaluated in order per kind: the first policy whose `when` holds governs a request. */
    approvalPolicies: z._default(z.record(kebabId, ApprovalPolicySchema), {}),
    /** External events (`billing.subscription_cancelled` …) matched to actions. */
    integrationRules: z._default(z.record(kebabId, IntegrationRuleSchema), {}),
    /** Reminders, status updates, follow-ups, closing and the idle rule (request types may override). */
    automation: z._default(AutomationSchema, DEFAULT_AUTOMATION),
    /** What resolving an incident does to its linked tickets (shared/config/incidents.ts). */
    incidents: z._default(IncidentsSchema, DEFAULT_INCIDENTS),
    /** Personal data: the erasure's ticket, retention per request type (shared/config/privacy.ts). */
    privacy: z._default(PrivacySchema, DEFAULT_PRIVACY),
    /** Canned replies with actions that agents preview and apply in one write (`shared/config/macros.ts`). */
    macros: MacrosSchema,
    /** The learned intent: how sure a prediction must be before rules and the request type use it. */
    intent: z._default(IntentConfigSchema, DEFAULT_INTENT),
    /** The detected language of the first message (routing conditions, skills, localised mail). */
    language: z._default(LanguageConfigSchema, DEFAULT_LANGUAGE),
  })
  .check(
    z.superRefine((config, ctx) => {
      const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const requestTypes = Object.keys(config.requestTypes);
      const queues = Object.keys(config.queues);
      const knownFields = new Set(Object.values(config.requestTypes).flatMap((rt) => Object.keys(rt.fields)));
      const known = (ids: string[]) => ids.join(', ') || '(none)';
      const checkRequestType = (path: PropertyKey[], id: string) => {
        if (!Object.hasOwn(config.requestTypes, id))
          issue(path, `unknown request type "${id}"; known: ${known(requestTypes)}`);
      };
      const checkQueue = (path: PropertyKey[], id: string) => {
        if (!Object.hasOwn(config.queues, id)) issue(path, `unknown queue "${id}"; known: ${known(queues)}`);
      };

      checkRequestType(['defaultRequestType'], config.defaultRequestType);

      for (const [rtId, rt] of Object.entries(config.requestTypes)) {
        checkQueue(['requestTypes', rtId, 'defaultQueue'], rt.defaultQueue);
      }

      const firstIndex = new Map<string, number>();
      config.triageRules.forEach((rule, i) => {
        const seen = firstIndex.get(rule.id);
        if (seen !== undefined)
          issue(['triageRules', i, 'id'], `duplicate rule id "${rule.id}" (also triageRules[${seen}])`);
        else firstIndex.set(rule.id, i);

        if (rule.then.requestType !== undefined)
          checkRequestType(['triageRules', i, 'then', 'requestType'], rule.then.requestType);
        if (rule.then.queue !== undefined) checkQueue(['triageRules', i, 'then', 'queue'], rule.then.queue);

        for (const group of ['all', 'any'] as const) {
          rule.when[group]?.forEach((condition, j) => {
            const path = ['triageRules', i, 'when', group, j];
            if (
              condition.field.startsWith('fields.') &&
              !knownFields.has(condition.field.slice('fields.'.length))
            ) {
              issue(
                [...path, 'field'],
                `no request type has a field "${condition.field.slice('fields.'.length)}"`,
              );
            }
            if (condition.op !== 'equals' && condition.op !== 'in') return;
            const values = typeof condition.value === 'string' ? [condition.value] : condition.value;
            // Exact comparisons against a closed vocabulary: a typo there would silently never match.
            const vocabulary =
              condition.field === 'requestType'
                ? requestTypes
                : condition.field === 'channel'
                  ? Channel.options
                  : undefined;
            const unknown = vocabulary ? values.filter((v) => !vocabulary.includes(v.toLowerCase())) : [];
            if (vocabulary && unknown.length > 0) {
              issue(
                [...path, 'value'],
                `unknown ${condition.field} ${unknown.map((v) => `"${v}"`).join(', ')}`,
              );
            }
          });
        }
      });

      for (const [i, rule] of config.routingRules.entries()) {
        checkQueue(['routingRules', i, 'then', 'queue'], rule.then.queue);
      }
      for (const [i, rule] of config.handoffs.entries()) {
        checkQueue(['handoffs', i, 'to'], rule.to);
        for (const [j, q] of (rule.from ?? []).entries()) checkQueue(['handoffs', i, 'from', j], q);
      }

      for (const [name, template] of Object.entries(config.notifications)) {
        if (typeof template !== 'object' || template === null || !('text' in template)) continue;
        const variants: Array<[PropertyKey[], { subject: string; text: string }]> = [
          [['notifications', name], template],
          ...Object.entries(template.locales ?? {}).map(
            ([locale, t]): [PropertyKey[], { subject: string; text: string }] => [
              ['notifications', name, 'locales', locale],
              t,
            ],
          ),
        ];
        for (const [path, variant] of variants) {
          for (const part of ['subject', 'text'] as const) {
            for (const match of variant[part].matchAll(/\{\{\s*([^}\s]*)\s*\}\}/g)) {
              const variable = match[1] ?? '';
              if (!(templateVariables as readonly string[]).includes(variable)) {
                issue(
                  [...path, part],
                  `unknown placeholder {{${variable}}}; known: ${templateVariables.join(', ')}`,
                );
              }
            }
          }
        }
      }

      for (const [intent, requestType] of Object.entries(config.intent.requestTypes)) {
        checkRequestType(['intent', 'requestTypes', intent], requestType);
      }

      const calendars = Object.keys(config.sla.calendars);
      const policies = Object.keys(config.sla.policies);
      const checkPolicy = (path: PropertyKey[], id: string) => {
        if (!Object.hasOwn(config.sla.policies, id))
          issue(path, `unknown SLA policy "${id}"; known: ${known(policies)}`);
      };
      checkPolicy(['sla', 'defaultPolicy'], config.sla.defaultPolicy);
      for (const [tier, id] of Object.entries(config.sla.policyByAccountTier))
        checkPolicy(['sla', 'policyByAccountTier', tier], id);
      for (const [id, policy] of Object.entries(config.sla.policies)) {
        const path = ['sla', 'policies', id];
        if (policy.calendar !== ALWAYS_OPEN_CALENDAR && !Object.hasOwn(config.sla.calendars, policy.calendar))
          issue(
            [...path, 'calendar'],
            `unknown calendar "${policy.calendar}"; known: ${known([ALWAYS_OPEN_CALENDAR, ...calendars])}`,
          );
        for (const [i, state] of policy.pauseStates.entries()) {
          if (state === 'resolved' || state === 'closed')
            issue(
              [...path, 'pauseStates', i],
              `${state} stops the clocks already; it cannot be a pause state`,
            );
        }
        // Priorities must change the expectations: a more urgent priority is never slower.
        const order = Priority.options.toReversed(); // urgent, high, normal, low
        for (const key of ['firstResponseMinutes', 'nextResponseMinutes', 'resolutionMinutes'] as const) {
          for (let i = 1; i < order.length; i++) {
            const faster = order[i - 1];
            const slower = order[i];
            if (!faster || !slower) continue;
            const a = policy.targets[faster]?.[key];
            const b = policy.targets[slower]?.[key];
            if (a !== undefined && b !== undefined && a > b)
              issue(
                [...path, 'targets', faster, key],
                `${faster} (${a} min) is slower than ${slower} (${b} min); a higher priority must not wait longer`,
              );
          }
        }
        const distinct = new Set(Object.values(policy.targets).map((t) => JSON.stringify(t)));
        if (distinct.size < Object.keys(policy.targets).length)
          issue(
            [...path, 'targets'],
            'two priorities have the same targets; priority must change the expectations',
          );
      }
      for (const [id, escalationPath] of Object.entries(config.escalationPaths)) {
        for (const [i, step] of escalationPath.steps.entries()) {
          checkQueue(['escalationPaths', id, 'steps', i, 'queue'], step.queue);
          const owner = config.queues[step.queue]?.defaultOwner;
          if (step.notify === undefined && owner !== undefined && !Email.safeParse(owner).success)
            issue(
              ['escalationPaths', id, 'steps', i, 'notify'],
              `queue ${step.queue}'s default owner "${owner}" is not an address; name who to notify`,
            );
        }
      }

      for (const [id, policy] of Object.entries(config.approvalPolicies)) {
        const path = ['approvalPolicies', id];
        const monetary = policy.kind === 'credit' || policy.kind === 'refund';
        if (policy.thresholds !== undefined && !monetary)
          issue(
            [...path, 'thresholds'],
            `only credit and refund policies take thresholds, not ${policy.kind}`,
          );
        if (policy.remindAfterMinutes >= policy.expireAfterMinutes)
          issue(
            [...path, 'remindAfterMinutes'],
            `the reminder (${policy.remindAfterMinutes} min) must come before expiry (${policy.expireAfterMinutes} min)`,
          );
        if (policy.onExpiry.action === 'escalate' && policy.onExpiry.group === policy.group)
          issue([...path, 'onExpiry', 'group'], 'escalating to the same group asks the same people again');
      }
      checkIntegrationRules(config, issue);
      checkIncidents(config, issue);
      checkPrivacy(config, issue);
      checkMacros(config, issue);

      for (const [sourceId, source] of Object.entries(config.webhookSources)) {
        if (source.defaultRequestType !== undefined)
          checkRequestType(['webhookSources', sourceId, 'defaultRequestType'], source.defaultRequestType);
      }
    }),
  );

export type WorkflowConfig = z.output<typeof WorkflowConfigSchema>;
/** What a config author writes (before defaults and trimming). */
export type WorkflowConfigInput = z.input<typeof WorkflowConfigSchema>;

export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export class WorkflowConfigError extends Error {
  override readonly name = 'WorkflowConfigError';
  readonly code = 'CONFIG.INVALID';

  constructor(
    readonly issues: readonly ConfigIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid workflow config:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      options,
    );
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // A bad record key only says "Invalid key in record"; the reason sits one level down.
  if (issue.code === 'invalid_key') return `invalid key: ${issue.issues.map((i) => i.message).join('; ')}`;
  return issue.message;
}

export function parseWorkflowConfig(input: unknown): WorkflowConfig {
  const parsed = WorkflowConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: describeIssue(i) }));
  throw new WorkflowConfigError(issues, { cause: parsed.error });
}
