import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type DeadLetterQueueRow,
  deadLetterQueueNames,
  deadLetterQueues,
  findDeadLetterQueue,
  queueLogicalId,
} from '../../infra/dead-letters';
import { functions } from '../../shared/topology';
import { parseRedriveArgs, type RedriveRequest } from '../../tools/redrive/args';
import { redriveInAws } from '../../tools/redrive/aws';
import { describeBody, failureOf } from '../../tools/redrive/describe';

/**
 * `npm run redrive`: its arguments, what a dead letter is shown as, and its AWS calls for each kind of
 * dead-letter queue (the local route is test/local/redrive.test.ts; the table against the synthesised
 * stacks is test/infra/stacks-dead-letters.test.ts).
 */
describe('npm run redrive arguments', () => {
  const row = (name: string) => findDeadLetterQueue(name);

  it('targets the local runtime by default, moving, on stage dev', () => {
    expect(parseRedriveArgs(['notifications'], {})).toEqual({
      deadLetters: row('notifications'),
      dryRun: false,
      max: 10,
      target: 'local',
      stage: 'dev',
    });
  });

  it('accepts every row of the dead-letter table by its name', () => {
    for (const name of deadLetterQueueNames()) {
      expect(parseRedriveArgs([name, '--dry-run'], {})).toMatchObject({
        deadLetters: { name },
        dryRun: true,
      });
    }
    expect(deadLetterQueueNames()).toEqual(
      expect.arrayContaining(['notifications-rules', 'bus', 'receive-email', 'publish-events-stream']),
    );
  });

  it('targets AWS with --aws, or when AWS_REGION is set and --local is not given', () => {
    expect(parseRedriveArgs(['notifications', '--aws'], {})).toMatchObject({ target: 'aws' });
    expect(parseRedriveArgs(['notifications'], { AWS_REGION: 'eu-west-1' })).toMatchObject({ target: 'aws' });
    expect(parseRedriveArgs(['notifications', '--local'], { AWS_REGION: 'eu-west-1' })).toMatchObject({
      target: 'local',
    });
  });

  it('takes the stage from --stage, else FRONTDOOR_STAGE', () => {
    expect(parseRedriveArgs(['approvals', '--stage', 'prod'], { FRONTDOOR_STAGE: 'qa' })).toMatchObject({
      stage: 'prod',
    });
    expect(parseRedriveArgs(['approvals', '--dry-run'], { FRONTDOOR_STAGE: 'qa' })).toMatchObject({
      stage: 'qa',
      dryRun: true,
    });
  });

  it('answers an unknown name with one sentence naming every dead-letter queue', () => {
    const out = parseRedriveArgs(['notifcations'], {});
    expect(out).toEqual({
      error: expect.stringMatching(/^"notifcations" is not a dead-letter queue; the names are: .*\.$/),
    });
    expect((out as { error: string }).error).toContain('notifications, notifications-rules, ');
    expect((out as { error: string }).error).toContain(', bus, ');
  });

  it('refuses a missing name, an unknown flag and a bad --max', () => {
    expect(parseRedriveArgs([], {})).toEqual({ error: expect.stringContaining('usage:') });
    expect(parseRedriveArgs(['notifications', '--force'], {})).toEqual({
      error: expect.stringContaining('usage:'),
    });
    expect(parseRedriveArgs(['notifications', '--max', '0'], {})).toEqual({
      error: expect.stringContaining('--max'),
    });
  });
});

/** A function's answer as the Lambda client hands it back. */
const payload = (json: string) => new TextEncoder().encode(json) as InvokeCommandOutput['Payload'];
const NOW = Date.parse('2026-12-06T12:00:00Z');
const mailRecord = {
  version: '1.0',
  requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
  requestPayload: {
    Records: [
      {
        ses: { mail: { messageId: 'ses-1', source: 'ann@example.com', commonHeaders: { subject: 'Help' } } },
      },
    ],
  },
  responseContext: { statusCode: 200, functionError: 'Unhandled' },
  responsePayload: { errorType: 'MailParseError', errorMessage: 'no From header' },
};
const streamArn =
  'arn:aws:dynamodb:eu-west-1:123456789012:table/frontdoor-prod/stream/2026-01-01T00:00:00.000';
