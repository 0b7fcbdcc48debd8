import { createHash } from 'node:crypto';
import {
  EVENT_BUS_BASENAME,
  type FunctionSpec,
  type QueueSpec,
  functions as topologyFunctions,
  queues as topologyQueues,
  WAKE_UP_QUEUE,
} from '../shared/topology';

/**
 * Every dead-letter queue of the deployed app, one row each, derived from `shared/topology.ts` the way
 * infra/stateful-stack.ts and infra/stateless-stack.ts create them (a new queue or function gets its row
 * without an edit here; test/infra/stacks-dead-letters.test.ts compares the rows with the synthesised
 * template). A row says what `npm run redrive -- <name>` calls it, where the queue is in AWS, what it holds
 * and how its messages go back (its kind).
 */
export type DeadLetterKind =
  /** A work queue's redrive DLQ (and the scheduler's, for the wake-up queue): SQS StartMessageMoveTask. */
  | 'queue'
  /** A work queue's rules' DLQ (EventBridge SQS-target DLQ; body = the event): sent to the work queue. */
  | 'rules'
  /** A function's event rules' DLQ (EventBridge Lambda-target DLQ; body = the event): invoked again. */
  | 'event-rule'
  /** The inbound-mail function's async-invoke on-failure DLQ (body = invocation record): invoked again. */
  | 'inbound-mail'
  /** A table-stream consumer's on-failure DLQ (body = batch description): records read back, invoked. */
  | 'table-stream'
  /** The bus's DLQ (events it could not encrypt or decrypt): put back on the bus. */
  | 'bus';

export interface DeadLetterQueueRow {
  /** What `npm run redrive -- <name>` and `POST /local/redrive` call it. */
  readonly name: string;
  readonly kind: DeadLetterKind;
  /** What ends up in it. */
  readonly holds: string;
  /** The stack that creates it, and its construct id there (a child of the stack). */
  readonly stack: 'stateful' | 'stateless';
  readonly constructId: string;
  /** Its physical name has no stage prefix fixed by the stack: CloudFormation names it. */
  readonly cloudFormationNamed: boolean;
  /** Where its messages go back: a work queue, a function (with its stream filter), or the bus. */
  readonly queue?: string;
  readonly function?: string;
  readonly entities?: readonly string[];
}

export interface Topology {
  readonly queues: readonly QueueSpec[];
  readonly functions: readonly FunctionSpec[];
}

export function deadLetterQueues(
  topology: Topology = { queues: topologyQueues, functions: topologyFunctions },
): DeadLetterQueueRow[] {
  const rows: DeadLetterQueueRow[] = [];
  for (const spec of topology.queues) {
    rows.push({
      name: spec.name,
      kind: 'queue',
      holds:
        `messages of the ${spec.name} queue its consumer failed ${spec.maxReceiveCount} times` +
        (spec.name === WAKE_UP_QUEUE ? ', and wake-ups the scheduler could not send to it' : ''),
      stack: 'stateful',
      constructId: `${spec.name}-dlq`,
      cloudFormationNamed: false,
      queue: spec.name,
    });
    rows.push({
      name: `${spec.name}-rules`,
      kind: 'rules',
      holds: `events the ${spec.name} rules could not put on the queue`,
      stack: 'stateful',
      constructId: `${spec.name}-rules-dlq`,
      cloudFormationNamed: false,
      queue: spec.name,
    });
  }
  rows.push({
    name: 'bus',
    kind: 'bus',
    holds: 'events the bus could not encrypt or decrypt',
    stack: 'stateful',
    constructId: 'BusDeadLetterQueue',
    cloudFormationNamed: true,
  });
  for (const fn of topology.functions) {
    const stateless = { stack: 'stateless', cloudFormationNamed: true, function: fn.name } as const;
    // infra/stateless-stack.ts: receiveMail for the (first) inbound-mail function, addTriggers otherwise.
    if (fn.triggers.some((t) => t.kind === 'inbound-mail')) {
      rows.push({
        ...stateless,
        name: fn.name,
        kind: 'inbound-mail',
        holds: `SES deliveries ${fn.name} failed three times`,
        constructId: `${fn.name}-dlq`,
      });
    } else if (fn.triggers.some((t) => t.kind === 'event')) {
      rows.push({
        ...stateless,
        name: fn.name,
        kind: 'event-rule',
        holds: `events ${fn.name}'s event rules could not deliver`,
        constructId: `${fn.name}-dlq`,
      });
    }
    for (const trigger of fn.triggers) {
      if (trigger.kind !== 'table-stream') continue;
      rows.push({
        ...stateless,
        name: `${fn.name}-stream`,
        kind: 'table-stream',
        holds: `table stream records ${fn.name} could not process after its retries`,
        constructId: `${fn.name}-stream-dlq`,
        entities: trigger.entities,
      });
    }
  }
  return rows;
}

