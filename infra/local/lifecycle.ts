/**
 * Start-up and shutdown of the local runtime's services, in dependency order: DynamoDB Local and the
 * table, the process environment and the functions, the queues, the bus, the table stream, the workflow
 * clock with the scheduler and Step Functions, and the inbound mail path (SMTP → SES → function).
 * What AWS would hold durably is kept under DATA_DIR, so a crash and restart lose nothing accepted.
 */
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SESEvent } from 'aws-lambda';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { systemClock, useClockSource } from '../../shared/adapters/clock';
import {
  eventRules,
  functions,
  inboundMailConsumer,
  queueConsumers,
  queues,
  stateMachines,
  tableStreamConsumers,
} from '../../shared/topology';
import { type AgentUi, ensureAgentUi } from './agent-ui';
import { type DevIssuer, loadDevIssuer } from './dev-issuer';
import { DurableList, DurableRecords } from './durable-records';
import { type DynamoLocal, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoLocal } from './dynamodb-local';
import { type DeadLetter, LocalEventBus, type PendingDelivery } from './event-bus';
import { type Invoke, loadFunctions } from './function-invoker';
import { LocalInboundMail, type MailDeadLetter } from './inbound-mail';
import { LOCAL_ACCOUNT, localQueueArn, useLocalEnvironment } from './local-environment';
import { LocalObjectStore } from './object-store';
import { LocalOutbox } from './outbox';
import { ROOT } from './paths';
import { type DeadMessage, LocalQueue, type QueuedMessage } from './queues';
import { LocalRecurring } from './recurring';
import { LocalScheduler, type ScheduleDeadLetter, type StoredSchedule } from './scheduler';
import { seedAccounts } from './seed-accounts';
import { seedKnowledgeBase } from './seed-kb';
import { type LocalSettings, ownUrl } from './settings';
import { type LocalSmtp, startSmtp } from './smtp';
import { LocalStepFunctions } from './step-functions';
import { ensureTable } from './table';
import { LocalTableStream } from './table-stream';
import { VirtualClock } from './virtual-clock';

type Log = (line: string) => void;

/** Everything the local runtime runs; the HTTP server (local-server.ts) serves them. */
export interface RuntimeServices {
  readonly settings: LocalSettings;
  /** This runtime's own base URL (the handlers' SDK calls come back to it). */
  readonly url: string;
  readonly log: Log;
  /** Settles once the agent UI is built (or could not be). */
  readonly agentUi: Promise<AgentUi>;
  readonly dynamo: DynamoLocal;
  /** The runtime's own DynamoDB client (table set-up, `/health`). */
  readonly admin: DynamoDBClient;
  readonly webhookSecrets: Readonly<Record<string, string>>;
  readonly issuer: DevIssuer;
  readonly invoke: Invoke;
  readonly objects: LocalObjectStore;
  readonly outbox: LocalOutbox;
  readonly queues: ReadonlyMap<string, LocalQueue>;
  readonly queueDeadLetters: DurableList<DeadMessage>;
  readonly bus: LocalEventBus;
  readonly tableStream: LocalTableStream;
  /** The workflow clock every handler reads (controllable at `/local/clock`). */
  readonly clock: VirtualClock;
  readonly scheduler: LocalScheduler;
  /** The queues' recurring messages (`every`: weekly intent retraining) on the workflow clock. */
  readonly recurring: LocalRecurring;
  readonly stepFunctions: LocalStepFunctions;
  readonly mail: LocalInboundMail;
  readonly smtp: LocalSmtp;
}

/**
 * The workflow clock's reading (ms): what the local stand-ins for SES and EventBridge stamp `sentAt` and
 * `time` with, so captured mail and events line up with tickets (`useClockSource` points it at the runtime's
 * VirtualClock before the first mail or event).
 */
const workflowNow = (): number => systemClock.now().getTime();

