/**
 * What the topology's environment means on this machine: each reference (`table.name`, `wakeUps.queueArn`,
 * …) resolved to a local resource, and the process environment that points every AWS SDK client the
 * functions create back at the local runtime. All functions share one process, so they share these.
 */
import { meterClient } from '../../shared/adapters/billing-meter';
import { meterClients } from '../../shared/adapters/clients';
import { localSecretVariable } from '../../shared/adapters/webhook-secrets';
import { type EnvRef, functions, stateMachines, WAKE_UP_QUEUE } from '../../shared/topology';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local';
import { type LocalSettings, localWebhookSecret } from './settings';

/** The account id local ARNs carry (API Gateway events use the same). */
export const LOCAL_ACCOUNT = '000000000000';

/** The ARN a local queue goes by (a schedule's target names its queue by it). */
export function localQueueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
}

/** What each topology reference means on this machine. */
function localRef(ref: EnvRef['ref'], settings: LocalSettings): string {
  switch (ref) {
    case 'table.name':
      return settings.tableName;
    case 'bus.name':
      return settings.busName;
    case 'bucket.name':
      return settings.mailBucket;
    case 'mail.supportAddress':
      return settings.supportAddress;
    case 'api.url':
      return settings.publicBaseUrl;
    case 'secret.links':
      return 'frontdoor/local/links';
    case 'wakeUps.group':
      return 'frontdoor-wake-ups';
    case 'wakeUps.queueArn':
      return localQueueArn(WAKE_UP_QUEUE);
    case 'wakeUps.roleArn':
      return `arn:aws:iam::${LOCAL_ACCOUNT}:role/frontdoor-scheduler`;
    case 'wakeUps.deadLetterArn':
      return localQueueArn(`${WAKE_UP_QUEUE}-dlq`);
    case 'stateMachine.approval': {
      const spec = stateMachines.find((m) => m.arnRef === ref);
      if (!spec) throw new Error(`no state machine in the topology provides ${ref}`);
      return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${spec.name}`;
    }
  }
}

/** The environment the topology gives the functions, resolved to local resources. */
function functionEnvironment(settings: LocalSettings): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.env)) {
      const v = typeof value === 'string' ? value : localRef(value.ref, settings);
      // All functions share this process, so their variables must agree (they do: say so if not).
      if (name in resolved && resolved[name] !== v) {
        throw new Error(`functions disagree on ${name}; the local runtime runs them in one process`);
      }
      resolved[name] = v;
    }
  }
  return resolved;
}

/**
 * Sets the process environment the functions read when they are imported: webhook secrets, local
 * credentials, and the endpoints that send their SDK calls to DynamoDB Local and to this runtime; and has
 * the clients they create metered. Returns each webhook source's secret.
 */
export function useLocalEnvironment(
  settings: LocalSettings,
  where: {
    readonly url: string;
    readonly dynamoEndpoint: string;
    readonly webhookSources: readonly string[];
  },
): Record<string, string> {
  const { url } = where;
  const secrets: Record<string, string> = {};
  for (const source of where.webhookSources) {
    secrets[source] = localWebhookSecret(source);
    process.env[localSecretVariable(source)] = secrets[source];
  }
  process.env.FRONTDOOR_LINK_SECRET ||= 'local-link-secret';
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: where.dynamoEndpoint,
    // PutEvents, Step Functions, S3 and SES v2 calls from the handlers come back to this server
    // (local-server.ts and local-routes.ts).
    AWS_ENDPOINT_URL_EVENTBRIDGE: url,
    AWS_ENDPOINT_URL_SFN: url,
    AWS_ENDPOINT_URL_S3: `${url}/local/s3`,
    AWS_ENDPOINT_URL_SESV2: `${url}/local/ses`,
    // EventBridge Scheduler (the tickets' wake-ups): the stand-in in ./scheduler.ts.
    AWS_ENDPOINT_URL_SCHEDULER: `${url}/local/scheduler`,
    // The outbox keeps every mail sent; an erasure reaches it there (shared/adapters/sent-mail-copies.ts).
    LOCAL_OUTBOX_URL: `${url}/local/outbox`,
    ...functionEnvironment(settings),
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  // Count what the handlers' calls would be billed for (GET /local/costs, `npm run cost`); Lambda does not.
  meterClients(meterClient);
  return secrets;
}
