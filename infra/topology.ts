/**
 * ONE declaration of every function: its handler module, trigger(s), environment and grants.
 * The CDK stateless stack and the local runtime (`npm start`) are both built from this list,
 * so what runs on a laptop is what runs in AWS.
 */

/** Resources a function can be given access to. Each maps to least-privilege IAM in CDK. */
export type Grant =
  /** GetItem/Query on the table and its indexes. */
  | 'table:read'
  /** PutItem/UpdateItem/DeleteItem/ConditionCheckItem on the table (transactions are authorised per item). */
  | 'table:write'
  /** PutEvents on the Frontdoor event bus. */
  | 'bus:put'
  /** GetSecretValue on the webhook sources' secrets named in the workflow config. */
  | 'secrets:webhooks';

/** Values the deployment (CDK) or the local runtime supplies for an environment variable. */
export type EnvRef = { readonly ref: 'table.name' | 'bus.name' };
export type EnvValue = string | EnvRef;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpTrigger {
  readonly kind: 'http';
  readonly method: HttpMethod;
  /** API Gateway HTTP API route path, `{name}` for path parameters. */
  readonly path: string;
  /** `jwt`: API Gateway's JWT authorizer (Cognito in AWS, the dev issuer locally). */
  readonly auth: 'none' | 'jwt';
}

export interface EventTrigger {
  readonly kind: 'event';
  /** An EventBridge event pattern on the Frontdoor bus; the local bus applies the same pattern. */
  readonly pattern: Readonly<Record<string, unknown>>;
}

export type Trigger = HttpTrigger | EventTrigger;

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

export const functions: readonly FunctionSpec[] = [
  {
    name: 'receive-webhook',
    description: 'Signed webhook intake: verify, normalise, triage, persist, publish ticket.created',
    entry: 'functions/receive-webhook/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    triggers: [{ kind: 'http', method: 'POST', path: '/v1/webhooks/{source}', auth: 'none' }],
    env: common,
    grants: ['table:read', 'table:write', 'bus:put', 'secrets:webhooks'],
  },
  {
    name: 'get-ticket',
    description: 'Agent API: one ticket with its messages and audit trail',
    entry: 'functions/get-ticket/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    triggers: [{ kind: 'http', method: 'GET', path: '/v1/tickets/{id}', auth: 'jwt' }],
    env: common,
    grants: ['table:read'],
  },
];

/** Every HTTP route in the topology, for the API (CDK) and the local gateway. */
export function httpRoutes(): Array<{ fn: FunctionSpec; trigger: HttpTrigger }> {
  return functions.flatMap((fn) =>
    fn.triggers.filter((t): t is HttpTrigger => t.kind === 'http').map((trigger) => ({ fn, trigger })),
  );
}

/** Every event rule in the topology, for EventBridge rules (CDK) and the in-process bus. */
export function eventRules(): Array<{ fn: FunctionSpec; trigger: EventTrigger }> {
  return functions.flatMap((fn) =>
    fn.triggers.filter((t): t is EventTrigger => t.kind === 'event').map((trigger) => ({ fn, trigger })),
  );
}

/** Name of the bus in AWS (prefixed per stage) and locally. */
export const EVENT_BUS_BASENAME = 'frontdoor';
