import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ROLES, type Role } from '../domain/roles';
import { queueRefusal, type ScopeRefusal, type TicketScope, worksQueue } from '../domain/ticket-scope';
import type { HttpTrigger, RouteAccess } from '../topology';
import { type Caller, callerFrom } from './auth';
import { HttpError } from './errors';

/** The access of each agent-API route (`jwt`), by route key (`GET /v1/tickets/{id}`, as API Gateway names it). */
function routeAccessOf(
  routes: ReadonlyArray<{ readonly trigger: HttpTrigger }>,
): Record<string, RouteAccess> {
  return Object.fromEntries(
    routes.flatMap(({ trigger }) =>
      trigger.auth === 'jwt' ? [[`${trigger.method} ${trigger.path}`, trigger.access] as const] : [],
    ),
  );
}

/**
 * `routeAccess` as the synth read it, JSON, in function bundles only (an esbuild `define`,
 * infra/bundling.ts); elsewhere the name is not declared at all.
 */
declare const FRONTDOOR_ROUTE_ACCESS: string | undefined;

/**
 * Who may call which agent-API route, derived from the topology's rows (`shared/topology.ts`, `access`): read
 * by every handler (`authorize`), by the RBAC test (every route × role) and by the OpenAPI document.
 * A handler needs this table, not the topology with every function and request contract in it: a bundle
 * carries the table, esbuild folds the `typeof`, and the topology's import goes with the branch.
 */
export const routeAccess: Readonly<Record<string, RouteAccess>> =
  typeof FRONTDOOR_ROUTE_ACCESS === 'string'
    ? JSON.parse(FRONTDOOR_ROUTE_ACCESS)
    : routeAccessOf((await import('../topology')).httpRoutes());

export { ROLES, type Role, type RouteAccess };

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
  const access: RouteAccess | undefined = routeAccess[event.routeKey];
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
