import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { JwtVerifier } from 'aws-jwt-verify';
import type { SESEvent } from 'aws-lambda';
import { AccountDirectory } from '../../shared/adapters/account-directory';
import { apiGatewayRequests, billingMeter, sesRecipients } from '../../shared/adapters/billing-meter';
import { useClockSource } from '../../shared/adapters/clock';
import { localSecretVariable } from '../../shared/adapters/webhook-secrets';
import {
  type EnvRef,
  eventRules,
  type FunctionSpec,
  functions,
  httpRoutes,
  inboundMailConsumer,
  queueConsumers,
  queues,
  stateMachines,
  tableStreamConsumers,
  WAKE_UP_QUEUE,
} from '../../shared/topology';
import { DEV_AUDIENCE, DEV_ISSUER, loadDevIssuer } from './dev-issuer';
import { devUsers } from './dev-users';
import { DurableList, DurableRecords, timeOrderedId } from './durable-records';
import { type DynamoLocal, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoLocal } from './dynamodb-local';
import { type DeadLetter, LocalEventBus, type PendingDelivery } from './event-bus';
import {
  compileRoute,
  fromLambdaResult,
  type LambdaHandler,
  lambdaContext,
  toApiGatewayEvent,
} from './gateway';
import { LocalObjectStore } from './object-store';
import { LocalOutbox } from './outbox';
import { type DeadMessage, LocalQueue, type QueuedMessage } from './queues';
import { LocalScheduler, type ScheduleDeadLetter, type StoredSchedule } from './scheduler';
import { seedAccounts } from './seed-accounts';
import { type LocalSettings, localWebhookSecret } from './settings';
import { startSmtp } from './smtp';
import { LocalStepFunctions } from './step-functions';
import { ensureTable } from './table';
import { LocalTableStream } from './table-stream';
import { VirtualClock } from './virtual-clock';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** API Gateway HTTP APIs refuse request bodies over 10 MB before any function runs. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
/** The account id local ARNs carry (API Gateway events use the same). */
const LOCAL_ACCOUNT = '000000000000';

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly bus: LocalEventBus;
  readonly webhookSecrets: Readonly<Record<string, string>>;
  readonly smtpPort: number;
  /** The workflow clock every handler reads (controllable at `/local/clock`). */
  readonly clock: VirtualClock;
  readonly stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

async function assertPortFree(port: number, what: string): Promise<void> {
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
    probe.listen(port, '0.0.0.0', () => probe.close(() => ok()));
  });
}

