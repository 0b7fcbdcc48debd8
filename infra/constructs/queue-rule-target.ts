import { Duration } from 'aws-cdk-lib';
import type { IRuleTarget, RuleTargetConfig } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';

/** The rule a target is bound to (`IRuleRef`, from aws-cdk-lib's generated interfaces). */
type BoundRule = Parameters<IRuleTarget['bind']>[0];

export interface QueueRuleTargetProps {
  /** Where EventBridge puts events it still cannot deliver after its retries. */
  readonly deadLetterQueue: IQueue;
  /** @default 8 */
  readonly retryAttempts?: number;
  /** @default 6 hours */
  readonly maxEventAge?: Duration;
}

/**
 * An SQS queue as the target of an EventBridge rule, with a DLQ and a retry policy.
 *
 * Not `aws-events-targets.SqsQueue`: for a queue encrypted with a customer-managed key it drops the
 * `aws:SourceArn` condition from the queue policy (at best keeping `aws:SourceAccount`, behind a feature
 * flag) and adds a key-policy statement for `events.amazonaws.com` with encrypt/re-encrypt rights and no
 * condition. Here each queue policy statement is tied to the one rule (`aws:SourceArn`), and the key policy
 * is the owning stack's business (GenerateDataKey/Decrypt via SQS, for the named queues only).
 */
export class QueueRuleTarget implements IRuleTarget {
  public constructor(
    private readonly queue: IQueue,
    private readonly props: QueueRuleTargetProps,
  ) {}

  public bind(rule: BoundRule): RuleTargetConfig {
    const { ruleArn } = rule.ruleRef;
    for (const queue of [this.queue, this.props.deadLetterQueue]) {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
        }),
      );
    }
    return {
      arn: this.queue.queueArn,
      targetResource: this.queue,
      deadLetterConfig: { arn: this.props.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: this.props.retryAttempts ?? 8,
        maximumEventAgeInSeconds: (this.props.maxEventAge ?? Duration.hours(6)).toSeconds(),
      },
    };
  }
}
