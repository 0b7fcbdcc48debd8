/**
 * ONE declaration of every function: its handler module, trigger(s), environment and grants; of every HTTP
 * route: its handler (the function declaring it), who may call it or why it is public, its request contract.
 * The CDK stateless stack and the local runtime (`npm start`) are both built from this list,
 * so what runs on a laptop is what runs in AWS.
 */

import { EXTERNAL_EVENT_SOURCES, EXTERNAL_EVENT_TYPES } from './domain/external-events';
import { INTENT_EVENT_SOURCE, INTENT_TRAINING_REQUESTED } from './domain/intent-events';
import { PRIVACY_EVENT_SOURCE, PRIVACY_EXPORT_REQUESTED } from './domain/privacy-export';
import type { Role } from './domain/roles';
import type * as z from './domain/zod';
import {
  AgentProfileBody,
  ApprovalBody,
  ArticleBody,
  ArticlePreviewBody,
  AssignBody,
  BulkBody,
  DecisionBody,
  DeclareIncidentBody,
  DeflectionBody,
  ErasureBody,
  EscalateBody,
  ExportBody,
  FlowQuery,
  HandoffBody,
  HelpQuery,
  IncidentTicketsBody,
  IntentLabelBody,
  KbGapsQuery,
  KbSearchQuery,
  MailLogQuery,
  MergeBody,
  MessageBody,
  OpenIncidentBody,
  QueueViewQuery,
  SearchQuery,
  TransitionBody,
  UpdateBody,
} from './http/contracts';
import { WebhookPayload } from './http/webhook-payload';

/** Resources a function can be given access to. Each maps to least-privilege IAM in CDK. */
export type Grant =
  /** GetItem/Query on the table and its indexes. */
  | 'table:read'
  /** PutItem/UpdateItem/DeleteItem/ConditionCheckItem on the table (transactions are authorised per item). */
  | 'table:write'
  /** Scan on the table (an erasure reads every item, page by page, for the requester). */
  | 'table:scan'
  /** PutEvents on the Frontdoor event bus. */
  | 'bus:put'
  /** GetSecretValue on the webhook sources' secrets named in the workflow config. */
  | 'secrets:webhooks'
  /** GetSecretValue on the secret that signs needs-info links. */
  | 'secrets:links'
  /** GetObject on the mail bucket (raw inbound mail, attachments). */
  | 'objects:read'
  /** PutObject on the mail bucket (attachments taken out of inbound mail). */
  | 'objects:write'
  /** GetObject on the intent models in the mail bucket (`models/intent/*`): intake reads the model in force. */
  | 'models:read'
  /** PutObject on the intent models in the mail bucket (`models/intent/*`): training writes a new one. */
  | 'models:write'
  /**
   * GetObject on a requester export's files in the mail bucket (`exports/*`): the admin API signs the
   * download links with it (a presigned URL reads with its signer's rights).
   */
  | 'exports:read'
  /** GetObject on the attachments (`attachments/*`) and PutObject on the exports (`exports/*`): builds an export. */
  | 'exports:build'
  /**
   * ListBucketVersions on the mail bucket and DeleteObject/DeleteObjectVersion under `inbound/`,
   * `attachments/` and `exports/`: a requester's files erased, a closed ticket's purged.
   */
  | 'objects:erase'
  /** ses:SendEmail from the support address. */
  | 'mail:send'
  /**
   * scheduler:CreateSchedule/UpdateSchedule on the wake-up schedule group's schedules, and iam:PassRole on
   * the scheduler's role (which may only send to the wake-up queue).
   */
  | 'wakeUps:schedule'
  /** states:StartExecution on the approval state machine. */
  | 'approvals:start'
  /** states:SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat on the approval state machine's task tokens. */
  | 'approvals:callback';

/** Values the deployment (CDK) or the local runtime supplies for an environment variable. */
export type EnvRef = {
  readonly ref:
    | 'table.name'
    | 'bus.name'
    /** The bucket SES writes inbound mail to; attachments go there too. */
    | 'bucket.name'
    /** The address customers write to; the From of every mail Frontdoor sends. */
    | 'mail.supportAddress'
    /** Base URL of the public API and hosted forms (links in mail point there). */
    | 'api.url'
    /** Name of the Secrets Manager secret that signs needs-info links. */
    | 'secret.links'
    /** The EventBridge Scheduler schedule group that holds the tickets' wake-ups. */
    | 'wakeUps.group'
    /** ARN of the wake-up queue (`WAKE_UP_QUEUE`), the schedules' target. */
    | 'wakeUps.queueArn'
    /** ARN of the role the scheduler assumes to send to the wake-up queue. */
    | 'wakeUps.roleArn'
    /** ARN of the queue a wake-up the scheduler could not deliver goes to (the wake-up queue's DLQ). */
    | 'wakeUps.deadLetterArn'
    /** ARN of the approval state machine. */
    | 'stateMachine.approval';
};
export type EnvValue = string | EnvRef;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

// The roles an agent-API route admits (`access.roles`) are in ./domain/roles.ts: handlers check them
// (shared/http/access.ts) without loading this declaration.
export { ROLES, type Role } from './domain/roles';

export interface RouteAccess {
  readonly roles: readonly Role[];
  /** What the route does, in the words a 403 uses. */
  readonly action: string;
  /** The ticket's queue decides too (see above); checked by the use case once it has read the ticket. */
  readonly scope?: 'own-queues';
}

/** The request shapes a route's handler validates with (zod), also the OpenAPI document's. */
export interface RequestContract {
  readonly body?: z.ZodMiniType;
  readonly query?: z.ZodMiniType;
}

interface HttpRoute {
  readonly kind: 'http';
  readonly method: HttpMethod;
  /** API Gateway HTTP API route path, `{name}` for path parameters. */
  readonly path: string;
  readonly contract?: RequestContract;
}