/** The ARN a local queue goes by (a schedule's target names its queue by it). */
function localQueueArn(name: string): string {
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
 * Starts Frontdoor on this machine: DynamoDB Local, the table, the dev token issuer, every function of
 * the topology behind an API Gateway-shaped HTTP server, and the in-process event bus.
 */
export async function startLocalRuntime(
  settings: LocalSettings,
  log: (line: string) => void = (l) => console.log(l),
): Promise<LocalRuntime> {
  // The workflow config is validated on import; a bad one stops us before anything starts.
  const { workflowConfig } = await import('../../shared/config');

  await assertPortFree(settings.port, 'PORT');
  await assertPortFree(settings.dynamoPort, 'DYNAMODB_PORT');
  await assertPortFree(settings.smtpPort, 'SMTP_PORT');
  // The agent UI builds (only when ui/dist is missing or older than ui/src) while DynamoDB Local starts.
  const agentUi = ensureAgentUi(log);
  log(
    `Starting DynamoDB Local on port ${settings.dynamoPort} (data in ${resolve(settings.dataDir, 'dynamodb')}) …`,
  );
  const started = Date.now();
  const dynamo: DynamoLocal = await startDynamoLocal({
    port: settings.dynamoPort,
    dataDir: settings.dataDir,
  });
  log(`DynamoDB Local ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const url = `http://127.0.0.1:${settings.port}`;
  const secrets: Record<string, string> = {};
  for (const source of Object.keys(workflowConfig.webhookSources)) {
    secrets[source] = localWebhookSecret(source);
    process.env[localSecretVariable(source)] = secrets[source];
  }
  process.env.FRONTDOOR_LINK_SECRET ||= 'local-link-secret';
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    // PutEvents, Step Functions, S3 and SES v2 calls from the handlers come back to this server (see serve() below).
    AWS_ENDPOINT_URL_EVENTBRIDGE: url,
    AWS_ENDPOINT_URL_SFN: url,
    AWS_ENDPOINT_URL_S3: `${url}/local/s3`,
    AWS_ENDPOINT_URL_SESV2: `${url}/local/ses`,
    // EventBridge Scheduler (the tickets' wake-ups): the stand-in in ./scheduler.ts.
    AWS_ENDPOINT_URL_SCHEDULER: `${url}/local/scheduler`,
    // Count what the handlers' calls would be billed for (GET /local/costs, `npm run cost`); Lambda does not.
    FRONTDOOR_BILLING_METER: 'on',
    ...functionEnvironment(settings),
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;

  try {
    const admin = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const table = await ensureTable(admin, settings.tableName);
    log(`Table ${settings.tableName}: ${table}`);
    if (table === 'created') {
      const directory = new AccountDirectory(DynamoDBDocumentClient.from(admin), settings.tableName);
      for (const account of seedAccounts) await directory.upsert(account, new Date());
      log(
        `Seeded ${seedAccounts.length} accounts: ${seedAccounts.map((a) => `${a.id} (${a.domains.join(', ')})`).join(', ')}`,
      );
    }

    const issuer = await loadDevIssuer(settings.dataDir);
    const verifier = JwtVerifier.create({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      jwksUri: `${url}/local/auth/jwks.json`,
    });
    verifier.cacheJwks(issuer.jwks as Parameters<typeof verifier.cacheJwks>[0]);

    const handlers = new Map<string, LambdaHandler>();
    for (const fn of functions) {
      const mod = (await import(pathToFileURL(resolve(ROOT, fn.entry)).href)) as { handler?: LambdaHandler };
      if (typeof mod.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
      handlers.set(fn.name, mod.handler);
    }
    const invoke = async (fn: FunctionSpec, event: unknown): Promise<unknown> => {
      const handler = handlers.get(fn.name);
      if (!handler) throw new Error(`no handler for ${fn.name}`);
      const context = lambdaContext(fn, randomUUID());
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`${fn.name} timed out after ${fn.timeoutSeconds} s`)),
          fn.timeoutSeconds * 1000,
        );
      });
      const startedAt = performance.now();
      try {
        return await Promise.race([handler(event, context), timeout]);
      } finally {
        clearTimeout(timer);
        // What Lambda bills: the request, and memory × duration (shared/adapters/billing-meter.ts).
        billingMeter.invocation(fn.name, fn.memoryMb, performance.now() - startedAt);
      }
    };

    const objects = new LocalObjectStore(settings.dataDir);
    const outbox = new LocalOutbox(resolve(settings.dataDir, 'outbox.jsonl'), LOCAL_REGION);
    // What AWS would hold durably is kept under DATA_DIR, so a crash and restart lose nothing accepted.
    const kept = (name: string) => resolve(settings.dataDir, 'runtime', name);
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

    // SES invokes the inbound-mail function asynchronously: two retries, then its DLQ.
    const mailFn = inboundMailConsumer();
    const mailDeadLetters = new DurableList<{ event: SESEvent; error: string }>(
      kept('dead-letters/mail.jsonl'),
    );
    // Mail the SMTP stand-in accepted and the function has not finished with (SES's async invocation
    // queue in AWS): kept until handled, handed over again after a restart.
    const pendingMail = new DurableRecords<SESEvent>(kept('mail'));
    const inFlightMail = new Set<Promise<void>>();
    let mailHandled = 0;
    const deliverMail = (event: SESEvent) => {
      if (!mailFn) return;
      // SES receives the mail and writes it to the bucket (an S3 PUT) before the function runs.
      billingMeter.add('ses.inboundMessages');
      billingMeter.add('s3.writeRequests');
      const id = timeOrderedId();
      pendingMail.put(id, event);
      runMail(id, event);
    };
    const runMail = (id: string, event: SESEvent) => {
      if (!mailFn) return;
      const run = (async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            await invoke(mailFn, event);
            return;
          } catch (e: unknown) {
            const error = e instanceof Error ? e.message : String(e);
            if (attempt >= 3) {
              mailDeadLetters.push({ event, error });
              log(
                `inbound mail ${event.Records[0]?.ses.mail.messageId} failed 3× and went to the DLQ: ${error}`,
              );
              return;
            }
            await new Promise((r) => setTimeout(r, 500 * attempt));
          }
        }
      })();
      inFlightMail.add(run);
      void run.finally(() => {
        pendingMail.delete(id);
        mailHandled++;
        inFlightMail.delete(run);
      });
    };
    for (const { id, record } of pendingMail.list()) runMail(id, record);
    const smtp = await startSmtp({
      port: settings.smtpPort,
      supportAddress: settings.supportAddress,
      bucket: settings.mailBucket,
      objects,
      deliver: deliverMail,
      log,
    });
    const routes = httpRoutes().map(({ fn, trigger }) => compileRoute(fn, trigger));

    const server = createServer((req, res) => {
      void serve(req, res).catch((e: unknown) => {
        log(`local gateway error: ${e instanceof Error ? e.stack : String(e)}`);
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
        else res.end();
      });
    });

    const serve = async (req: IncomingMessage, res: ServerResponse) => {
      const requestUrl = new URL(req.url ?? '/', url);
      const method = req.method ?? 'GET';
      // The API Gateway limit applies to the API; the local S3 stand-in takes attachments up to SES's 40 MB.
      const limit = requestUrl.pathname.startsWith('/local/s3/') ? 64 * 1024 * 1024 : API_GATEWAY_MAX_BODY;
      const body = await readBody(req, limit);
      if (body === 'too_large') return send(res, 413, { message: 'Request Entity Too Large' });

      if (requestUrl.pathname.startsWith('/local/scheduler/')) {
        const out = scheduler.serve(
          method,
          requestUrl.pathname.slice('/local/scheduler'.length),
          requestUrl.searchParams,
          body.toString('utf8'),
        );
        return send(res, out.status, out.body, out.headers);
      }
      if (method === 'GET' && requestUrl.pathname === '/local/schedules')
        return send(res, 200, scheduler.pending());
      if (requestUrl.pathname.startsWith('/local/s3/')) {
        // S3 bills GET/HEAD at the read rate, PUT/POST/LIST at the write rate; DELETE is free.
        if (method !== 'DELETE')
          billingMeter.add(method === 'GET' || method === 'HEAD' ? 's3.readRequests' : 's3.writeRequests');
        return objects.serve(method, requestUrl.pathname.slice('/local/s3/'.length), body, req.headers, res);
      }
      if (method === 'POST' && requestUrl.pathname === '/local/ses/v2/email/outbound-emails') {
        const mail = JSON.parse(body.toString('utf8'));
        const sent = outbox.send(mail);
        if ('error' in sent) return send(res, 400, { message: sent.error });
        billingMeter.add('ses.outboundMessages', sesRecipients(mail));
        return send(res, 200, sent);
      }
      if (method === 'GET' && requestUrl.pathname === '/local/outbox') return send(res, 200, outbox.list());
      if (method === 'GET' && requestUrl.pathname === '/local/outbox.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(outbox.html());
        return;
      }
      if (method === 'GET' && requestUrl.pathname === '/local/dead-letters') {
        return send(res, 200, {
          events: bus.deadLetters,
          queues: queueDeadLetters.items,
          mail: mailDeadLetters.items,
          schedules: scheduler.deadLetters,
          stream: tableStream.deadLetters,
        });
      }
      if (method === 'POST' && requestUrl.pathname === '/local/drain') {
        // Tests and scripts: wait until every event, queue message, stream record, execution and inbound
        // mail has been handled — passes until one in which nothing new happened anywhere (a change's
        // outbox event goes stream → bus → queue → function → another change → …).
        const activity = () =>
          bus.accepted +
          mailHandled +
          tableStream.handed +
          scheduler.fired +
          [...localQueues.values()].reduce((n, q) => n + q.handled, 0);
        for (let pass = 0; pass < 100; pass++) {
          const before = activity();
          await Promise.allSettled([...inFlightMail]);
          await scheduler.drain();
          await bus.drain();
          for (const q of localQueues.values()) await q.drain();
          await stepFunctions.drain();
          await tableStream.drain();
          if (activity() === before) break;
        }
        return send(res, 200, { drained: true });
      }
      const target = req.headers['x-amz-target'];
      if (method === 'POST' && typeof target === 'string' && target.startsWith('AWSEvents.')) {
        return serveEventBridge(res, target, body);
      }
      if (method === 'POST' && typeof target === 'string' && target.startsWith('AWSStepFunctions.')) {
        const out = stepFunctions.serve(target, body.toString('utf8'));
        return send(res, out.status, out.body, { 'content-type': 'application/x-amz-json-1.0' });
      }
      // The billable operations counted since start or the last reset (`npm run cost` prices them).
      if (method === 'GET' && requestUrl.pathname === '/local/costs')
        return send(res, 200, billingMeter.snapshot());
      if (method === 'POST' && requestUrl.pathname === '/local/costs/reset') {
        billingMeter.reset();
        return send(res, 200, billingMeter.snapshot());
      }
      if (requestUrl.pathname === '/local/clock') {
        if (method === 'GET') return send(res, 200, clock.state());
        if (method === 'POST') {
          const change = controlClock(clock, body);
          return 'error' in change ? send(res, 400, change) : send(res, 200, clock.state());
        }
      }
      if (method === 'GET' && requestUrl.pathname === '/local/executions') {
        return send(
          res,
          200,
          stateMachines.flatMap((m) =>
            stepFunctions
              .listExecutions(stepFunctions.arnOf(m.name))
              .map((e) => stepFunctions.describeExecution(e.executionArn)),
          ),
        );
      }
      if (method === 'GET' && requestUrl.pathname === '/health') {
        const ok = await admin.send(new ListTablesCommand({ Limit: 1 })).then(
          () => true,
          () => false,
        );
        return send(res, ok ? 200 : 503, {
          status: ok ? 'ok' : 'degraded',
          dynamodb: ok ? 'ok' : 'unreachable',
        });
      }
      if (method === 'GET' && requestUrl.pathname === '/local/auth/jwks.json')
        return send(res, 200, issuer.jwks);
      if (method === 'POST' && requestUrl.pathname === '/local/auth/token') {
        // The agent UI's dev login (what `npm run token` prints): a seeded user's id token, locally only.
        const email = parseTokenRequest(body);
        if (!email)
          return send(res, 400, { error: 'validation_failed', message: 'send {"email": "<seeded user>"}' });
        try {
          return send(res, 200, { token: await issuer.tokenFor(email) }, { 'cache-control': 'no-store' });
        } catch (e: unknown) {
          return send(res, 404, { error: 'not_found', message: e instanceof Error ? e.message : String(e) });
        }
      }
      if (requestUrl.pathname === '/app' || requestUrl.pathname.startsWith('/app/')) {
        return serveAgentUi(res, method, requestUrl.pathname, await agentUi);
      }
      if (method === 'GET' && requestUrl.pathname === '/local/events') {
        return send(res, 200, { events: bus.recent, deadLetters: bus.deadLetters });
      }

      for (const route of routes) {
        const params = route.match(method, requestUrl.pathname);
        if (!params) continue;
        let claims: Record<string, unknown> | undefined;
        if (route.trigger.auth === 'jwt') {
          const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
          try {
            if (!token) throw new Error('no bearer token');
            claims = (await verifier.verify(token)) as Record<string, unknown>;
          } catch {
            // API Gateway's JWT authorizer answers exactly this, before the function runs.
            return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
          }
        }
        billingMeter.add('apiGateway.requests', apiGatewayRequests(body.length));
        const event = toApiGatewayEvent({
          req,
          url: requestUrl,
          body,
          route,
          pathParameters: params,
          claims,
        });
        let result: unknown;
        try {
          result = await invoke(route.fn, event);
        } catch (e: unknown) {
          log(`${route.fn.name} failed: ${e instanceof Error ? e.stack : String(e)}`);
          return send(res, 500, { message: 'Internal Server Error' });
        }
        const out = fromLambdaResult(result);
        res.writeHead(out.statusCode, out.headers);
        res.end(out.body);
        return;
      }
      return send(res, 404, { message: 'Not Found' });
    };

    const serveEventBridge = (res: ServerResponse, target: string, body: Buffer) => {
      if (target !== 'AWSEvents.PutEvents') {
        return send(res, 400, {
          __type: 'UnknownOperationException',
          message: `${target} is not served locally`,
        });
      }
      const input = JSON.parse(body.toString('utf8')) as { Entries?: Array<Record<string, string>> };
      const ids = bus.put(input.Entries ?? []);
      return send(
        res,
        200,
        { FailedEntryCount: 0, Entries: ids.map((EventId) => ({ EventId })) },
        {
          'content-type': 'application/x-amz-json-1.1',
        },
      );
    };

    await agentUi;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(settings.port, '0.0.0.0', () => ok());
    });

    let stopping: Promise<void> | undefined;
    return {
      url,
      dynamoEndpoint: dynamo.endpoint,
      bus,
      webhookSecrets: secrets,
      smtpPort: smtp.port,
      clock,
      stepFunctions,
      stop: () => {
        stopping ??= (async () => {
          await smtp.stop();
          scheduler.stop();
          await stepFunctions.stop();
          await tableStream.stop();
          server.closeAllConnections();
          await new Promise<void>((r) => server.close(() => r()));
          await Promise.race([bus.drain(), new Promise((r) => setTimeout(r, 5000))]);
          for (const q of localQueues.values()) await q.stop();
          admin.destroy();
          await dynamo.stop();
        })();
        return stopping;
      },
    };
  } catch (e: unknown) {
    await dynamo.stop();
    throw e;
  }
}

