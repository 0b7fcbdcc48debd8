/**
 * The agent API's shapes as this UI reads them, derived from the server's own schemas and domain types
 * (shared/domain, shared/http): a change there that breaks a screen fails `tsc -p ui/tsconfig.json`. Every
 * import from shared is `import type`, which vite erases, so the bundle holds nothing of shared or of zod.
 * An answer a handler assembles without a schema is spelled out below its derived parts, saying why; fields
 * older servers may not send yet stay optional.
 */
import type { Macro as ConfigMacro } from '../../shared/config/macros';
import type {
  AgentView,
  ApprovalKind,
  AuditEvent,
  Availability,
  agingBuckets,
  Approval as DomainApproval,
  flowNumbers,
  Message,
  PlannedAction,
  Priority,
  Ticket,
  TicketSlaTarget,
  TicketState,
  totals,
} from '../../shared/domain';
import type { Article, ArticleInputSchema } from '../../shared/domain/articles';
import type { Issue } from '../../shared/domain/errors';
import type { IntentEvaluation } from '../../shared/domain/intent-types';
import type { MacroChange } from '../../shared/domain/macros';
import type { ErasureAudit, ErasureJob } from '../../shared/domain/privacy-erasure';
import type { ExportJob } from '../../shared/domain/privacy-export';
import type * as z from '../../shared/domain/zod';
import type {
  ApprovalBody,
  AssignBody,
  BulkBody,
  DecisionBody,
  DeclareIncidentBody,
  EscalateBody,
  HandoffBody,
  IncidentTicketsBody,
  MergeBody,
  MessageBody,
  OpenIncidentBody,
  TransitionBody,
  UpdateBody,
} from '../../shared/http/contracts';
import type { CostReport as PriceReport } from '../../shared/metrics/pricing';
import type { Role } from '../../shared/topology';
import type { ArticleHit } from '../../shared/use-cases/ports/articles';

// ---------------------------------------------------------------------------------------------------------
// Derived from the schemas (shared/domain's zod schemas, as `z.infer`) and the topology.

/** A ticket (TicketSchema) as `GET /v1/tickets/{id}` and the ticket lists send it; a message, likewise. */
/** A support role, from the caller's groups (the topology's `ROLES`, which the access table reads). */
export type { ApprovalKind, Message, Priority, Role, Ticket, TicketState };
export type SlaTarget = TicketSlaTarget;
export type AuditEntry = AuditEvent;
/**
 * An approval as the API shows it: never its workflow's task token (shared/http/approvals.ts
 * `publicApproval`); the inbox adds `mayDecide`.
 */
export type Approval = Omit<DomainApproval, 'taskToken'> & { mayDecide?: boolean };
/** Something the ticket's clock will do on its own (issue 14): `{ action, at, since, round? }`. */
export type UpcomingAction = PlannedAction;

/**
 * What each write to a ticket sends, as its route's contract validates it (shared/http/contracts.ts), by
 * the path after `/v1/tickets/{id}`: `''` is `PATCH /v1/tickets/{id}`, the rest are POSTs.
 */
export interface TicketWrites {
  '': z.input<typeof UpdateBody>;
  transition: z.input<typeof TransitionBody>;
  messages: z.input<typeof MessageBody>;
  assign: z.input<typeof AssignBody>;
  handoff: z.input<typeof HandoffBody>;
  escalate: z.input<typeof EscalateBody>;
  /** The route has no contract: it takes an empty body. */
  'escalation/acknowledge': Record<string, never>;
  merge: z.input<typeof MergeBody>;
  approvals: z.input<typeof ApprovalBody>;
  /** Leads turn the ticket into an incident (issue 17). */
  incident: z.input<typeof DeclareIncidentBody>;
}
/** `POST /v1/approvals/{approvalId}/decision`. */
export type Decision = z.input<typeof DecisionBody>;

