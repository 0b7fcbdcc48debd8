/**
 * Who may call an agent-API route: roles are Cognito groups in AWS and the dev users' groups locally —
 * `agent` (own queues: the `queue-<id>` groups), `lead` (all queues, reassign, merge, metrics), `approver`
 * (any `approver-<group>`), `admin` (accounts, config). `shared/http/access.ts` reads it in every handler
 * (`authorize`), the RBAC test drives every route × role, the OpenAPI document prints it.
 *
 * Routes with `scope: 'own-queues'` are also scoped per ticket (queue isolation, `shared/domain/ticket-scope.ts`):
 * an agent reads and changes only tickets of their queues (403 rule `own-queues`; searches leave the others
 * out instead of refusing), leads and admins all, an approver reads only the tickets an approval of their
 * group is about (403 rule `approver-tickets`).
 */
export const ROLES = ['agent', 'lead', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];
