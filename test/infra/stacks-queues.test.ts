import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  functions,
  queueConsumers,
  queues,
  tableStreamConsumers,
  WAKE_UP_QUEUE,
} from '../../shared/topology';
import {
  actionsOf,
  exported,
  flatten,
  getAttIds,
  keyPolicyStatements,
  type Resource,
  resourcesOf,
  stateful,
  statefulId,
  stateless,
  statelessId,
  statementsOfFunction,
  statementsOfRole,
  synth,
} from '../support/stacks';

// Queues, their rules and consumers, the wake-up scheduling and the dead-letter queues, in the app
// synthesised once for the run (test/support/stacks-global-setup.ts).

describe('queues', () => {
  it('creates each topology queue KMS-encrypted with the key, with a redrive DLQ after maxReceiveCount', () => {
    const keyArn = { 'Fn::GetAtt': [statefulId('Key'), 'Arn'] };
    for (const spec of queues) {
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${spec.name}`,
        KmsMasterKeyId: keyArn,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [statefulId(`${spec.name}-dlq`), 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${spec.name}-dlq`,
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    }
    expect(queues.find((q) => q.name === 'notifications')?.maxReceiveCount).toBe(5);
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'frontdoor-test-notifications',
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it('puts the events of each subscription on its queue through a rule with retries and a DLQ', () => {
    for (const spec of queues) {
      const queueId = statefulId(`${spec.name}-queue`);
      const rulesDlqId = statefulId(`${spec.name}-rules-dlq`);
      spec.subscriptions.forEach((pattern, index) => {
        const ruleId = statefulId(`${spec.name}-rule-${index}`);
        stateful.hasResourceProperties('AWS::Events::Rule', {
          EventBusName: { Ref: statefulId('Bus') },
          EventPattern: pattern,
          Targets: [
            {
              Id: Match.anyValue(),
              Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [rulesDlqId, 'Arn'] } },
              RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
            },
          ],
        });
        // EventBridge may send to the queue and to the rules' DLQ for this rule only.
        for (const id of [queueId, rulesDlqId]) {
          stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [{ Ref: id }],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
                Match.objectLike({
                  Effect: 'Allow',
                  Action: 'sqs:SendMessage',
                  Principal: { Service: 'events.amazonaws.com' },
                  Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
                }),
              ]),
            },
          });
        }
      });
    }
    expect(queues.find((q) => q.name === 'notifications')?.subscriptions).toContainEqual(
      expect.objectContaining({ 'detail-type': expect.arrayContaining(['ticket.created']) }),
    );
  });

  it('lets EventBridge use the key through SQS for Frontdoor’s queues only', () => {
    const statement = keyPolicyStatements().find(
      (s) => s.Sid === 'AllowEventBridgeToUseTheKeyForFrontdoorQueues',
    );
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    });
    expect(statement?.Condition?.StringEquals).toHaveProperty('kms:ViaService');
    expect(JSON.stringify(statement?.Condition?.ArnLike)).toContain(':frontdoor-test-*');
  });

  it('feeds each queue trigger to its function in batches, reporting partial batch failures', () => {
    expect(queueConsumers().length).toBeGreaterThan(0);
    for (const { fn, trigger, queue } of queueConsumers()) {
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: exported(`${queue.name}-queue`, 'Arn'),
        FunctionName: { Ref: statelessId(fn.name) },
        BatchSize: trigger.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    stateless.resourceCountIs(
      'AWS::Lambda::EventSourceMapping',
      queueConsumers().length + tableStreamConsumers().length,
    );
  });

  it('feeds the table stream to its consumers: entity filters, partial failures, bisection, retries, then a DLQ', () => {
    expect(tableStreamConsumers().map(({ fn }) => fn.name)).toEqual(['project-metrics', 'publish-events']);
    for (const { fn, trigger } of tableStreamConsumers()) {
      const dlqId = statelessId(`${fn.name}-stream-dlq`);
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: exported('Table', 'StreamArn'),
        FunctionName: { Ref: statelessId(fn.name) },
        BatchSize: trigger.batchSize,
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } } },
        FilterCriteria: {
          Filters: trigger.entities.map((entity) => ({
            Pattern: JSON.stringify({ dynamodb: { NewImage: { entity: { S: [entity] } } } }),
          })),
        },
      });
    }
  });
  it('puts ticket changes that may move a due moment on ticket-clock and SLA findings on escalations, each with its consumer', () => {
    const consumers = { [WAKE_UP_QUEUE]: 'run-ticket-clock', escalations: 'apply-escalations' } as const;
    for (const [queueName, consumerName] of Object.entries(consumers)) {
      const spec = queues.find((q) => q.name === queueName);
      if (!spec) throw new Error(`the topology has no ${queueName} queue`);
      const queueId = statefulId(`${queueName}-queue`);
      stateful.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `frontdoor-test-${queueName}`,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [statefulId(`${queueName}-dlq`), 'Arn'] },
          maxReceiveCount: spec.maxReceiveCount,
        },
      });
      stateful.hasResourceProperties('AWS::SQS::Queue', { QueueName: `frontdoor-test-${queueName}-dlq` });
      for (const pattern of spec.subscriptions) {
        stateful.hasResourceProperties('AWS::Events::Rule', {
          EventPattern: pattern,
          Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } })],
        });
      }
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: exported(`${queueName}-queue`, 'Arn'),
        FunctionName: { Ref: statelessId(consumerName) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
    const detailTypes = (name: string): unknown[] =>
      queues.find((q) => q.name === name)?.subscriptions.flatMap((p) => p['detail-type'] as unknown[]) ?? [];
    expect(detailTypes(WAKE_UP_QUEUE)).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.state_changed', 'ticket.priority_changed']),
    );
    expect(detailTypes('escalations')).toEqual(expect.arrayContaining(['sla.warning', 'sla.breached']));
  });
});

