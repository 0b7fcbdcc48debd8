import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What ends up in the queue, e.g. "events the notifications rules could not deliver". */
  readonly holds: string;
  /** Physical name; omit to let CloudFormation name it. */
  readonly queueName?: string;
  /**
   * Customer-managed key; whoever writes to the queue (a service principal included) needs to be able to use it.
   * @default - SQS-managed server-side encryption
   */
  readonly encryptionKey?: IKey;
}

/**
 * A dead-letter queue (encrypted, TLS only, 14 days' retention) and, as its sibling `<id>-alarm`, a
 * CloudWatch alarm that fires as soon as one message is visible in it: every async hop of Frontdoor ends
 * in one of these, and a message there is always something an operator has to look at.
 *
 * The queue keeps `id` as its own construct id (no wrapper construct), so existing logical ids survive.
 */
export function deadLetterQueue(scope: Construct, id: string, props: DeadLetterQueueProps): Queue {
  const queue = new Queue(scope, id, {
    queueName: props.queueName,
    ...(props.encryptionKey
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue (${props.holds}); it needs no DLQ of its own.`,
  });
  new Alarm(scope, `${id}-alarm`, {
    alarmDescription: `Dead letters: ${props.holds}. Inspect and redrive the messages.`,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return queue;
}