const batch = (lastArrival: string) => ({
  requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
  responseContext: { functionError: 'Unhandled' },
  DDBStreamBatchInfo: {
    shardId: 'shardId-1',
    startSequenceNumber: '100',
    endSequenceNumber: '200',
    approximateArrivalOfFirstRecord: lastArrival,
    approximateArrivalOfLastRecord: lastArrival,
    batchSize: 2,
    streamArn,
  },
});

describe('what a dead letter was, and why it failed', () => {
  it('names the event type and ticket of an EventBridge event, and says so for anything else', () => {
    expect(
      describeBody(JSON.stringify({ 'detail-type': 'ticket.created', detail: { ticketId: 'T-9' } })),
    ).toBe('event ticket.created, ticket T-9');
    expect(describeBody('not json')).toBe('unrecognised body (not JSON)');
  });

  it('reads the mail of a Lambda invocation record and its error from responsePayload', () => {
    const body = JSON.stringify(mailRecord);
    expect(describeBody(body)).toBe('mail ses-1 from ann@example.com "Help"');
    expect(failureOf(body)).toBe('MailParseError: no From header');
  });

  it('reads a stream batch description: shard, sequence numbers and the condition it failed on', () => {
    const body = JSON.stringify(batch('2026-12-06T11:00:00Z'));
    expect(describeBody(body)).toBe(
      '2 stream record(s) on shardId-1, sequence 100…200, first written 2026-12-06T11:00:00Z',
    );
    expect(failureOf(body)).toBe('RetryAttemptsExhausted after 6 invocation(s) (Unhandled function error)');
  });

  it("prefers EventBridge's ERROR_CODE and ERROR_MESSAGE attributes", () => {
    expect(failureOf('{}', { ERROR_CODE: 'SQSError', ERROR_MESSAGE: 'KMS key disabled' })).toBe(
      'SQSError: KMS key disabled',
    );
  });
});

