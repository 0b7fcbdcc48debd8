/**
 * The in-memory ports of the CPU bench (test/bench/cpu.ts): the handlers' AWS calls answered inside the
 * process by a MemoryTable, in one of two ways.
 *
 *  - `sdk-mock`: aws-sdk-client-mock replaces `send` of the document client, so the adapters' commands go
 *    straight to the table: what is measured is the handler's own code (middy, zod, the use case, the
 *    adapters building their commands), without the SDK.
 *  - `sdk-wire`: the real SDK stack runs (the document client's marshalling, JSON serialisation, endpoint
 *    resolution, SigV4 signing, retries, response parsing); only the HTTP request handler of the shared
 *    DynamoDB client (shared/adapters/clients.ts) is replaced by one that answers from the table. What a
 *    Lambda pays on top is the TLS and socket work of the HTTPS call, which no in-process figure shows.
 *
 * In both, the table's own CPU (parsing, marshalling its answers, evaluating conditions) is timed and kept
 * apart (`tableCpuMicros`), so the bench can take it off the handler's figure. Secrets Manager (the webhook
 * secret, read once and cached, shared/adapters/secrets.ts) is answered in both by a stand-in for its HTTP
 * transport, the signed request built and signed as in Lambda; EventBridge and
 * Step Functions, which these handlers must not call, reject loudly. Nothing leaves the process: the bench
 * also points every other service's endpoint at a closed local port.
 */
import { Readable } from 'node:stream';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { HttpResponse } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsJsonService, SECRETS_MANAGER } from '../../../shared/adapters/aws-json';
import { useSecretsManager } from '../../../shared/adapters/secrets';
import { DynamoError, type Item, type MemoryTable, UnsupportedByMemoryTable } from './memory-table';

export type PortMode = 'sdk-mock' | 'sdk-wire';

/** CPU (µs, user + system) spent inside the table since the process started. */
let tableMicros = 0;
export const tableCpuMicros = () => tableMicros;

function timed<T>(work: () => T): T {
  const start = process.cpuUsage();
  try {
    return work();
  } finally {
    const used = process.cpuUsage(start);
    tableMicros += used.user + used.system;
  }
}

/** Shared by both modes: Secrets Manager answers the webhook secrets; EventBridge and Step Functions refuse. */
export function mockOtherServices(secrets: Readonly<Record<string, string>>): () => void {
  const answer = (statusCode: number, json: unknown) =>
    ({ statusCode, headers: {}, body: Readable.from([Buffer.from(JSON.stringify(json))]) }) as HttpResponse;
  useSecretsManager(
    new AwsJsonService(SECRETS_MANAGER, {
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'bench', secretAccessKey: 'bench' }),
      send: async (request) => {
        const { SecretId } = JSON.parse(String(request.body)) as { SecretId?: string };
        const value = SecretId ? secrets[SecretId] : undefined;
        return value === undefined
          ? answer(400, { __type: 'ResourceNotFoundException', Message: `no secret ${SecretId}` })
          : answer(200, { Name: SecretId, SecretString: value, VersionId: 'v1' });
      },
    }),
  );
  const refuse = (service: string) => () => {
    throw new UnsupportedByMemoryTable(`${service} was called; the CPU bench's handlers must not call it`);
  };
  const bus = mockClient(EventBridgeClient);
  bus.onAnyCommand().callsFake(refuse('EventBridge'));
  const sfn = mockClient(SFNClient);
  sfn.onAnyCommand().callsFake(refuse('Step Functions'));
  return () => {
    useSecretsManager(undefined);
    bus.restore();
    sfn.restore();
  };
}

/**
 * `sdk-mock`: the document client's `send` answered by the table (aws-sdk-client-mock): one fake that
 * dispatches on the command's class, timed with the table, so neither sinon's argument matching nor the
 * dispatch counts as the handler's. A command the table does not implement is refused (an unmocked one
 * would answer `undefined`). Returns the undo and a history reset (sinon keeps every call's arguments).
 */
export function mockDocumentClient(
  table: MemoryTable,
  target: DynamoDBDocumentClient | typeof DynamoDBDocumentClient = DynamoDBDocumentClient,
): { undo: () => void; resetHistory: () => void } {
  const db = mockClient(target);
  const answers = new Map<unknown, (input: Item) => unknown>([
    [GetCommand, (i) => table.get(i)],
    [PutCommand, (i) => table.put(i)],
    [UpdateCommand, (i) => table.update(i)],
    [QueryCommand, (i) => table.query(i)],
    [TransactWriteCommand, (i) => table.transactWrite(i)],
    [BatchGetCommand, (i) => table.batchGet(i)],
  ]);
  db.send.callsFake(async (command) =>
    timed(() => {
      const answer = answers.get(command.constructor);
      if (!answer)
        throw new UnsupportedByMemoryTable(
          `${command.constructor.name} is not implemented by the memory table`,
        );
      // The document client's output types, as the table builds them.
      return answer(command.input as Item) as never;
    }),
  );
  return { undo: () => db.restore(), resetHistory: () => db.resetHistory() };
}