/** What each kind does with a dead letter in AWS, and against `npm start` (or why it has no equivalent there). */
export const KINDS: Readonly<
  Record<DeadLetterKind, { aws: string; local: string } | { aws: string; local: undefined; why: string }>
> = {
  queue: {
    aws: 'SQS StartMessageMoveTask back onto the queue',
    local: 'back onto the local queue (the scheduler’s dead wake-ups too)',
  },
  rules: {
    aws: 'each event sent to the queue (receive, SendMessage, delete)',
    local: 'each event the local bus could not put on the queue, delivered to it again',
  },
  'event-rule': {
    aws: 'the function invoked again asynchronously with each event',
    local: 'each event the local bus could not deliver to the function, delivered again',
  },
  'inbound-mail': {
    aws: 'the function invoked again asynchronously with each SES event (requestPayload)',
    local: 'each dead-lettered mail handed to the function again',
  },
  'table-stream': {
    aws: 'each batch’s records read back from the stream and the function invoked with them',
    local: 'each dead-lettered record read back from the local stream and handed to the function again',
  },
  bus: {
    aws: 'each event put back on the bus (PutEvents); a body that is no event is only shown',
    local: undefined,
    why: 'the local bus encrypts nothing, so it never dead-letters an event for that',
  },
};

/** The one sentence `npm run redrive` answers for a row the local runtime has nothing like. */
export function noLocalEquivalent(row: DeadLetterQueueRow): string | undefined {
  const kind = KINDS[row.kind];
  return kind.local === undefined ? `${row.name} has no local equivalent: ${kind.why}.` : undefined;
}

export const deadLetterQueueNames = (rows = deadLetterQueues()): string[] => rows.map((r) => r.name);

export function findDeadLetterQueue(name: string, rows = deadLetterQueues()): DeadLetterQueueRow | undefined {
  return rows.find((r) => r.name === name);
}

/** How to find the queue in a stage: by its fixed name, or by its stack and logical id. */
export function awsLocation(
  row: DeadLetterQueueRow,
  stage: string,
): { queueName: string } | { stackName: string; logicalId: string } {
  if (!row.cloudFormationNamed) return { queueName: `frontdoor-${stage}-${row.constructId}` };
  return { stackName: `frontdoor-${stage}-${row.stack}`, logicalId: queueLogicalId(row.constructId) };
}

/**
 * The logical id CDK gives the `AWS::SQS::Queue` of a `Queue` construct that is a direct child of its
 * stack (`<id>/Resource`): the id without non-alphanumerics, then the path's MD5, 8 hex digits.
 */
export function queueLogicalId(constructId: string): string {
  const path = [constructId, 'Resource'];
  const hash = createHash('md5').update(path.join('/')).digest('hex').slice(0, 8).toUpperCase();
  return constructId.replace(/[^A-Za-z0-9]/g, '') + hash;
}

/** The work queue's physical name (infra/stateful-stack.ts). */
export const workQueueName = (stage: string, queue: string) => `frontdoor-${stage}-${queue}`;
/** A function's physical name (`functionNameFor` in infra/constructs/frontdoor-function.ts). */
export const functionName = (stage: string, fn: string) => `frontdoor-${stage}-${fn}`;
/** The bus's name (infra/stateful-stack.ts). */
export const busName = (stage: string) => `${EVENT_BUS_BASENAME}-${stage}`;