/**
 * `list` as it is, once it names every member of `T`: the UI needs the values at run time (selects, filters),
 * in its own order, and a value the schema gains without the list fails to compile here.
 */
const everyOf =
  <T extends string>() =>
  <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> }),
  ): L =>
    list;

export const STATES = everyOf<TicketState>()([
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
  'resolved',
  'closed',
]);
export const OPEN_STATES = [
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
] as const satisfies readonly TicketState[];
/** Most pressing first, as the selects list them. */
export const PRIORITIES = everyOf<Priority>()(['urgent', 'high', 'normal', 'low']);
export const APPROVAL_KINDS = everyOf<ApprovalKind>()([
  'credit',
  'refund',
  'cancellation',
  'access',
  'data_change',
]);

// ---------------------------------------------------------------------------------------------------------
// Answers assembled by a handler or a use case, with no schema of their own: the envelope is spelled out,
// its contents are the derived types. (The use cases' inferred return types cannot serve: shared/use-cases
// uses Node's Buffer, which this DOM-only project does not load.)

/**
 * `GET /v1/tickets/{id}` (functions/get-ticket; the OpenAPI document describes it by hand too). The states
 * this ticket may move to now (`transitions`), and what its clock will do next, soonest first (`upcoming`).
 */
export interface TicketView {
  ticket: Ticket;
  messages: Message[];
  audit: AuditEntry[];
  approvals?: Approval[];
  transitions?: TicketState[];
  upcoming?: UpcomingAction[];
}

/** `GET /v1/queues/{queue}/tickets` and `GET /v1/tickets` (shared/use-cases/queues.ts, search). */
export interface TicketPage {
  tickets: Ticket[];
  cursor?: string;
}

/** `GET /v1/me` (functions/get-caller): who the token says the caller is. */
export interface Me {
  email: string;
  name?: string;
  groups: string[];
  roles: Role[];
  queues: string[] | 'all';
  /** Every queue (handoff targets), whoever works it. */
  allQueues?: Array<{ id: string; name: string; tier: number }>;
}

/** One queue of `GET /v1/queues` (shared/use-cases/queues.ts `queueOverview`). */
export interface QueueSummary {
  id: string;
  name: string;
  tier: number;
  counts: Partial<Record<TicketState, number>>;
  open: number;
  slaRisk: { warning: number; breached: number };
}

/**
 * Every error body the API sends (shared/http/errors.ts builds them from HttpError's code, message and
 * extras; the OpenAPI document's `Error` schema is written by hand there too).
 */
export interface ErrorBody {
  error?: string;
  message?: string;
  rule?: string;
  guard?: string;
  currentVersion?: number;
  issues?: Issue[];
}

// ---------------------------------------------------------------------------------------------------------
// Issue 17: availability, macros, bulk actions, incidents. Bodies are the routes' contracts; answers that
// handlers assemble are spelled out (their parts derived), as above.

export type { AgentView, Availability, MacroChange };
/** `POST /v1/tickets/bulk`. */
export type BulkRequest = z.input<typeof BulkBody>;
/** `POST /v1/incidents` (a new incident for a selection) and `POST /v1/incidents/{id}/links` / `unlink`. */
export type OpenIncident = z.input<typeof OpenIncidentBody>;
export type IncidentTickets = z.input<typeof IncidentTicketsBody>;

/**
 * `GET /v1/agents/me` answers `{ agent: AgentView }`; `PUT /v1/agents/me` the profile after the change and
 * the tickets handed back (away) or assigned (available) because of it.
 */
export interface ProfileChanged {
  agent: AgentView;
  handedBack: string[];
  assigned: Array<{ ticketId: string; reference: string; queue: string; agent: string; strategy: string }>;
}