const UI_DIR = resolve(ROOT, 'ui');
const UI_DIST = resolve(UI_DIR, 'dist');
const UI_LOCK = resolve(UI_DIR, '.build.lock');
type AgentUi = { ok: true } | { ok: false; error: string };

/** Why ui/dist must be (re)built, or undefined when it is newer than every source of the UI. */
function agentUiStaleness(): string | undefined {
  const built = (() => {
    try {
      return statSync(join(UI_DIST, 'index.html')).mtimeMs;
    } catch {
      return undefined;
    }
  })();
  if (built === undefined) return 'ui/dist is missing';
  const newest = (dir: string): number => {
    let max = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) max = Math.max(max, newest(path));
      else max = Math.max(max, statSync(path).mtimeMs);
    }
    return max;
  };
  const sources = Math.max(
    newest(join(UI_DIR, 'src')),
    ...['index.html', 'vite.config.ts'].map((f) => statSync(join(UI_DIR, f)).mtimeMs),
  );
  return sources > built ? 'ui/src changed since ui/dist was built' : undefined;
}

/** Whether a process still runs (a killed `npm start` leaves its build lock and output behind). */
function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolderAlive(): boolean {
  try {
    return pidAlive(Number(readFileSync(UI_LOCK, 'utf8')));
  } catch {
    return false;
  }
}