/** A route for signed-in agents: API Gateway's JWT authorizer (Cognito in AWS, the dev issuer locally), then `access`. */
export interface AgentRoute extends HttpRoute {
  readonly auth: 'jwt';
  readonly access: RouteAccess;
}

/**
 * A route without a sign-in. Its reason to be public is required: it is the cdk-nag acknowledgement
 * (AwsSolutions-APIG4) the synthesis prints, so a new public route cannot be waved through.
 */
export interface PublicRoute extends HttpRoute {
  readonly auth: 'none';
  readonly publicBecause: string;
}

/** One row per route: its handler is the function that declares it, with its access or its reason to be public. */
export type HttpTrigger = AgentRoute | PublicRoute;

export interface EventTrigger {
  readonly kind: 'event';
  /** An EventBridge event pattern on the Frontdoor bus; the local bus applies the same pattern. */
  readonly pattern: Readonly<Record<string, unknown>>;
}

/** Messages from one of the topology's queues, in batches, with partial-batch failure reporting. */
export interface QueueTrigger {
  readonly kind: 'queue';
  readonly queue: string;
  readonly batchSize: number;
}

/** Mail to the support address: SES receipt rule → raw MIME in the bucket → this function (SES event). */
export interface InboundMailTrigger {
  readonly kind: 'inbound-mail';
}

/** Invoked by a Task state of one of the topology's state machines (`lambda:invoke`, synchronous). */
export interface StateMachineTaskTrigger {
  readonly kind: 'state-machine-task';
  readonly stateMachine: string;
}

/**
 * Changes to the table (DynamoDB Streams, new and old images) in batches, with partial-batch failure
 * reporting, bisection and a DLQ for records that keep failing. Locally the runtime polls DynamoDB
 * Local's stream the same way.
 */
export interface TableStreamTrigger {
  readonly kind: 'table-stream';
  readonly batchSize: number;
  /** Only records whose new or old image has one of these `entity` values reach the function. */
  readonly entities: readonly string[];
}

export type Trigger =
  | TableStreamTrigger
  | HttpTrigger
  | EventTrigger
  | QueueTrigger
  | InboundMailTrigger
  | StateMachineTaskTrigger;

/**
 * A Step Functions state machine whose definition lives in `infra/workflows/*.asl.json`. CDK loads the
 * file with `definitionSubstitutions`; the local runtime runs the SAME file with `aws-local-stepfunctions`,
 * binding `lambda:invoke` Task states to the substituted function's handler and `events:putEvents` Task
 * states to the in-process bus.
 */
export interface StateMachineSpec {
  /** kebab-case; also the CDK construct id. */
  readonly name: string;
  readonly description: string;
  /** Definition file relative to the repository root. */
  readonly definition: string;
  /** `${Name}` placeholders in the definition, each a topology function's ARN. */
  readonly substitutions: Readonly<Record<string, { readonly function: string }>>;
  /** What the state machine's own role may do besides invoking those functions. */
  readonly grants: readonly Extract<Grant, 'bus:put'>[];
  /** The env ref by which functions find this state machine's ARN. */
  readonly arnRef: EnvRef['ref'];
}

/** An SQS queue (with its DLQ) fed by EventBridge rules on the Frontdoor bus. */
export interface QueueSpec {
  readonly name: string;
  readonly description: string;
  /** At least 6× the consumer's timeout, as AWS advises for Lambda event sources. */
  readonly visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** EventBridge patterns whose events are put on the queue. */
  readonly subscriptions: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /**
   * A message every `days` days besides (an EventBridge scheduled rule in AWS; the workflow clock locally):
   * the body is the scheduled event, as a rule puts it.
   */
  readonly every?: { readonly days: number; readonly why: string };
}

export const stateMachines: readonly StateMachineSpec[] = [
  {
    name: 'approval',
    description:
      'One Standard execution per approval: wait for the decision on a task token, remind, expire as the policy says, announce',
    definition: 'infra/workflows/approval.asl.json',
    substitutions: {
      TrackApprovalFunctionArn: { function: 'track-approval' },
    },
    // The Announce state puts approval.reminded / approval.requested (escalated) / approval.decided.
    grants: ['bus:put'],
    arnRef: 'stateMachine.approval',
  },
];

export { INBOUND_MAIL_PREFIX } from './domain/mail';

export interface FunctionSpec {
  /** kebab-case, verb-noun; also the CDK construct id (never change it once deployed). */
  readonly name: string;
  readonly description: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly triggers: readonly Trigger[];
  readonly env: Readonly<Record<string, EnvValue>>;
  readonly grants: readonly Grant[];
}

const common = {
  TABLE_NAME: { ref: 'table.name' },
  EVENT_BUS_NAME: { ref: 'bus.name' },
  POWERTOOLS_SERVICE_NAME: 'frontdoor',
} as const satisfies Record<string, EnvValue>;

const publicUrl = { PUBLIC_BASE_URL: { ref: 'api.url' } } as const satisfies Record<string, EnvValue>;

/** Where the intent models are kept (the mail bucket, `models/intent/`): intake reads, training writes. */
const intentModels = { MAIL_BUCKET: { ref: 'bucket.name' } } as const satisfies Record<string, EnvValue>;

/** What the page a mail's link opens reads: the ticket, and the secret that checks the link. */
const linkPageEnv = {
  TABLE_NAME: { ref: 'table.name' },
  LINK_SECRET_NAME: { ref: 'secret.links' },
  POWERTOOLS_SERVICE_NAME: 'frontdoor',
} as const satisfies Record<string, EnvValue>;