/** One macro of `GET /v1/macros`: the config's macro, its id and how often it was applied. */
export type MacroSummary = ConfigMacro & { id: string; uses: number };
/** A macro's reply as it would be written (placeholders filled). */
export interface MacroReply {
  visibility: 'public' | 'internal';
  body: string;
}
/** `POST /v1/tickets/{id}/macros/{macroId}/preview`: what applying it now would do, or why it would be refused. */
export interface MacroPreview {
  macro: string;
  version: number;
  reply?: MacroReply;
  changes: MacroChange[];
  refusal?: { rule: string; action: string; message: string };
}
/** `POST /v1/tickets/{id}/macros/{macroId}` (If-Match): the ticket after the one write. */
export interface MacroApplied {
  ticket: Ticket;
  macro: string;
  reply?: MacroReply;
  changes: MacroChange[];
}

/** One ticket's result of a bulk action (shared/use-cases/bulk-actions.ts `BulkOutcome`). */
export interface BulkResult {
  ticket: string;
  outcome: 'applied' | 'refused';
  reference?: string;
  version?: number;
  rule?: string;
  message?: string;
}

/** One ticket's result of linking, unlinking or opening an incident (shared/use-cases/incident-links.ts). */
export interface LinkResult {
  ticket: string;
  outcome: 'linked' | 'already_linked' | 'unlinked' | 'not_linked' | 'refused' | 'not_found';
  ticketId?: string;
  reference?: string;
  rule?: string;
  message?: string;
}

/** `GET /v1/incidents` (shared/use-cases/incident-view.ts `IncidentListEntry`). */
export interface IncidentSummary {
  ticketId: string;
  reference: string;
  title: string;
  state: TicketState;
  queue: string;
  linkedTickets: number;
  declaredAt: string | null;
}

/** `GET /v1/incidents/{id}` (shared/use-cases/incident-view.ts `IncidentView`). */
export interface IncidentView {
  incident: Ticket;
  linked: Array<{
    ticketId: string;
    reference: string;
    state: TicketState | null;
    subject?: string;
    requester?: string;
    accountId?: string;
    linkedAt: string;
  }>;
  accounts: Array<{ id: string; tickets: number }>;
  updates: Array<{ messageId: string; at: string; author?: string; body: string }>;
  metrics: {
    linkedTickets: number;
    openLinkedTickets: number;
    firstUpdateAt: string | null;
    minutesToFirstUpdate: number | null;
  };
}

// ---------------------------------------------------------------------------------------------------------
// The metrics dashboard's answers, assembled by shared/use-cases/metrics.ts (as above): the envelopes are
// spelled out, their numbers derived from the domain functions that compute them (shared/domain/metrics.ts).

/** One day of `GET /v1/metrics/flow`. */
export type DayMetrics = { day: string } & ReturnType<typeof flowNumbers>;

/** `GET /v1/metrics/flow?from=&to=&queue=&requestType=`: per day, range totals, the backlog now, top drivers. */
export interface FlowMetrics {
  from: string;
  to: string;
  queue?: string;
  requestType?: string;
  days: DayMetrics[];
  totals: ReturnType<typeof totals>;
  backlog: {
    open: number;
    byState: Record<string, number>;
    aging: ReturnType<typeof agingBuckets>;
    byQueue: Record<string, number>;
  };
  drivers: Array<{ driver: string; requestType: string; label: string; count: number }>;
}

/** `GET /v1/metrics/kb-gaps?days=&threshold=`: drivers seen more than `threshold` times in the window. */
export interface KbGaps {
  windowDays: number;
  threshold: number;
  gaps: Array<{
    driver: string;
    requestType: string;
    label: string;
    count: number;
    examples: Array<{ ticketId: string; reference: string; subject: string }>;
  }>;
}

/**
 * `GET /v1/metrics/cost`, where the deployment measures it (shared/use-cases/cost-report.ts): dollars per
 * 1,000 lifecycles as shared/metrics/pricing.ts prices them.
 */
