import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { queueRefusal, type ScopeRefusal, type TicketScope, worksQueue } from '../domain/ticket-scope';
import { type Caller, callerFrom } from './auth';
import { HttpError } from './errors';

/**
 * Who may call which agent-API route: ONE table, read by every handler (`authorize`), by the RBAC test
 * (every route × role) and by the OpenAPI document. Roles are Cognito groups in AWS and the dev users'
 * groups locally: `agent` (own queues: the `queue-<id>` groups), `lead` (all queues, reassign, merge,
 * metrics), `approver` (any `approver-<group>`), `admin` (accounts, config).
 *
 * Rows with `scope: 'own-queues'` are also scoped per ticket (queue isolation, `shared/domain/ticket-scope.ts`):
 * an agent reads and changes only tickets of their queues (403 rule `own-queues`; searches leave the others
 * out instead of refusing), leads and admins all, an approver reads only the tickets an approval of their
 * group is about (403 rule `approver-tickets`).
 */
export const ROLES = ['agent', 'lead', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface RouteAccess {
  readonly roles: readonly Role[];
  /** What the route does, in the words a 403 uses. */
  readonly action: string;
  /** The ticket's queue decides too (see above); checked by the use case once it has read the ticket. */
  readonly scope?: 'own-queues';
}

const READERS: readonly Role[] = ['agent', 'lead', 'approver', 'admin'];
const WORKERS: readonly Role[] = ['agent', 'lead'];
const OWN = 'own-queues' as const;

export const routeAccess = {
  'GET /v1/me': { roles: READERS, action: 'reading who you are' },
  'GET /v1/queues': { roles: ['agent', 'lead', 'admin'], action: 'reading queue counts' },
  'GET /v1/queues/{queue}/tickets': {
    roles: ['agent', 'lead', 'admin'],
    action: 'reading a queue',
    scope: OWN,
  },
  'GET /v1/tickets': { roles: ['agent', 'lead', 'admin'], action: 'searching tickets', scope: OWN },
  'GET /v1/tickets/{id}': { roles: READERS, action: 'reading a ticket', scope: OWN },
  'POST /v1/tickets/{id}/messages': { roles: WORKERS, action: 'replying or adding a note', scope: OWN },
  'POST /v1/tickets/{id}/assign': { roles: WORKERS, action: 'assigning a ticket', scope: OWN },
  'PATCH /v1/tickets/{id}': { roles: WORKERS, action: 'changing priority, tags or fields', scope: OWN },
  'POST /v1/tickets/{id}/transition': {
    roles: WORKERS,
    action: 'moving a ticket to another state',
    scope: OWN,
  },
  'POST /v1/tickets/{id}/handoff': { roles: WORKERS, action: 'handing a ticket off', scope: OWN },
  'POST /v1/tickets/{id}/escalate': { roles: WORKERS, action: 'escalating a ticket', scope: OWN },
  'POST /v1/tickets/{id}/escalation/acknowledge': {
    roles: WORKERS,
    action: 'acknowledging an escalation',
    scope: OWN,
  },
  'POST /v1/tickets/{id}/merge': { roles: ['lead'], action: 'merging duplicate tickets', scope: OWN },
  'POST /v1/tickets/{id}/approvals': { roles: WORKERS, action: 'asking for an approval', scope: OWN },
  'GET /v1/approvals': { roles: READERS, action: 'reading approvals', scope: OWN },
  'GET /v1/approvals/{approvalId}': { roles: READERS, action: 'reading an approval', scope: OWN },
  'POST /v1/approvals/{approvalId}/decision': { roles: ['approver'], action: 'deciding an approval' },
  'GET /v1/accounts/{id}': { roles: READERS, action: 'reading an account' },
  'PUT /v1/accounts/{id}': { roles: ['admin'], action: 'changing accounts' },
  'GET /v1/mail/log': { roles: ['agent', 'lead', 'admin'], action: 'reading the mail log' },
  'GET /v1/metrics/flow': { roles: ['lead', 'admin'], action: 'reading flow metrics' },
  'GET /v1/metrics/kb-gaps': { roles: ['lead', 'admin'], action: 'reading the KB-gap signal' },
  'GET /v1/metrics/cost': { roles: ['lead', 'admin'], action: 'reading the cost per ticket' },
} as const satisfies Record<string, RouteAccess>;
export type RouteKey = keyof typeof routeAccess;

/** The roles a caller's groups give. */
export function rolesOf(caller: Pick<Caller, 'groups'>): Role[] {
  return ROLES.filter((role) =>
    role === 'approver' ? caller.groups.some((g) => g.startsWith('approver-')) : caller.groups.includes(role),
  );
}

/** The queues an agent works (`queue-<id>` groups); leads and admins see every queue. */
export function queuesOf(caller: Pick<Caller, 'groups'>): readonly string[] | 'all' {
  const roles = rolesOf(caller);
  if (roles.includes('lead') || roles.includes('admin')) return 'all';
  return caller.groups.filter((g) => g.startsWith('queue-')).map((g) => g.slice('queue-'.length));
}

/**
 * Which tickets a caller may read and change: the queues of their `queue-<id>` groups (leads and admins:
 * all), and for reading, the tickets of their `approver-<group>` groups' approvals.
 */
export function scopeOf(caller: Pick<Caller, 'groups'>): TicketScope {
  return {
    queues: queuesOf(caller),
    approverGroups: caller.groups
      .filter((g) => g.startsWith('approver-'))
      .map((g) => g.slice('approver-'.length)),
  };
}

/** A refusal that names its rule (the API answers `{ error: "forbidden", rule, message }`). */
export function refusedBy(rule: string, message: string): HttpError {
  return new HttpError(403, 'forbidden', `refused by rule ${rule}: ${message}`, { rule });
}

/**
 * The caller, if the route table lets one of their roles call this route (`event.routeKey`, as API
 * Gateway and the local gateway set it); otherwise 403 naming the rule `route-roles` and who may.
 */
export function authorize(
  event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext' | 'routeKey'>,
): Caller & { readonly roles: readonly Role[] } {
  const caller = callerFrom(event);
  const access: RouteAccess | undefined = (routeAccess as Record<string, RouteAccess>)[event.routeKey];
  if (!access) throw refusedBy('route-roles', `${event.routeKey} is in no access table row`);
  const roles = rolesOf(caller);
  if (!roles.some((r) => access.roles.includes(r))) {
    throw refusedBy('route-roles', `${access.action} needs the role ${access.roles.join(' or ')}`);
  }
  return { ...caller, roles };
}

/** The 403 for a ticket out of the caller's scope (`own-queues`, `approver-tickets`), as a use case found it. */
export function scopeRefusal(refusal: ScopeRefusal): HttpError {
  return refusedBy(refusal.rule, refusal.message);
}

/** 403 unless the caller works this queue (agents: their `queue-<id>` groups; leads and admins: all). */
export function requireQueue(caller: Pick<Caller, 'groups'>, queue: string): void {
  const scope = scopeOf(caller);
  if (!worksQueue(scope, queue)) throw scopeRefusal(queueRefusal(scope, `${queue} is not one of them`));
}