/**
 * The queue the tickets' EventBridge Scheduler wake-ups are sent to (and the ticket changes that may move a
 * wake-up earlier); one function, run-ticket-clock, consumes it.
 */
export const WAKE_UP_QUEUE = 'ticket-clock';

export const queues: readonly QueueSpec[] = [
  {
    name: 'notifications',
    description: 'Domain events that may ask for a mail to the requester',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    subscriptions: [
      {
        source: ['frontdoor'],
        'detail-type': [
          'ticket.created',
          'ticket.state_changed',
          'ticket.message_added',
          'ticket.escalated',
          'approval.requested',
          'approval.decided',
          // The ticket's clock: mails to the requester, notices to the team.
          'automation.reminder',
          'automation.status_update',
          'automation.follow_up',
          'automation.team_nudge',
          'automation.idle',
          // An incident's fan-out, page after page (the first page rides on the update or resolution).
          'incident.fan_out',
        ],
      },
    ],
  },
  {
    name: WAKE_UP_QUEUE,
    description:
      'The tickets’ clock: changes that may move a due moment earlier, and the wake-ups the scheduler sends',
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 5,
    subscriptions: [
      {
        source: ['frontdoor'],
        'detail-type': [
          'ticket.created',
          'ticket.state_changed',
          'ticket.message_added',
          'ticket.priority_changed',
          'ticket.escalated',
          'approval.decided',
        ],
      },
    ],
  },
  {
    name: 'escalations',
    description: 'SLA warnings and breaches, and new tickets, matched against the escalation paths’ triggers',
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    subscriptions: [
      { source: ['frontdoor'], 'detail-type': ['sla.warning', 'sla.breached', 'ticket.created'] },
    ],
  },
  {
    name: 'approvals',
    description: 'Approval requests: start (once) the approval workflow that waits for the decision',
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    subscriptions: [{ source: ['frontdoor'], 'detail-type': ['approval.requested'] }],
  },
  {
    name: 'integrations',
    description: 'Events from other systems (billing, product …) matched against the integration rules',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    subscriptions: [{ source: [...EXTERNAL_EVENT_SOURCES], 'detail-type': [...EXTERNAL_EVENT_TYPES] }],
  },
  {
    name: 'assignments',
    description:
      'Tickets entering a queue, and tickets leaving an agent (released, resolved, closed, moved): automatic assignment',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    subscriptions: [
      {
        source: ['frontdoor'],
        'detail-type': [
          'ticket.created',
          'ticket.assigned',
          'ticket.state_changed',
          'ticket.escalated',
          'ticket.handed_off',
        ],
      },
    ],
  },
  {
    name: 'intent-training',
    description: 'Retraining the intent model on the agents’ labels: on request and every week',
    // Six times train-intent's timeout, as AWS advises for Lambda event sources.
    visibilityTimeoutSeconds: 6 * 900,
    maxReceiveCount: 3,
    subscriptions: [{ source: [INTENT_EVENT_SOURCE], 'detail-type': [INTENT_TRAINING_REQUESTED] }],
    every: { days: 7, why: 'the model learns the week’s corrections (issue 19: retrain weekly)' },
  },
  {
    name: 'privacy-exports',
    description: 'A requester’s data export an admin asked for (issue 22): built in the background',
    // Six times build-export's timeout, as AWS advises for Lambda event sources.
    visibilityTimeoutSeconds: 6 * 900,
    // EXPORT_BUILD_ATTEMPTS (shared/use-cases/privacy-export.ts): the last delivery marks the job failed.
    maxReceiveCount: 3,
    subscriptions: [{ source: [PRIVACY_EVENT_SOURCE], 'detail-type': [PRIVACY_EXPORT_REQUESTED] }],
  },
  {
    name: 'privacy-erasures',
    description:
      'Decided data_change approvals: an approved erasure runs (issue 22), a rejected one is recorded',
    // Six times erase-requester-data's timeout, as AWS advises for Lambda event sources.
    visibilityTimeoutSeconds: 6 * 900,
    // ERASURE_ATTEMPTS (functions/erase-requester-data): the last delivery marks the run failed.
    maxReceiveCount: 3,
    subscriptions: [
      { source: ['frontdoor'], 'detail-type': ['approval.decided'], detail: { kind: ['data_change'] } },
    ],
  },
];

const READERS: readonly Role[] = ['agent', 'lead', 'approver', 'admin'];
const WORKERS: readonly Role[] = ['agent', 'lead'];
const OWN = 'own-queues' as const;

/** Why each kind of public route is acceptable (the words after "<METHOD> <path>" in the cdk-nag acknowledgement). */
const PUBLIC = {
  signedWebhook:
    'is called by external systems, not agents: the handler authenticates every request by its HMAC-SHA256 signature over timestamp and body (constant-time compare, 300 s replay window) before reading it.',
  needsInfoLink:
    'is a needs-info link mailed to a requester, who has no account: the signed, expiring token in the path (HMAC with the links secret) is the authorisation, verified by the handler before any read or write.',
  csatLink:
    'is the CSAT survey link of a resolution mail, for a requester who has no account: the signed, expiring token in the path (HMAC with the links secret) is the authorisation, verified by the handler before any read or write; it can only add one rating per resolution.',
  resolutionLink:
    'is the "is it solved?" link of a resolution mail, for a requester who has no account: the signed, expiring token in the path (HMAC with the links secret) is the authorisation, verified by the handler before any read or write; it can only close or reopen the resolution it names, once.',
  formSchemas:
    'serves the hosted forms to customers, who have no accounts: it returns request types and their form schemas only (configuration, no customer data), read-only and throttled by the stage.',
  apiDescription:
    'is the API description (OpenAPI generated from the handlers’ schemas): static, no customer data, read-only and throttled by the stage; clients read it before they have a token.',
  deflection:
    'is the hosted form’s "This answered my question", for customers who have no accounts: the body is validated (a published help article, a known request type, at most 500 characters of query) and it can only add one deflection record per id; its own route throttle limits a flood.',
  solvedLink:
    'is the "this solved it" link of an acknowledgement, for a requester who has no account: the signed, expiring token in the path (HMAC with the links secret, its own purpose) is the authorisation, verified by the handler before any read or write; it can only resolve the ticket it names, once per article.',
  formSubmission:
    'is the hosted form submission of customers, who have no accounts: the handler validates the body against the request type schema and can only open a ticket; the stage throttles it.',
  knowledgeBase:
    'is the public knowledge base (help centre pages and its search) for customers, who have no accounts: it reads only published external articles, writes nothing but a view count of an article opened (issue 18), and the stage throttles it.',
} as const;

