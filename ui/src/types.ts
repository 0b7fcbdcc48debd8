/**
 * The agent API's shapes as this UI reads them (README "Agent API"; the server's zod schemas are the
 * truth, these are the parts the screens use). Optional where older servers may not send a field yet.
 */

export const STATES = [
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
  'resolved',
  'closed',
] as const;
export type TicketState = (typeof STATES)[number];
export const OPEN_STATES = [
  'new',
  'needs_info',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_team',
] as const;

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type Role = 'agent' | 'lead' | 'approver' | 'admin';

export interface Me {
  email: string;
  name?: string;
  groups: string[];
  roles: Role[];
  queues: string[] | 'all';
  /** Every queue (handoff targets), whoever works it. */
  allQueues?: Array<{ id: string; name: string; tier: number }>;
}

export interface QueueSummary {
  id: string;
  name: string;
  tier: number;
  counts: Partial<Record<TicketState, number>>;
  open: number;
  slaRisk: { warning: number; breached: number };
}

export interface SlaTarget {
  target: 'firstResponse' | 'nextResponse' | 'resolution';
  status: 'running' | 'paused' | 'met' | 'breached' | 'warning';
  dueAt: string | null;
  warnAt: string | null;
  breachedAt?: string;
  metAt?: string;
}

export interface Ticket {
  id: string;
  reference: string;
  subject: string;
  state: TicketState;
  priority: Priority;
  queue: string;
  assignee: string | null;
  tags: string[];
  requestType: string;
  fields: Record<string, string>;
  missingFields: string[];
  requester: { email: string; name?: string };
  account?: { id: string; tier?: string; status?: string; name?: string; segment?: string };
  blockedOn: 'customer' | 'team' | 'approval' | null;
  pendingApprovals?: string[];
  links?: Array<{ ticketId: string; reference: string; relation: string }>;
  sla?: { policy: string; targets: SlaTarget[] };
  escalation?: {
    path: string;
    step: number;
    queue: string;
    tier: number;
    acknowledgeBy: string | null;
    acknowledgedBy?: string;
  };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  visibility: 'public' | 'internal';
  author: { kind: string; email?: string; name?: string };
  body: string;
  subject?: string;
  to?: string[];
  createdAt: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: { kind: string; id: string };
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason?: string;
}

export const APPROVAL_KINDS = ['credit', 'refund', 'cancellation', 'access', 'data_change'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export interface Approval {
  id: string;
  ticketId: string;
  reference: string;
  kind: ApprovalKind;
  policy: string;
  group: string;
  amount?: { value: number; currency: string };
  summary: string;
  requestedBy: string;
  requestedAt: string;
  approvalsRequired: number;
  votes: Array<{ by: string; decision: 'approve' | 'reject'; reason: string; at: string }>;
  state: 'pending' | 'approved' | 'rejected' | 'expired' | 'not_required';
  expireAt: string | null;
  decidedAt?: string;
  reason?: string;
  mayDecide?: boolean;
}

/** Something the ticket's clock will do on its own (issue 14). */
export interface UpcomingAction {
  action:
    | 'reminder'
    | 'status_update'
    | 'team_nudge'
    | 'follow_up'
    | 'auto_resolved'
    | 'auto_closed'
    | 'idle';
  /** When it is due (it may already be, if the clock has not woken yet). */
  at: string;
  /** The start of the wait it belongs to. */
  since: string;
  round?: number;
}

export interface TicketView {
  ticket: Ticket;
  messages: Message[];
  audit: AuditEntry[];
  approvals?: Approval[];
  /** The states this ticket may move to now. */
  transitions?: TicketState[];
  /** What the ticket's clock will do next on its own, soonest first. */
  upcoming?: UpcomingAction[];
}

export interface TicketPage {
  tickets: Ticket[];
  cursor?: string;
}

/** Every error body the API sends: `{ error, message, rule?, currentVersion?, issues? }`. */
export interface ErrorBody {
  error?: string;
  message?: string;
  rule?: string;
  guard?: string;
  currentVersion?: number;
  issues?: Array<{ path: string; message: string }>;
}

/** `/app/config.json`: written by the local runtime, or by the deployment next to the bundle in S3. */
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