describe('redrive in AWS', () => {
  const sqs = mockClient(SQSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  const events = mockClient(EventBridgeClient);
  const streams = mockClient(DynamoDBStreamsClient);
  const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
  const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
  const row = (name: string) => findDeadLetterQueue(name) as DeadLetterQueueRow;
  const request = (deadLetters: DeadLetterQueueRow, dryRun = false): RedriveRequest => ({
    deadLetters,
    dryRun,
    max: 10,
    target: 'aws',
    stage: 'prod',
  });
  let lines: string[];
  const run = (r: RedriveRequest) =>
    redriveInAws(r, {
      sqs: new SQSClient({}),
      cloudFormation: new CloudFormationClient({}),
      lambda: new LambdaClient({}),
      events: new EventBridgeClient({}),
      streams: new DynamoDBStreamsClient({}),
      print: (l) => lines.push(l),
      wait: async () => {},
      now: () => NOW,
    });
  /** The DLQ holds these messages (sent long before the run), then nothing. */
  const holding = (...messages: Message[]) =>
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: messages.map((m) => ({ ...m, Attributes: { SentTimestamp: '1', ...m.Attributes } })),
      })
      .resolves({ Messages: [] });
  const deleted = () => sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle);

  beforeEach(() => {
    for (const client of [sqs, cloudFormation, lambda, events, streams]) client.reset();
    lines = [];
    sqs.on(GetQueueUrlCommand).callsFake(({ QueueName }) => ({ QueueUrl: url(QueueName) }));
    sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }) => ({
      Attributes: { QueueArn: arn(QueueUrl.split('/').pop()), ApproximateNumberOfMessages: '3' },
    }));
    // A CloudFormation-named queue: frontdoor-prod-<stack>-<logical id>-<suffix>.
    cloudFormation.on(DescribeStackResourceCommand).callsFake(({ StackName, LogicalResourceId }) => ({
      StackResourceDetail: { PhysicalResourceId: url(`${StackName}-${LogicalResourceId}-X1`) },
    }));
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  it('starts a message move task from a work queue’s DLQ to the queue and reports what moved', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }],
    });
    expect(await run(request(row('notifications')))).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arn('frontdoor-prod-notifications-dlq'),
      DestinationArn: arn('frontdoor-prod-notifications'),
    });
    expect(lines.at(-1)).toBe(
      'moved 3 message(s) from frontdoor-prod-notifications-dlq to frontdoor-prod-notifications',
    );
  });

  it('a dry run shows each dead letter with why it failed, then makes it visible again, moving nothing', async () => {
    const body = JSON.stringify({ 'detail-type': 'ticket.escalated', detail: { ticketId: 'T-7' } });
    holding({
      MessageId: 'm-1',
      ReceiptHandle: 'r-1',
      Body: body,
      Attributes: { ApproximateReceiveCount: '2' },
      MessageAttributes: {
        ERROR_CODE: { DataType: 'String', StringValue: 'SQSError' },
        ERROR_MESSAGE: { DataType: 'String', StringValue: 'Access denied to the key' },
      },
    });
    expect(await run(request(row('escalations-rules'), true))).toBe(0);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: url('frontdoor-prod-escalations-rules-dlq'),
      VisibilityTimeout: 30,
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: url('frontdoor-prod-escalations-rules-dlq'), ReceiptHandle: 'r-1', VisibilityTimeout: 0 },
    ]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(deleted()).toEqual([]);
    expect(lines).toEqual([
      'm-1, received 2×: event ticket.escalated, ticket T-7 — SQSError: Access denied to the key',
      'dry run: 1 message(s) shown from frontdoor-prod-escalations-rules-dlq, none moved',
    ]);
  });

  it('a dry run of a stream DLQ says when a batch’s records have aged out of the stream', async () => {
    holding({ MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify(batch('2026-12-04T12:00:00Z')) });
    await run(request(row('publish-events-stream'), true));
    expect(cloudFormation.commandCalls(DescribeStackResourceCommand)[0]?.args[0].input).toEqual({
      StackName: 'frontdoor-prod-stateless',
      LogicalResourceId: queueLogicalId('publish-events-stream-dlq'),
    });
    expect(lines[0]).toContain('(its records have aged out of the stream’s 24-hour retention');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("sends a rules DLQ's events to the work queue, then deletes them", async () => {
    const event = JSON.stringify({ 'detail-type': 'ticket.created', detail: { ticketId: 'T-1' } });
    holding({ MessageId: 'm-1', ReceiptHandle: 'r-1', Body: event });
    expect(await run(request(row('notifications-rules')))).toBe(0);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: url('frontdoor-prod-notifications'),
      MessageBody: event,
    });
    expect(deleted()).toEqual(['r-1']);
    expect(lines.at(-1)).toBe('redrove 1 message(s) from frontdoor-prod-notifications-rules-dlq');
  });

  it("invokes a function asynchronously with each event its event rules' DLQ holds", async () => {
    const eventRow = deadLetterQueues({
      queues: [],
      functions: [
        {
          ...(functions[0] as (typeof functions)[number]),
          name: 'close-stale',
          triggers: [{ kind: 'event', pattern: { source: ['x'] } }],
        },
      ],
    }).find((r) => r.kind !== 'bus');
    expect(eventRow).toMatchObject({
      name: 'close-stale',
      kind: 'event-rule',
      constructId: 'close-stale-dlq',
    });
    holding({ MessageId: 'm-1', ReceiptHandle: 'r-1', Body: '{"detail-type":"ticket.created","detail":{}}' });
    expect(await run(request(eventRow as DeadLetterQueueRow))).toBe(0);
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: 'frontdoor-prod-close-stale', InvocationType: 'Event' });
    expect(new TextDecoder().decode(invoke?.Payload as Uint8Array)).toBe(
      '{"detail-type":"ticket.created","detail":{}}',
    );
    expect(deleted()).toEqual(['r-1']);
  });

  it("invokes the inbound-mail function again with each record's requestPayload, and leaves what is no record", async () => {
    holding(
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify(mailRecord) },
      { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: '{"hello":1}' },
    );
    expect(await run(request(row('receive-email')))).toBe(1);
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({ FunctionName: 'frontdoor-prod-receive-email', InvocationType: 'Event' });
    expect(JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array))).toEqual(
      mailRecord.requestPayload,
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    expect(deleted()).toEqual(['r-1']);
    expect(lines).toContain(
      'm-2: unrecognised body — left in frontdoor-prod-stateless-' +
        `${queueLogicalId('receive-email-dlq')}-X1: not a Lambda invocation record (no requestPayload)`,
    );
  });

  it("reads a stream batch's records back and invokes the consumer with them, leaving a batch that aged out", async () => {
    const record = (seq: string, entity: string) => ({
      eventID: `e-${seq}`,
      eventName: 'INSERT' as const,
      dynamodb: { SequenceNumber: seq, NewImage: { entity: { S: entity } } },
    });
    streams
      .on(GetShardIteratorCommand, { SequenceNumber: '100' })
      .resolves({ ShardIterator: 'it-1' })
      .on(GetShardIteratorCommand, { SequenceNumber: '1' })
      .rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }));
    streams.on(GetRecordsCommand).resolves({
      Records: [
        record('100', 'outbox'),
        record('150', 'ticket'),
        record('200', 'outbox'),
        record('300', 'outbox'),
      ],
    });
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload('{"batchItemFailures":[]}') });
    const old = batch('2026-12-06T11:00:00Z');
    const aged = { ...old, DDBStreamBatchInfo: { ...old.DDBStreamBatchInfo, startSequenceNumber: '1' } };
    holding(
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify(old) },
      { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: JSON.stringify(aged) },
    );
    expect(await run(request(row('publish-events-stream')))).toBe(1);
    expect(streams.commandCalls(GetShardIteratorCommand)[0]?.args[0].input).toEqual({
      StreamArn: streamArn,
      ShardId: 'shardId-1',
      ShardIteratorType: 'AT_SEQUENCE_NUMBER',
      SequenceNumber: '100',
    });
    const invoke = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(invoke).toMatchObject({
      FunctionName: 'frontdoor-prod-publish-events',
      InvocationType: 'RequestResponse',
    });
    const sent = JSON.parse(new TextDecoder().decode(invoke?.Payload as Uint8Array));
    // Only the consumer's entities (its filter), only up to the batch's end.
    expect(sent.Records.map((r: { eventID: string }) => r.eventID)).toEqual(['e-100', 'e-200']);
    expect(sent.Records[0]).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: streamArn,
      awsRegion: 'eu-west-1',
    });
    expect(deleted()).toEqual(['r-1']);
    expect(lines.find((l) => l.startsWith('m-2'))).toContain('aged out of the stream’s 24-hour retention');
  });

  it('leaves a stream batch the consumer fails again, with its error', async () => {
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-1' });
    streams.on(GetRecordsCommand).resolves({
      Records: [
        { eventID: 'e-100', dynamodb: { SequenceNumber: '200', NewImage: { entity: { S: 'outbox' } } } },
      ],
    });
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload('{"errorMessage":"bus unreachable"}'),
    });
    const b = batch('2026-12-06T11:00:00Z');
    holding({
      MessageId: 'm-1',
      ReceiptHandle: 'r-1',
      Body: JSON.stringify({
        ...b,
        DDBStreamBatchInfo: { ...b.DDBStreamBatchInfo, startSequenceNumber: '200' },
      }),
    });
    expect(await run(request(row('publish-events-stream')))).toBe(1);
    expect(deleted()).toEqual([]);
    expect(lines[1]).toContain('frontdoor-prod-publish-events failed again: bus unreachable');
  });

  it('puts a bus DLQ event back on the bus, and leaves a body that is no event', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'new' }] });
    const event = {
      source: 'frontdoor',
      'detail-type': 'ticket.created',
      time: '2026-12-06T10:00:00Z',
      resources: [],
      detail: { ticketId: 'T-1' },
    };
    holding(
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify(event) },
      { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: 'AQICAHh…' },
    );
    expect(await run(request(row('bus')))).toBe(1);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'frontdoor-prod',
        Source: 'frontdoor',
        DetailType: 'ticket.created',
        Detail: '{"ticketId":"T-1"}',
        Resources: [],
        Time: new Date('2026-12-06T10:00:00Z'),
      },
    ]);
    expect(deleted()).toEqual(['r-1']);
    expect(lines.find((l) => l.startsWith('m-2'))).toContain(
      'not an EventBridge event, so it cannot be put back',
    );
  });
});