/**
 * Builds the agent UI with Vite when ui/dist is missing or stale, so `npm start` (and every test that
 * spawns it) serves the current app without a separate step. Runtimes starting together take turns on a
 * lock file; each builds into its own directory and swaps it in, so none ever serves a half-written app.
 * Never throws: a failed build is logged and /app/ answers 503 saying why, while the API still runs.
 */
async function ensureAgentUi(log: (line: string) => void): Promise<AgentUi> {
  try {
    if (!agentUiStaleness()) return { ok: true };
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        writeFileSync(UI_LOCK, String(process.pid), { flag: 'wx' });
        break;
      } catch (e: unknown) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (!lockHolderAlive()) rmSync(UI_LOCK, { force: true });
        else if (Date.now() > deadline)
          throw new Error(`${UI_LOCK} is held by another build for over 2 minutes`);
        else await new Promise((r) => setTimeout(r, 200));
      }
    }
    try {
      const why = agentUiStaleness();
      if (!why) return { ok: true };
      // Output left behind by a killed build goes.
      for (const entry of readdirSync(UI_DIR)) {
        const pid = /^\.build-(\d+)$/.exec(entry)?.[1];
        if (pid && !pidAlive(Number(pid))) rmSync(join(UI_DIR, entry), { recursive: true, force: true });
      }
      log(`Building the agent UI (${why}) …`);
      const started = Date.now();
      const out = resolve(UI_DIR, `.build-${process.pid}`);
      const { build } = await import('vite');
      await build({
        configFile: join(UI_DIR, 'vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: out, emptyOutDir: true },
      });
      rmSync(UI_DIST, { recursive: true, force: true });
      renameSync(out, UI_DIST);
      log(`Agent UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return { ok: true };
    } finally {
      rmSync(UI_LOCK, { force: true });
    }
  } catch (e: unknown) {
    const error = e instanceof Error ? e.message : String(e);
    log(`The agent UI could not be built; /app/ answers 503 until it can: ${error}`);
    return { ok: false, error };
  }
}

const UI_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The app runs without inline script or style; CloudFront sends the same policy in AWS (plus the Cognito domain). */
const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * `/app/`: the built agent UI. Hashed assets are cached for a year (their names change with their
 * content); index.html is revalidated every time; an /app/* path without a file gets index.html (the app
 * routes itself). `/app/config.json` tells the app to use the dev login and this origin's API.
 */
async function serveAgentUi(
  res: ServerResponse,
  method: string,
  pathname: string,
  ui: AgentUi,
): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD')
    return send(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
  if (pathname === '/app') {
    res.writeHead(301, { location: '/app/' });
    res.end();
    return;
  }
  if (pathname === '/app/config.json') {
    const config = {
      auth: { mode: 'dev', users: devUsers.map(({ email, name, groups }) => ({ email, name, groups })) },
      apiBaseUrl: '',
    };
    return send(res, 200, config, { 'cache-control': 'no-store' });
  }
  if (!ui.ok) return send(res, 503, { message: `the agent UI could not be built: ${ui.error}` });
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice('/app/'.length));
  } catch {
    return send(res, 400, { message: 'Bad Request' });
  }
  let file = resolve(UI_DIST, relative || 'index.html');
  if (!file.startsWith(UI_DIST + sep)) return send(res, 404, { message: 'Not Found' });
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    // A missing asset is a 404 (never HTML where a script is expected); any other path is a route of the app.
    if (relative.startsWith('assets/') || !existsSync(join(UI_DIST, 'index.html')))
      return send(res, 404, { message: 'Not Found' });
    file = join(UI_DIST, 'index.html');
  }
  const content = await readFile(file);
  res.writeHead(200, {
    'content-type': UI_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(content.length),
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...UI_HEADERS,
  });
  res.end(method === 'HEAD' ? undefined : content);
}

function parseTokenRequest(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const email = (parsed as { email?: unknown } | null)?.email;
    return typeof email === 'string' && email.length > 0 && email.length <= 254 ? email : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `POST /local/clock` `{ advanceMinutes | advanceSeconds | set | speed }`: the workflow clock only moves
 * forward, so nothing recorded ever lies in the future of a later reading.
 */
function controlClock(clock: VirtualClock, body: Buffer): { ok: true } | { error: string; message: string } {
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    input = parsed as Record<string, unknown>;
  } catch {
    return { error: 'validation_failed', message: 'send a JSON object' };
  }
  const known = ['advanceMinutes', 'advanceSeconds', 'set', 'speed'];
  const given = Object.keys(input).filter((k) => known.includes(k));
  if (given.length === 0 || Object.keys(input).length !== given.length) {
    return { error: 'validation_failed', message: `send one or more of ${known.join(', ')}` };
  }
  try {
    if (input.set !== undefined) {
      const at = new Date(String(input.set));
      if (Number.isNaN(at.getTime())) throw new RangeError('set must be an ISO 8601 date-time');
      clock.set(at);
    }
    for (const [key, unit] of [
      ['advanceMinutes', 60_000],
      ['advanceSeconds', 1000],
    ] as const) {
      const n = input[key];
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
        throw new RangeError(`${key} must be a number ≥ 0`);
      clock.advance(n * unit);
    }
    if (input.speed !== undefined) {
      if (typeof input.speed !== 'number') throw new RangeError('speed must be a number');
      clock.setSpeed(input.speed);
    }
  } catch (e: unknown) {
    return { error: 'validation_failed', message: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
