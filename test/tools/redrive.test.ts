import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseRedriveArgs } from '../../tools/redrive/args';
import { redriveInAws } from '../../tools/redrive/aws';
import { describeBody } from '../../tools/redrive/describe';

/** `npm run redrive`: its arguments, and its SQS calls in AWS (the local route is test/local/redrive.test.ts). */
describe('npm run redrive arguments', () => {
  it('targets the local runtime by default, moving, on stage dev', () => {
    expect(parseRedriveArgs(['notifications'], {})).toEqual({
      queue: 'notifications',
      dryRun: false,
      max: 10,
      target: 'local',
      stage: 'dev',
    });
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

  it('answers an unknown queue with one sentence naming the known queues', () => {
    const out = parseRedriveArgs(['notifcations'], {});
    expect(out).toEqual({
      error: expect.stringMatching(/^"notifcations" is not a queue; the queues are: .*\.$/),
    });
    expect((out as { error: string }).error).toContain('notifications, ');
  });

  it('refuses a missing queue, an unknown flag and a bad --max', () => {
    expect(parseRedriveArgs([], {})).toEqual({ error: expect.stringContaining('usage:') });
    expect(parseRedriveArgs(['notifications', '--force'], {})).toEqual({
      error: expect.stringContaining('usage:'),
    });
    expect(parseRedriveArgs(['notifications', '--max', '0'], {})).toEqual({
      error: expect.stringContaining('--max'),
    });
  });
});

describe('what a dead letter was', () => {
  it('names the event type and ticket of an EventBridge event, and says so for anything else', () => {
    expect(
      describeBody(JSON.stringify({ 'detail-type': 'ticket.created', detail: { ticketId: 'T-9' } })),
    ).toBe('event ticket.created, ticket T-9');
    expect(describeBody('not json')).toBe('unrecognised body (not JSON)');
  });
});

describe('redrive in AWS', () => {
  const sqs = mockClient(SQSClient);
  const url = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
  const arn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
  const request = { queue: 'notifications', dryRun: false, max: 10, target: 'aws', stage: 'prod' } as const;

  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueUrlCommand).callsFake(({ QueueName }) => ({ QueueUrl: url(QueueName) }));
    sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }) => ({
      Attributes: { QueueArn: arn(QueueUrl.split('/').pop()), ApproximateNumberOfMessages: '3' },
    }));
  });

  it('starts a message move task from the DLQ to its source queue and reports what moved', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }],
    });
    const lines: string[] = [];
    await redriveInAws(request, {
      sqs: new SQSClient({}),
      print: (l) => lines.push(l),
      wait: async () => {},
    });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arn('frontdoor-prod-notifications-dlq'),
      DestinationArn: arn('frontdoor-prod-notifications'),
    });
    expect(lines.at(-1)).toBe(
      'moved 3 message(s) from frontdoor-prod-notifications-dlq to frontdoor-prod-notifications',
    );
  });

  it('a dry run shows each dead letter, then makes it visible again, moving nothing', async () => {
    const body = JSON.stringify({ 'detail-type': 'ticket.escalated', detail: { ticketId: 'T-7' } });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm-1',
            ReceiptHandle: 'r-1',
            Body: body,
            Attributes: { ApproximateReceiveCount: '6' },
          },
        ],
      })
      .resolves({ Messages: [] });
    const lines: string[] = [];
    await redriveInAws({ ...request, dryRun: true }, { sqs: new SQSClient({}), print: (l) => lines.push(l) });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: url('frontdoor-prod-notifications-dlq'),
      VisibilityTimeout: 30,
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: url('frontdoor-prod-notifications-dlq'), ReceiptHandle: 'r-1', VisibilityTimeout: 0 },
    ]);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(lines).toEqual([
      'm-1, received 6×: event ticket.escalated, ticket T-7 — why it failed is not recorded',
      'dry run: 1 message(s) shown from frontdoor-prod-notifications-dlq, none moved',
    ]);
  });
});