/** Fails with a clear message when something else already listens on `port`. */
async function assertPortFree(host: string, port: number, what: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const probe = createNetServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      fail(
        new Error(
          e.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use; stop whatever holds it or set a different port`
            : e.message,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => ok()));
  });
}

/**
 * Primary course: check the workflow config and the ports; build the agent UI while DynamoDB Local
 * starts; set the functions' environment; then start every service on top of the table.
 * On a failure after DynamoDB Local started, it is stopped again.
 */
export async function startServices(settings: LocalSettings, log: Log): Promise<RuntimeServices> {
  // The workflow config is validated on import; a bad one stops us before anything starts.
  const { workflowConfig } = await import('../../shared/config');

  await assertPortFree(settings.host, settings.port, 'PORT');
  // DynamoDB Local (Java) listens on every interface; it cannot be told otherwise.
  await assertPortFree('0.0.0.0', settings.dynamoPort, 'DYNAMODB_PORT');
  await assertPortFree(settings.host, settings.smtpPort, 'SMTP_PORT');
  // The agent UI builds (only when ui/dist is missing or older than ui/src) while DynamoDB Local starts.
  const agentUi = ensureAgentUi(log);
  log(
    `Starting DynamoDB Local on port ${settings.dynamoPort} (data in ${resolve(settings.dataDir, 'dynamodb')}) …`,
  );
  const started = Date.now();
  const dynamo = await startDynamoLocal({ port: settings.dynamoPort, dataDir: settings.dataDir });
  log(`DynamoDB Local ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const url = ownUrl(settings.host, settings.port);
  const webhookSecrets = useLocalEnvironment(settings, {
    url,
    dynamoEndpoint: dynamo.endpoint,
    webhookSources: Object.keys(workflowConfig.webhookSources),
  });
  try {
    const admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await prepareTable(admin, settings.tableName, log);
    const issuer = await loadDevIssuer(settings.dataDir);
    const invoke = await loadFunctions(ROOT);
    const objects = new LocalObjectStore(settings.dataDir);
    const outbox = new LocalOutbox(resolve(settings.dataDir, 'outbox.jsonl'), LOCAL_REGION, workflowNow);
    const kept = (name: string) => resolve(settings.dataDir, 'runtime', name);
    const messaging = startMessaging(settings, dynamo, invoke, kept, log);
    const timers = startTimers(settings, messaging, invoke, kept, log);
    const mail = new LocalInboundMail({
      fn: inboundMailConsumer(),
      invoke,
      pending: new DurableRecords<SESEvent>(kept('mail')),
      deadLetters: new DurableList<MailDeadLetter>(kept('dead-letters/mail.jsonl')),
      log,
    });
    mail.resume();
    const smtp = await startSmtp({
      host: settings.host,
      port: settings.smtpPort,
      supportAddress: settings.supportAddress,
      bucket: settings.mailBucket,
      objects,
      deliver: (event) => mail.deliver(event),
      log,
    });
    return {
      settings,
      url,
      log,
      agentUi,
      dynamo,
      admin,
      webhookSecrets,
      issuer,
      invoke,
      objects,
      outbox,
      ...messaging,
      ...timers,
      mail,
      smtp,
    };
  } catch (e: unknown) {
    await dynamo.stop();
    throw e;
  }
}

/** Creates the table when it is missing, and then seeds the account directory. */
async function prepareTable(admin: DynamoDBClient, tableName: string, log: Log): Promise<void> {
  const table = await ensureTable(admin, tableName);
  log(`Table ${tableName}: ${table}`);
  if (table !== 'created') return;
  const directory = new AccountDirectory(DynamoDBDocumentClient.from(admin), tableName);
  for (const account of seedAccounts) await directory.upsert(account, new Date());
  log(
    `Seeded ${seedAccounts.length} accounts: ${seedAccounts.map((a) => `${a.id} (${a.domains.join(', ')})`).join(', ')}`,
  );
  const articles = await seedKnowledgeBase(DynamoDBDocumentClient.from(admin), tableName, new Date());
  log(`Seeded ${articles.length} knowledge-base articles from kb/ (npm run kb:import -- <dir> adds yours)`);
}

type Messaging = Pick<RuntimeServices, 'queues' | 'queueDeadLetters' | 'bus' | 'tableStream'>;

/** The queues with their consumers, the bus with its rules and queue subscriptions, and the table stream. */
function startMessaging(
  settings: LocalSettings,
  dynamo: DynamoLocal,
  invoke: Invoke,
  kept: (name: string) => string,
  log: Log,
): Messaging {
  const queueDeadLetters = new DurableList<DeadMessage>(kept('dead-letters/queues.jsonl'));
  const localQueues = new Map(
    queues.map((spec) => {
      const consumer = queueConsumers().find((c) => c.queue.name === spec.name);
      const queue = new LocalQueue(
        spec,
        consumer ? (event) => invoke(consumer.fn, event) : undefined,
        consumer?.trigger.batchSize ?? 10,
        queueDeadLetters,
        log,
        new DurableRecords<QueuedMessage>(kept(`queues/${spec.name}`)),
        (consumer?.fn.timeoutSeconds ?? 0) * 1000,
      );
      return [spec.name, queue] as const;
    }),
  );
  const bus = new LocalEventBus(
    [
      ...eventRules().map(({ fn, trigger }) => ({
        name: fn.name,
        pattern: trigger.pattern,
        invoke: (event: unknown) => invoke(fn, event),
      })),
      ...queues.flatMap((spec) =>
        spec.subscriptions.map((pattern) => ({
          name: `queue:${spec.name}`,
          pattern,
          enqueues: true,
          // EventBridge → SQS target: the message body is the whole event.
          invoke: async (event: unknown) => {
            localQueues.get(spec.name)?.send(JSON.stringify(event));
          },
        })),
      ),
    ],
    log,
    {
      pending: new DurableRecords<PendingDelivery>(kept('bus')),
      deadLetters: new DurableList<DeadLetter>(kept('dead-letters/events.jsonl')),
    },
    workflowNow,
  );
  for (const q of localQueues.values()) q.start();
  // The table's stream into its consumers (flow metrics), as the DynamoDB event source does in AWS.
  const tableStream = new LocalTableStream({
    endpoint: dynamo.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    tableName: settings.tableName,
    consumers: tableStreamConsumers(),
    dataDir: settings.dataDir,
    invoke,
    log,
  });
  tableStream.start();
  return { queues: localQueues, queueDeadLetters, bus, tableStream };
}

type Timers = Pick<RuntimeServices, 'clock' | 'scheduler' | 'recurring' | 'stepFunctions'>;

/** The workflow clock, EventBridge Scheduler on it, and Step Functions (which resumes its executions). */
function startTimers(
  settings: LocalSettings,
  { queues: localQueues, bus }: Messaging,
  invoke: Invoke,
  kept: (name: string) => string,
  log: Log,
): Timers {
  // The workflow clock: handlers stamp and decide with it, timers sleep on it. CLOCK_SPEED and
  // POST /local/clock make SLA warnings, breaches and escalations happen in seconds.
  const clock = new VirtualClock({
    speed: settings.clockSpeed,
    ...(settings.clockStart ? { start: settings.clockStart } : {}),
  });
  useClockSource(() => clock.now());
  if (settings.clockSpeed !== 1 || settings.clockStart) {
    log(`Workflow clock: ${clock.state().now} at ${settings.clockSpeed}× speed`);
  }
  // EventBridge Scheduler on the workflow clock: a due schedule sends its input to the local queue its
  // target names (by the queue's local ARN); its schedules are kept under DATA_DIR.
  const queuesByArn = new Map([...localQueues].map(([name, queue]) => [localQueueArn(name), queue]));
  const scheduler = new LocalScheduler({
    clock,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    store: new DurableRecords<StoredSchedule>(kept('schedules')),
    deadLetters: new DurableList<ScheduleDeadLetter>(kept('dead-letters/schedules.jsonl')),
    deliver: (targetArn, input) => {
      const queue = queuesByArn.get(targetArn);
      if (!queue) throw new Error(`no local queue has the ARN ${targetArn}`);
      queue.send(input);
    },
    log,
  });
  scheduler.start();
  const recurring = new LocalRecurring(clock, queues, (name, body) => localQueues.get(name)?.send(body), log);
  recurring.start();
  const byName = new Map(functions.map((fn) => [fn.name, fn]));
  const stepFunctions = new LocalStepFunctions({
    specs: stateMachines,
    root: ROOT,
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT,
    dataDir: settings.dataDir,
    clock,
    invokeFunction: (name, payload) => {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no function ${name} in the topology`);
      return invoke(fn, payload);
    },
    // The events:putEvents integration takes Detail as JSON; the bus, like the API, takes text.
    putEvents: (entries) => {
      bus.put(
        entries.map((e) => ({
          Source: String(e.Source),
          DetailType: String(e.DetailType),
          Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {}),
        })),
      );
    },
    log,
  });
  return { clock, scheduler, recurring, stepFunctions };
}

/**
 * Stops taking work first (mail, schedules, executions, the stream, the HTTP server), lets the bus hand
 * over what it holds for up to 5 s, then stops the queues, the table's client and DynamoDB Local.
 */
export async function stopServices(services: RuntimeServices, server: Server): Promise<void> {
  await services.smtp.stop();
  services.scheduler.stop();
  services.recurring.stop();
  await services.stepFunctions.stop();
  await services.tableStream.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await Promise.race([services.bus.drain(), new Promise((r) => setTimeout(r, 5000))]);
  for (const q of services.queues.values()) await q.stop();
  services.admin.destroy();
  await services.dynamo.stop();
}