export interface CostReport {
  measuredAt?: string;
  /** What one measured lifecycle was, in words. */
  lifecycle?: string;
  lifecycles?: number;
  region?: string;
  pricesAsOf?: string;
  currency?: string;
  perThousandLifecycles: Pick<PriceReport['perThousandLifecycles'], 'total' | 'byService'>;
}

// ---------------------------------------------------------------------------------------------------------
// Not the API's.

/** `/app/config.json`: written by the local runtime, or by the deployment (infra) next to the bundle in S3. */
export type AppConfig = {
  apiBaseUrl: string;
  auth:
    | { mode: 'dev'; users: Array<{ email: string; name: string; groups: string[] }> }
    | {
        mode: 'cognito';
        domain: string;
        clientId: string;
        redirectUri: string;
        logoutUri: string;
        scopes: string[];
      };
};

// ---------------------------------------------------------------------------------------------------------
// Issue 18: the knowledge base. An article is shared/domain/articles.ts's schema, for writing and reading.

/** An article as `GET /v1/kb/articles[/{slug}]` sends it (the one article with its sanitised `html`). */
export type { Article, ArticleHit };
/** What a lead writes: the `PUT /v1/kb/articles/{slug}` body and the slug it goes to. */
export type ArticleDraft = Required<z.input<typeof ArticleInputSchema>> & { slug: string };
/** `GET /v1/tickets/{id}/kb-suggestions`: hits for the ticket's text, external ones with their help-centre link. */
export interface KbSuggestions {
  external: Array<ArticleHit & { url: string }>;
  internal: ArticleHit[];
}

// ---------------------------------------------------------------------------------------------------------
// Issue 19: the predicted intent and the agents' labels that teach the model.

/** One of the model's best guesses. */
export interface IntentScore {
  name: string;
  /** 0..1, calibrated: 0.9 should be right about 90 % of the time. */
  confidence: number;
}
/** Who confirmed (`name` is the prediction's) or corrected (another name) the intent, and when. */
export interface IntentLabel {
  name: string;
  by: string;
  at: string;
}
/**
 * A ticket's predicted intent as `GET /v1/tickets/{id}` sends it (absent when no model existed at intake):
 * the best guess, up to three guesses best first, the model that made them, and the agent's label once given.
 */
export interface TicketIntent extends IntentScore {
  top: IntentScore[];
  modelVersion: string;
  label?: IntentLabel;
}
/** `PUT /v1/tickets/{id}/intent`: the intent the agent confirms or corrects it to. */
export interface IntentLabelBody {
  intent: string;
}

/**
 * How well the predictions match, on held-out training data or against the agents' labels
 * (shared/domain's `evaluateIntents`): accuracy, macro-F1, coverage at 95 % precision, per intent.
 */
export type IntentQualityFigures = IntentEvaluation;
/** Precision and recall of one intent over `support` items (those whose actual intent it is). */
export type IntentFigures = IntentEvaluation['perIntent'][number];
/**
 * `GET /v1/intent` (leads, admins): the model in use (none until one is trained), the confidence rules and
 * intake act on, how many labels agents gave, and how the predictions fare against those labels (`quality`).
 */
export interface IntentStatus {
  model: null | {
    version: string;
    trainedAt: string;
    examples: number;
    intents: string[];
    evaluation?: IntentQualityFigures;
  };
  minConfidence: number;
  labels: number;
  quality: IntentQualityFigures | null;
}

// ---- a requester's data (issue 22): the admin API's answers (shared/use-cases/privacy-*.ts assemble them) ----
export type ExportView = Omit<ExportJob, 'files' | 'startedAt'> & {
  /** Once done: a 15-minute download link per file. */
  files?: Array<{ name: string; url: string; expiresAt: string; size: number }>;
};
export type ErasureView = Omit<ErasureJob, 'startedAt'> & { audit: ErasureAudit[] };
export interface ErasureRequested {
  erasureId: string;
  reference: string;
  state: 'awaiting_approval';
  approvalId: string;
  tickets: number;
}