describe('wake-ups (EventBridge Scheduler)', () => {
  const id = (path: string) => statefulId(path);
  const arnOf = (path: string) => ({ 'Fn::GetAtt': [id(path), 'Arn'] });
  const queueArn = () => arnOf(`${WAKE_UP_QUEUE}-queue`);
  const deadLetterArn = () => arnOf(`${WAKE_UP_QUEUE}-dlq`);

  it('keeps the wake-ups in one schedule group of the stateful stack, retained with its pending schedules', () => {
    stateful.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    stateless.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    stateful.hasResource('AWS::Scheduler::ScheduleGroup', {
      Properties: { Name: 'frontdoor-test-wake-ups' },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(synth.wakeUpGroupName).toBe('frontdoor-test-wake-ups');
    // The schedules themselves are set at run time, one per ticket; none is deployed.
    for (const template of [stateful, stateless]) template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('sends them to the ticket-clock queue, which has a DLQ with an alarm and one consumer, run-ticket-clock', () => {
    expect(WAKE_UP_QUEUE).toBe('ticket-clock');
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'frontdoor-test-ticket-clock',
      RedrivePolicy: { deadLetterTargetArn: deadLetterArn(), maxReceiveCount: Match.anyValue() },
    });
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('wake-ups the scheduler could not send'),
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(`${WAKE_UP_QUEUE}-dlq`), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(
      queueConsumers()
        .filter(({ queue }) => queue.name === WAKE_UP_QUEUE)
        .map(({ fn }) => fn.name),
    ).toEqual(['run-ticket-clock']);
  });

  it('lets only this account’s EventBridge Scheduler assume the scheduler role, for the wake-up group only', () => {
    const role = stateful.findResources('AWS::IAM::Role')[id('WakeUpSchedulerRole')] as Resource;
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': arnOf('WakeUpScheduleGroup'),
            },
          },
        },
      ],
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('lets the scheduler role send to the ticket-clock queue and its DLQ only, using the key through SQS for those two', () => {
    const statements = statementsOfRole(stateful, id('WakeUpSchedulerRole'));
    expect(actionsOf(statements).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'sqs:SendMessage']);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: [queueArn(), deadLetterArn()] },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: arnOf('Key'),
        Condition: {
          StringEquals: { 'kms:ViaService': expect.anything() },
          ArnEquals: { 'kms:EncryptionContext:aws:sqs:arn': [queueArn(), deadLetterArn()] },
        },
      },
    ]);
    expect(flatten(statements[1]?.Condition?.StringEquals?.['kms:ViaService'])).toBe(
      'sqs.<AWS::Region>.<AWS::URLSuffix>',
    );
  });

  it('lets run-ticket-clock create and update schedules in the wake-up group only, and pass the scheduler role only, to the scheduler only', () => {
    const statements = statementsOfFunction('run-ticket-clock');
    const scheduling = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('scheduler:')));
    expect(scheduling).toEqual([
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        Resource: expect.anything(),
      },
    ]);
    expect(flatten(scheduling[0]?.Resource)).toBe(
      'arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/frontdoor-test-wake-ups/*',
    );
    const passing = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('iam:')));
    expect(passing).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: exported('WakeUpSchedulerRole', 'Arn'),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    expect(actionsOf(statements).filter((a) => a.startsWith('states:'))).toEqual([]);
  });

  it('gives scheduler and IAM rights to no function but those granted wakeUps:schedule', () => {
    for (const spec of functions) {
      const actions = actionsOf(statementsOfFunction(spec.name)).filter(
        (a) => a.startsWith('scheduler:') || a.startsWith('iam:'),
      );
      expect(actions.length > 0, spec.name).toBe(spec.grants.includes('wakeUps:schedule'));
    }
    expect(functions.filter((f) => f.grants.includes('wakeUps:schedule')).map((f) => f.name)).toEqual([
      'run-ticket-clock',
    ]);
  });
});