// ---- sdk-wire: DynamoDB's JSON protocol ------------------------------------------------------------

type Wire = Record<string, unknown>;
const MARSHALL = { removeUndefinedValues: true } as const;
const fromAttrs = (v: unknown) =>
  v === undefined ? undefined : unmarshall(v as Parameters<typeof unmarshall>[0]);
const toAttrs = (v: unknown) => (v === undefined ? undefined : marshall(v as Item, MARSHALL));

/** The AttributeValue members of a request, as document values. */
function requestFromWire(body: Wire): Item {
  const plain = (b: Wire): Item => ({
    ...b,
    ...(b.Item ? { Item: fromAttrs(b.Item) } : {}),
    ...(b.Key ? { Key: fromAttrs(b.Key) } : {}),
    ...(b.ExclusiveStartKey ? { ExclusiveStartKey: fromAttrs(b.ExclusiveStartKey) } : {}),
    ...(b.ExpressionAttributeValues
      ? { ExpressionAttributeValues: fromAttrs(b.ExpressionAttributeValues) }
      : {}),
  });
  const out = plain(body);
  if (body.RequestItems)
    out.RequestItems = Object.fromEntries(
      Object.entries(body.RequestItems as Record<string, Wire>).map(([name, r]) => [
        name,
        { ...r, Keys: (r.Keys as Wire[]).map(fromAttrs) },
      ]),
    );
  if (Array.isArray(body.TransactItems))
    out.TransactItems = (body.TransactItems as Wire[]).map((action) =>
      Object.fromEntries(Object.entries(action).map(([kind, b]) => [kind, plain(b as Wire)])),
    );
  return out;
}

function responseToWire(out: Item): Wire {
  return {
    ...out,
    ...(out.Item ? { Item: toAttrs(out.Item) } : {}),
    ...(out.Attributes ? { Attributes: toAttrs(out.Attributes) } : {}),
    ...(out.LastEvaluatedKey ? { LastEvaluatedKey: toAttrs(out.LastEvaluatedKey) } : {}),
    ...(Array.isArray(out.Items) ? { Items: (out.Items as Item[]).map(toAttrs) } : {}),
    ...(out.Responses
      ? {
          Responses: Object.fromEntries(
            Object.entries(out.Responses as Record<string, Item[]>).map(([name, items]) => [
              name,
              items.map(toAttrs),
            ]),
          ),
        }
      : {}),
  };
}

interface HttpRequestLike {
  headers: Record<string, string>;
  body?: unknown;
}

const OPERATIONS: Record<string, (table: MemoryTable, input: Item) => Item> = {
  GetItem: (t, i) => t.get(i),
  PutItem: (t, i) => t.put(i),
  UpdateItem: (t, i) => t.update(i),
  Query: (t, i) => t.query(i),
  TransactWriteItems: (t, i) => t.transactWrite(i),
  BatchGetItem: (t, i) => t.batchGet(i),
};

function answerWire(table: MemoryTable, request: HttpRequestLike) {
  const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1] ?? '';
  const operation = target.split('.')[1] ?? '';
  const run = OPERATIONS[operation];
  const raw = request.body;
  const text =
    typeof raw === 'string'
      ? raw
      : // The SDK's body is a Uint8Array that warns when read as a string: read its bytes.
        raw instanceof Uint8Array
        ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8')
        : undefined;
  if (!run || text === undefined)
    throw new UnsupportedByMemoryTable(
      `DynamoDB ${operation || target} is not implemented by the memory table`,
    );
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'memory' };
  try {
    const out = run(table, requestFromWire(JSON.parse(text) as Wire));
    return { statusCode: 200, headers, body: Buffer.from(JSON.stringify(responseToWire(out))) };
  } catch (e: unknown) {
    if (!(e instanceof DynamoError)) throw e;
    const error = {
      __type: `com.amazonaws.dynamodb.v20120810#${e.name}`,
      message: e.message,
      ...(e.CancellationReasons ? { CancellationReasons: e.CancellationReasons } : {}),
    };
    return { statusCode: 400, headers, body: Buffer.from(JSON.stringify(error)) };
  }
}

/** An SDK request handler (`requestHandler` of a DynamoDB client's config) answered by the table. */
export function memoryRequestHandler(table: MemoryTable) {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: HttpRequestLike) => ({ response: timed(() => answerWire(table, request)) }),
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
}

/**
 * `sdk-wire`: the request handler of `client` (the shared DynamoDB client; the document client uses its
 * config) answered by the table. Returns the undo.
 */
export function wireDynamoDb(
  client: { config: { requestHandler?: unknown } },
  table: MemoryTable,
): () => void {
  const previous = client.config.requestHandler;
  client.config.requestHandler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async (request: HttpRequestLike) => ({ response: timed(() => answerWire(table, request)) }),
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
  return () => {
    client.config.requestHandler = previous;
  };
}