export const functions: readonly FunctionSpec[] = [
  {
    name: 'receive-webhook',
    description: 'Signed webhook intake: verify, normalise, triage, persist, publish ticket.created',
    entry: 'functions/receive-webhook/handler.ts',
    // From measurement (npm run cost, shared/metrics/memory-sizing.ts): within the HTTP budget at 256, was 512.
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/webhooks/{source}',
        auth: 'none',
        publicBecause: PUBLIC.signedWebhook,
        contract: { body: WebhookPayload },
      },
    ],
    env: { ...common, ...intentModels },
    grants: ['table:read', 'table:write', 'secrets:webhooks', 'models:read'],
  },
  {
    name: 'get-ticket',
    description: 'Agent API: one ticket with its messages and audit trail',
    entry: 'functions/get-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/tickets/{id}',
        auth: 'jwt',
        access: { roles: READERS, action: 'reading a ticket', scope: OWN },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'list-tickets',
    description: "Agent API: a requester's tickets, newest first (requester index)",
    entry: 'functions/list-tickets/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/tickets',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'searching tickets', scope: OWN },
        contract: { query: SearchQuery },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'receive-email',
    description: 'Inbound mail: parse, classify (loop safety), thread or open a ticket, keep attachments',
    entry: 'functions/receive-email/handler.ts',
    memoryMb: 1024,
    timeoutSeconds: 60,
    triggers: [{ kind: 'inbound-mail' }],
    env: { ...common, MAIL_BUCKET: { ref: 'bucket.name' }, SUPPORT_ADDRESS: { ref: 'mail.supportAddress' } },
    grants: ['table:read', 'table:write', 'objects:read', 'objects:write', 'models:read'],
  },
  {
    name: 'label-intent',
    description: "Agent API: confirm or correct a ticket's predicted intent (If-Match); a label for training",
    entry: 'functions/label-intent/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'PUT',
        path: '/v1/tickets/{id}/intent',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: "labelling a ticket's intent", scope: OWN },
        contract: { body: IntentLabelBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'intent-model',
    description:
      'Agent API (leads): the intent model in force, its live precision and recall; ask to retrain',
    entry: 'functions/intent-model/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/intent',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'reading the intent model' },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/intent/training',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'retraining the intent model' },
      },
    ],
    env: common,
    grants: ['table:read', 'bus:put'],
  },
  {
    name: 'train-intent',
    description: "Trains the intent model on the agents' labels (weekly and on request) and puts it in force",
    entry: 'functions/train-intent/handler.ts',
    // 1,769 MB is one full vCPU: training is CPU-bound for up to a minute or two on 10,000 labels.
    memoryMb: 1769,
    timeoutSeconds: 900,
    triggers: [{ kind: 'queue', queue: 'intent-training', batchSize: 1 }],
    env: { ...common, ...intentModels },
    grants: ['table:read', 'models:write'],
  },
  // ---- privacy (issue 22): a requester's data exported or erased ----
  {
    name: 'export-requester-data',
    description:
      "Admin API on a requester's data: an export (audited, built in the background, download links) or an erasure (approved first); their progress",
    entry: 'functions/export-requester-data/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/privacy/exports',
        auth: 'jwt',
        access: { roles: ['admin'], action: "exporting a requester's data" },
        contract: { body: ExportBody },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/privacy/exports/{id}',
        auth: 'jwt',
        access: { roles: ['admin'], action: "reading a requester's data export" },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/privacy/erasures',
        auth: 'jwt',
        access: { roles: ['admin'], action: "asking for a requester's erasure" },
        contract: { body: ErasureBody },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/privacy/erasures/{id}',
        auth: 'jwt',
        access: { roles: ['admin'], action: "reading a requester's erasure" },
      },
    ],
    env: { ...common, MAIL_BUCKET: { ref: 'bucket.name' } },
    grants: ['table:read', 'table:write', 'bus:put', 'exports:read'],
  },
  {
    name: 'build-export',
    description:
      "Builds a requester's data export: their tickets, messages, audit and approvals as JSON, and their attachments",
    entry: 'functions/build-export/handler.ts',
    // Attachments (up to SES's 40 MB each) pass through memory one at a time.
    memoryMb: 1024,
    timeoutSeconds: 900,
    triggers: [{ kind: 'queue', queue: 'privacy-exports', batchSize: 1 }],
    env: { ...common, MAIL_BUCKET: { ref: 'bucket.name' } },
    grants: ['table:read', 'table:write', 'exports:build'],
  },
  {
    name: 'erase-requester-data',
    description:
      "Erases a requester's personal data once its data_change approval is approved: their tickets pseudonymised, every other record swept, their files deleted",
    entry: 'functions/erase-requester-data/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 900,
    triggers: [{ kind: 'queue', queue: 'privacy-erasures', batchSize: 1 }],
    env: { ...common, MAIL_BUCKET: { ref: 'bucket.name' } },
    grants: ['table:read', 'table:write', 'table:scan', 'objects:erase'],
  },
  {
    name: 'hand-off-ticket',
    description: "Agent API: hand a ticket to another queue, if the target's preconditions hold (If-Match)",
    entry: 'functions/hand-off-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/handoff',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'handing a ticket off', scope: OWN },
        contract: { body: HandoffBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'upsert-account',
    description: 'Admin API: create or replace an account in the directory (tier, segment, status, domains)',
    entry: 'functions/upsert-account/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'PUT',
        path: '/v1/accounts/{id}',
        auth: 'jwt',
        access: { roles: ['admin'], action: 'changing accounts' },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'get-account',
    description: 'Agent API: one account from the directory',
    entry: 'functions/get-account/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/accounts/{id}',
        auth: 'jwt',
        access: { roles: READERS, action: 'reading an account' },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'list-mail-log',
    description: 'Agent API: what became of each inbound mail on a day (nothing received is silently lost)',
    entry: 'functions/list-mail-log/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/mail/log',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading the mail log' },
        contract: { query: MailLogQuery },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'send-notification',
    description: 'Mails the requester what a domain event asks for (SES), once per event and template',
    entry: 'functions/send-notification/handler.ts',
    // From measurement (npm run cost, shared/metrics/memory-sizing.ts): mostly waiting, was 512.
    memoryMb: 256,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'notifications', batchSize: 10 }],
    env: {
      ...common,
      ...publicUrl,
      SUPPORT_ADDRESS: { ref: 'mail.supportAddress' },
      LINK_SECRET_NAME: { ref: 'secret.links' },
    },
    grants: ['table:read', 'table:write', 'mail:send', 'secrets:links'],
  },
  {
    name: 'list-forms',
    description: 'Hosted forms: the request types a customer can choose from',
    entry: 'functions/list-forms/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      { kind: 'http', method: 'GET', path: '/v1/forms', auth: 'none', publicBecause: PUBLIC.formSchemas },
      { kind: 'http', method: 'GET', path: '/forms', auth: 'none', publicBecause: PUBLIC.formSchemas },
    ],
    env: { POWERTOOLS_SERVICE_NAME: 'frontdoor' },
    grants: [],
  },
  {
    name: 'describe-form',
    description: "Hosted forms: a request type's JSON Schema, or its accessible HTML form",
    entry: 'functions/describe-form/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/forms/{requestType}',
        auth: 'none',
        publicBecause: PUBLIC.formSchemas,
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/forms/{requestType}',
        auth: 'none',
        publicBecause: PUBLIC.formSchemas,
      },
    ],
    env: { POWERTOOLS_SERVICE_NAME: 'frontdoor' },
    grants: [],
  },
  {
    name: 'submit-form',
    description: 'Hosted forms: a submission becomes a ticket (required context enforced)',
    entry: 'functions/submit-form/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/forms/{requestType}',
        auth: 'none',
        publicBecause: PUBLIC.formSubmission,
      },
    ],
    env: { ...common, ...intentModels },
    grants: ['table:read', 'table:write', 'models:read'],
  },
  {
    name: 'supply-context',
    description: 'Needs-info link: the answer with the missing fields, which moves the ticket on',
    entry: 'functions/supply-context/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/context/{token}',
        auth: 'none',
        publicBecause: PUBLIC.needsInfoLink,
      },
    ],
    env: { ...common, LINK_SECRET_NAME: { ref: 'secret.links' } },
    grants: ['table:read', 'table:write', 'secrets:links'],
  },
  {
    name: 'show-context-form',
    description:
      'Needs-info link: the form asking only for the fields the ticket still misses (records nothing)',
    entry: 'functions/show-context-form/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/forms/context/{token}',
        auth: 'none',
        publicBecause: PUBLIC.needsInfoLink,
      },
    ],
    env: linkPageEnv,
    grants: ['table:read', 'secrets:links'],
  },
  {
    name: 'run-ticket-clock',
    description:
      "The ticket's clock: record SLA warnings and breaches, overdue escalations, reminders, status updates, follow-ups, closing and idle notices; set the next wake-up",
    entry: 'functions/run-ticket-clock/handler.ts',
    // From measurement (npm run cost, shared/metrics/memory-sizing.ts): mostly waiting, was 512.
    memoryMb: 256,
    timeoutSeconds: 20,
    triggers: [{ kind: 'queue', queue: WAKE_UP_QUEUE, batchSize: 10 }],
    env: {
      ...common,
      SCHEDULE_GROUP: { ref: 'wakeUps.group' },
      TICKET_CLOCK_QUEUE_ARN: { ref: 'wakeUps.queueArn' },
      SCHEDULER_ROLE_ARN: { ref: 'wakeUps.roleArn' },
      TICKET_CLOCK_DLQ_ARN: { ref: 'wakeUps.deadLetterArn' },
      // Retention: a closed ticket's attachments are deleted when its time is up (issue 22).
      MAIL_BUCKET: { ref: 'bucket.name' },
    },
    grants: ['table:read', 'table:write', 'wakeUps:schedule', 'objects:erase'],
  },
  {
    name: 'apply-escalations',
    description:
      "Escalates tickets whose SLA warning, breach or creation matches an escalation path's trigger",
    entry: 'functions/apply-escalations/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'queue', queue: 'escalations', batchSize: 10 }],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'escalate-ticket',
    description:
      'Agent API: escalate a ticket one step along its path, or acknowledge the current step (If-Match)',
    entry: 'functions/escalate-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/escalate',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'escalating a ticket', scope: OWN },
        contract: { body: EscalateBody },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/escalation/acknowledge',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'acknowledging an escalation', scope: OWN },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'transition-ticket',
    description:
      'Agent API: move a ticket to another state, as the transition table and its guards allow (If-Match)',
    entry: 'functions/transition-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/transition',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'moving a ticket to another state', scope: OWN },
        contract: { body: TransitionBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'request-approval',
    description:
      'Agent API: ask for an approval (credit, refund, cancellation, access, data change) as the policies say (If-Match)',
    entry: 'functions/request-approval/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/approvals',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'asking for an approval', scope: OWN },
        contract: { body: ApprovalBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'list-approvals',
    description: "Agent API: approvals waiting for the caller's approver groups (index), or one approval",
    entry: 'functions/list-approvals/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/approvals',
        auth: 'jwt',
        access: { roles: READERS, action: 'reading approvals', scope: OWN },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/approvals/{approvalId}',
        auth: 'jwt',
        access: { roles: READERS, action: 'reading an approval', scope: OWN },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'decide-approval',
    description:
      'Agent API: approve or reject with a reason (separation of duties), then hand the decision to the waiting workflow',
    entry: 'functions/decide-approval/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/approvals/{approvalId}/decision',
        auth: 'jwt',
        access: { roles: ['approver'], action: 'deciding an approval' },
        contract: { body: DecisionBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write', 'approvals:callback'],
  },
  {
    name: 'start-approval',
    description: 'Starts the approval workflow for a requested approval, once (execution named after it)',
    entry: 'functions/start-approval/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [{ kind: 'queue', queue: 'approvals', batchSize: 10 }],
    env: { ...common, APPROVAL_WORKFLOW_ARN: { ref: 'stateMachine.approval' } },
    grants: ['table:read', 'approvals:start'],
  },
  {
    name: 'track-approval',
    description:
      "Approval workflow's steps: keep the task token, remind, expire as the policy says, say what to announce",
    entry: 'functions/track-approval/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 20,
    triggers: [{ kind: 'state-machine-task', stateMachine: 'approval' }],
    env: common,
    grants: ['table:read', 'table:write', 'approvals:callback'],
  },
  {
    name: 'apply-integrations',
    description:
      'Matches events from other systems to integration rules: tag/update the account, open a proactive ticket, mail, link (idempotent)',
    entry: 'functions/apply-integrations/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'integrations', batchSize: 10 }],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'receive-event',
    description:
      'Signed webhook for other systems: validate an external event against its schema, put it on the bus',
    entry: 'functions/receive-event/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/events/{source}',
        auth: 'none',
        publicBecause: PUBLIC.signedWebhook,
      },
    ],
    env: common,
    grants: ['bus:put', 'secrets:webhooks'],
  },
  {
    name: 'get-caller',
    description: 'Agent API: who the caller is, their roles and the queues they work',
    entry: 'functions/get-caller/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/me',
        auth: 'jwt',
        access: { roles: READERS, action: 'reading who you are' },
      },
    ],
    env: { POWERTOOLS_SERVICE_NAME: 'frontdoor' },
    grants: [],
  },
  // ---- automatic assignment (issue 17) ----
  {
    name: 'manage-agent',
    description:
      "Agent API: the caller's availability and skills (away hands tickets back, available serves the queues), and the roster for leads",
    entry: 'functions/manage-agent/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 15,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/agents/me',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'reading your availability and skills' },
      },
      {
        kind: 'http',
        method: 'PUT',
        path: '/v1/agents/me',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'setting your availability and skills' },
        contract: { body: AgentProfileBody },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/agents',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'reading the agent roster' },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'assign-tickets',
    description:
      'Automatic assignment: a ticket entering a queue that assigns gets an agent (strategy, skills, capacity); a freed place serves the waiting',
    entry: 'functions/assign-tickets/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    triggers: [{ kind: 'queue', queue: 'assignments', batchSize: 10 }],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'list-queues',
    description:
      "Agent API: the caller's queues with counts and SLA risk, and one queue's tickets (queue index)",
    entry: 'functions/list-queues/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/queues',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading queue counts' },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/queues/{queue}/tickets',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading a queue', scope: OWN },
        contract: { query: QueueViewQuery },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'add-message',
    description: 'Agent API: a public reply (mailed to the requester) or an internal note (If-Match)',
    entry: 'functions/add-message/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/messages',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'replying or adding a note', scope: OWN },
        contract: { body: MessageBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'assign-ticket',
    description: 'Agent API: take, release or (leads) reassign a ticket (If-Match)',
    entry: 'functions/assign-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/assign',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'assigning a ticket', scope: OWN },
        contract: { body: AssignBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'update-ticket',
    description: "Agent API: change a ticket's priority, tags or fields (If-Match)",
    entry: 'functions/update-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'PATCH',
        path: '/v1/tickets/{id}',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'changing priority, tags or fields', scope: OWN },
        contract: { body: UpdateBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'merge-ticket',
    description: 'Agent API (leads): close a duplicate into the ticket that stays, both linked (If-Match)',
    entry: 'functions/merge-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/merge',
        auth: 'jwt',
        access: { roles: ['lead'], action: 'merging duplicate tickets', scope: OWN },
        contract: { body: MergeBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  // ---- macros and bulk actions (issue 17) ----
  {
    name: 'list-macros',
    description: "Agent API: the team's macros (reply and actions) with how often each was applied",
    entry: 'functions/list-macros/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/macros',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading the macros' },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'apply-macro',
    description:
      'Agent API: preview a macro on a ticket (nothing written), or apply it: reply and actions in one write (If-Match)',
    entry: 'functions/apply-macro/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/macros/{macroId}/preview',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'previewing a macro', scope: OWN },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/macros/{macroId}',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'applying a macro', scope: OWN },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'bulk-tickets',
    description:
      'Agent API: assign, tag or transition a selection of tickets, each its own write, each answered applied or refused',
    entry: 'functions/bulk-tickets/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 28,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/bulk',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'acting on a selection of tickets', scope: OWN },
        contract: { body: BulkBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  // Incidents (issue 17): declared by leads, tickets linked by hand or at intake; updates and the
  // resolution reach the linked tickets through the notifications queue (send-notification).
  {
    name: 'declare-incident',
    description: 'Agent API (leads): turn a ticket into an incident (If-Match), or open one for a selection',
    entry: 'functions/declare-incident/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 29,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/tickets/{id}/incident',
        auth: 'jwt',
        access: { roles: ['lead'], action: 'declaring an incident', scope: OWN },
        contract: { body: DeclareIncidentBody },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/incidents',
        auth: 'jwt',
        access: { roles: ['lead'], action: 'declaring an incident' },
        contract: { body: OpenIncidentBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'link-incident-tickets',
    description: 'Agent API: link tickets to an incident or unlink them, one result per ticket',
    entry: 'functions/link-incident-tickets/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 29,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/incidents/{id}/links',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'linking tickets to an incident', scope: OWN },
        contract: { body: IncidentTicketsBody },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/incidents/{id}/unlink',
        auth: 'jwt',
        access: { roles: WORKERS, action: 'unlinking tickets from an incident', scope: OWN },
        contract: { body: IncidentTicketsBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'get-incident',
    description:
      'Agent API: the open incidents, and one incident with its linked tickets, updates and measures',
    entry: 'functions/get-incident/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/incidents',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading incidents' },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/incidents/{id}',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading an incident', scope: OWN },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  // Knowledge base on the ticket (issue 18): the articles to suggest for its text, with help-centre links.
  {
    name: 'suggest-ticket-articles',
    description:
      "Agent API: the external and internal articles the knowledge base suggests for a ticket's text",
    entry: 'functions/suggest-ticket-articles/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/tickets/{id}/kb-suggestions',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading article suggestions', scope: OWN },
      },
    ],
    env: { ...common, ...publicUrl },
    grants: ['table:read'],
  },
  {
    name: 'describe-api',
    description: 'The API described: OpenAPI 3.1 generated from the zod schemas the handlers validate with',
    entry: 'functions/describe-api/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/openapi.json',
        auth: 'none',
        publicBecause: PUBLIC.apiDescription,
      },
    ],
    env: { POWERTOOLS_SERVICE_NAME: 'frontdoor' },
    grants: [],
  },
  {
    name: 'project-metrics',
    description:
      'Flow metrics from the table stream: per day × queue × request type aggregates and KB-gap drivers (idempotent)',
    entry: 'functions/project-metrics/handler.ts',
    // From measurement (npm run cost, shared/metrics/memory-sizing.ts): mostly waiting, was 512.
    memoryMb: 256,
    timeoutSeconds: 60,
    triggers: [
      {
        kind: 'table-stream',
        batchSize: 100,
        entities: ['ticket', 'approval', 'audit', 'deflection', 'article-view'],
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'publish-events',
    description:
      'The transactional outbox: events committed with ticket changes, from the table stream onto the bus (at least once, stable eventId)',
    entry: 'functions/publish-events/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    // Only new outbox items reach it (the stream filter); TTL deletions of old ones carry no new image.
    triggers: [{ kind: 'table-stream', batchSize: 100, entities: ['outbox'] }],
    env: { EVENT_BUS_NAME: { ref: 'bus.name' }, POWERTOOLS_SERVICE_NAME: 'frontdoor' },
    grants: ['bus:put'],
  },
  {
    name: 'read-metrics',
    description:
      'Agent API (leads): flow metrics over a date range and the KB-gap signal (metric items, never a Scan)',
    entry: 'functions/read-metrics/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/metrics/flow',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'reading flow metrics' },
        contract: { query: FlowQuery },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/metrics/kb-gaps',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'reading the KB-gap signal' },
        contract: { query: KbGapsQuery },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/metrics/cost',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'reading the cost per ticket' },
      },
    ],
    env: common,
    grants: ['table:read'],
  },
  {
    name: 'submit-csat',
    description: 'CSAT survey link of the resolution mail: the rating, once per resolution',
    entry: 'functions/submit-csat/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/csat/{token}',
        auth: 'none',
        publicBecause: PUBLIC.csatLink,
      },
    ],
    env: { ...common, LINK_SECRET_NAME: { ref: 'secret.links' } },
    grants: ['table:read', 'table:write', 'secrets:links'],
  },
  {
    name: 'show-csat-survey',
    description:
      'CSAT survey link of the resolution mail: the confirmation page with the linked score preselected (records nothing)',
    entry: 'functions/show-csat-survey/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      { kind: 'http', method: 'GET', path: '/csat/{token}', auth: 'none', publicBecause: PUBLIC.csatLink },
    ],
    env: linkPageEnv,
    grants: ['table:read', 'secrets:links'],
  },
  {
    name: 'confirm-resolution',
    description:
      '“Yes, it’s solved” / “No, still a problem” links of the resolution mail: the answer, once per resolution (closes or reopens)',
    entry: 'functions/confirm-resolution/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/resolution/{token}',
        auth: 'none',
        publicBecause: PUBLIC.resolutionLink,
      },
    ],
    env: { ...common, LINK_SECRET_NAME: { ref: 'secret.links' } },
    grants: ['table:read', 'table:write', 'secrets:links'],
  },
  {
    name: 'show-resolution-question',
    description:
      '“Yes, it’s solved” / “No, still a problem” links of the resolution mail: the question page with the linked answer preselected (records nothing)',
    entry: 'functions/show-resolution-question/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/resolution/{token}',
        auth: 'none',
        publicBecause: PUBLIC.resolutionLink,
      },
    ],
    env: linkPageEnv,
    grants: ['table:read', 'secrets:links'],
  },
  // ---- Tier 0 deflection (issue 18): the form's "This answered my question", the acknowledgement's
  // "this solved it" links (GET shows, POST records) ----
  {
    name: 'record-deflection',
    description:
      'Hosted form: "This answered my question" records a deflection (query, article, request type); nothing is filed',
    entry: 'functions/record-deflection/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/kb/deflections',
        auth: 'none',
        publicBecause: PUBLIC.deflection,
        contract: { body: DeflectionBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'show-article-solved',
    description:
      'The "this solved it" link of an acknowledgement: a page with the article and a button (records nothing)',
    entry: 'functions/show-article-solved/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/kb/solved/{token}',
        auth: 'none',
        publicBecause: PUBLIC.solvedLink,
      },
    ],
    env: linkPageEnv,
    grants: ['table:read', 'secrets:links'],
  },
  {
    name: 'solve-with-article',
    description:
      'The button of a "this solved it" page: records it once and resolves the open ticket as self-served',
    entry: 'functions/solve-with-article/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/kb/solved/{token}',
        auth: 'none',
        publicBecause: PUBLIC.solvedLink,
      },
    ],
    env: { ...common, LINK_SECRET_NAME: { ref: 'secret.links' } },
    grants: ['table:read', 'table:write', 'secrets:links'],
  },
  // ---- knowledge base (issue 18): articles, search, the help centre ----
  {
    name: 'read-kb',
    description:
      'Knowledge base reads: public search and help centre (published external articles, throttled), agent search and articles',
    entry: 'functions/read-kb/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/kb/search',
        auth: 'none',
        publicBecause: PUBLIC.knowledgeBase,
        contract: { query: KbSearchQuery },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/kb/internal-search',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'searching the internal knowledge base' },
        contract: { query: KbSearchQuery },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/kb/articles',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading the knowledge base' },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/v1/kb/articles/{slug}',
        auth: 'jwt',
        access: { roles: ['agent', 'lead', 'admin'], action: 'reading an article' },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/help',
        auth: 'none',
        publicBecause: PUBLIC.knowledgeBase,
        contract: { query: HelpQuery },
      },
      {
        kind: 'http',
        method: 'GET',
        path: '/help/{slug}',
        auth: 'none',
        publicBecause: PUBLIC.knowledgeBase,
      },
    ],
    env: common,
    // table:write: the help centre counts an article's views (issue 18, deflection metrics).
    grants: ['table:read', 'table:write'],
  },
  {
    name: 'write-article',
    description:
      'Knowledge base authoring (leads, admins): create or update an article (If-Match), preview Markdown',
    entry: 'functions/write-article/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [
      {
        kind: 'http',
        method: 'PUT',
        path: '/v1/kb/articles/{slug}',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'writing an article' },
        contract: { body: ArticleBody },
      },
      {
        kind: 'http',
        method: 'POST',
        path: '/v1/kb/preview',
        auth: 'jwt',
        access: { roles: ['lead', 'admin'], action: 'previewing an article' },
        contract: { body: ArticlePreviewBody },
      },
    ],
    env: common,
    grants: ['table:read', 'table:write'],
  },
];