describe('dead letters', () => {
  /** Every queue something sends its failures to: bus, rule targets, redrive policies, Lambda destinations. */
  function deadLetterQueueIds(template: Template): string[] {
    const arns: unknown[] = [];
    for (const bus of resourcesOf(template, 'AWS::Events::EventBus')) {
      arns.push((bus.Properties.DeadLetterConfig as { Arn: unknown }).Arn);
    }
    for (const rule of resourcesOf(template, 'AWS::Events::Rule')) {
      for (const target of rule.Properties.Targets as Array<{ DeadLetterConfig?: { Arn: unknown } }>) {
        expect(target.DeadLetterConfig, 'every rule target has a DLQ').toBeDefined();
        arns.push(target.DeadLetterConfig?.Arn);
      }
    }
    for (const queue of resourcesOf(template, 'AWS::SQS::Queue')) {
      const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined;
      if (redrive) arns.push(redrive.deadLetterTargetArn);
    }
    for (const mapping of resourcesOf(template, 'AWS::Lambda::EventSourceMapping')) {
      const onFailure = (
        mapping.Properties.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined
      )?.OnFailure;
      if (onFailure) arns.push(onFailure.Destination);
    }
    for (const config of resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')) {
      arns.push(
        (config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure
          .Destination,
      );
    }
    return [...new Set(getAttIds(arns))].sort();
  }

  it('gives every queue that is not a DLQ a redrive policy', () => {
    for (const template of [stateful, stateless]) {
      const dlqs = new Set(deadLetterQueueIds(template));
      for (const [id, queue] of Object.entries(template.findResources('AWS::SQS::Queue'))) {
        if (!dlqs.has(id)) expect((queue as Resource).Properties.RedrivePolicy, id).toBeDefined();
      }
    }
  });

  it('alarms on the first visible message of every DLQ', () => {
    for (const template of [stateful, stateless]) {
      const dlqAlarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(
        (alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
      );
      const alarmed = dlqAlarms.map((alarm) => {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        const [dimension] = alarm.Properties.Dimensions as Array<{ Name: string; Value: unknown }>;
        expect(dimension?.Name).toBe('QueueName');
        return getAttIds([dimension?.Value])[0];
      });
      expect(alarmed.sort()).toEqual(deadLetterQueueIds(template));
    }
  });
});

describe('CloudFormation limits', () => {
  it('keeps every stack under 500 resources (the stateless stack is the one that grows with functions)', () => {
    const counts = {
      stateful: Object.keys(stateful.toJSON().Resources ?? {}).length,
      stateless: Object.keys(stateless.toJSON().Resources ?? {}).length,
    };
    console.log(`resources: stateful ${counts.stateful}, stateless ${counts.stateless} of 500`);
    expect(counts.stateful).toBeLessThan(500);
    expect(counts.stateless).toBeLessThan(500);
  });
});