/** Every HTTP route in the topology, for the API (CDK) and the local gateway. */
export function httpRoutes(): Array<{ fn: FunctionSpec; trigger: HttpTrigger }> {
  return functions.flatMap((fn) =>
    fn.triggers.filter((t): t is HttpTrigger => t.kind === 'http').map((trigger) => ({ fn, trigger })),
  );
}

/** Every queue consumer in the topology, for SQS event sources (CDK) and the local queues. */
export function queueConsumers(): Array<{ fn: FunctionSpec; trigger: QueueTrigger; queue: QueueSpec }> {
  return functions.flatMap((fn) =>
    fn.triggers
      .filter((t): t is QueueTrigger => t.kind === 'queue')
      .map((trigger) => {
        const queue = queues.find((q) => q.name === trigger.queue);
        if (!queue) throw new Error(`${fn.name} consumes unknown queue "${trigger.queue}"`);
        return { fn, trigger, queue };
      }),
  );
}

/** Every table-stream consumer in the topology, for the DynamoDB event sources (CDK) and the local poller. */
export function tableStreamConsumers(): Array<{ fn: FunctionSpec; trigger: TableStreamTrigger }> {
  return functions.flatMap((fn) =>
    fn.triggers
      .filter((t): t is TableStreamTrigger => t.kind === 'table-stream')
      .map((trigger) => ({ fn, trigger })),
  );
}

/** The function receiving mail to the support address. */
export function inboundMailConsumer(): FunctionSpec | undefined {
  return functions.find((fn) => fn.triggers.some((t) => t.kind === 'inbound-mail'));
}

/** Every event rule in the topology, for EventBridge rules (CDK) and the in-process bus. */
export function eventRules(): Array<{ fn: FunctionSpec; trigger: EventTrigger }> {
  return functions.flatMap((fn) =>
    fn.triggers.filter((t): t is EventTrigger => t.kind === 'event').map((trigger) => ({ fn, trigger })),
  );
}

/** Name of the bus in AWS (prefixed per stage) and locally. */
export const EVENT_BUS_BASENAME = 'frontdoor';

/** The functions a state machine's Task states invoke, by substitution name. */
export function stateMachineFunctions(
  spec: StateMachineSpec,
): Array<{ placeholder: string; fn: FunctionSpec }> {
  return Object.entries(spec.substitutions).map(([placeholder, value]) => {
    const fn = functions.find((f) => f.name === value.function);
    if (!fn)
      throw new Error(
        `state machine ${spec.name}: unknown function "${value.function}" for \${${placeholder}}`,
      );
    return { placeholder, fn };
  });
}
