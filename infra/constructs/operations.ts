import { Duration, type IAspect } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';

/**
 * When each alarm fires. Every threshold is over one 5-minute period unless it says otherwise.
 */
export const ALARM_THRESHOLDS = {
  /** Handlers answer refusals themselves (4xx, failed batch items): an error a function throws is a fault. */
  functionErrors: 1,
  /** Concurrency is shared by the account: a throttled consumer delays every ticket queued behind it. */
  functionThrottles: 1,
  /** The API answers bad input with a 4xx, never a 5xx: any 5xx is a fault to look at. */
  api5xx: 1,
  /** Warm routes answer in ~0.1 s; a p99 over 3 s for 15 minutes is cold starts piling up or a slow dependency. */
  apiLatencyP99Ms: 3_000,
  /** An approval run that fails or times out leaves an approval nobody will be reminded of. */
  stateMachineFailedOrTimedOut: 1,
  /** Consumers keep up within seconds; a message 15 minutes old means one is stuck (or failing and retrying). */
  queueOldestMessageSeconds: 15 * 60,
  /** The outbox relay publishes within a second; a minute behind means events and acknowledgements are late. */
  streamIteratorAgeMs: 60_000,
  /** SES puts an account under review at a 5 % bounce rate: warn at 4 %, before it does. */
  sesBounceRate: 0.04,
  /** SES puts an account under review at a 0.1 % complaint rate: warn at 0.08 %. */
  sesComplaintRate: 0.0008,
  /** A wake-up neither delivered nor dead-lettered is a ticket whose timers stopped: any one is a fault. */
  wakeUpsLost: 1,
} as const;

const FIVE_MINUTES = Duration.minutes(5);

/**
 * The operations topic (SNS, encrypted with the stack's key, TLS only): every alarm of the app notifies it,
 * when it fires and when it is OK again. `email` subscribes an address (context `alarmEmail`).
 */
export function operationsTopic(
  scope: Construct,
  props: { stage: string; key: IKey; email?: string },
): Topic {
  const topic = new Topic(scope, 'OperationsTopic', {
    topicName: `frontdoor-${props.stage}-operations`,
    displayName: `Frontdoor ${props.stage} operations`,
    masterKey: props.key,
    enforceSSL: true,
  });
  // CloudWatch publishes alarm notifications to the encrypted topic with the key.
  props.key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToTheOperationsTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  if (props.email) topic.addSubscription(new EmailSubscription(props.email));
  return topic;
}

/** An aspect: every CloudWatch alarm in the app notifies the operations topic on ALARM and on OK. */
export class NotifyOperations implements IAspect {
  private readonly action: SnsAction;
  /** CDK may visit a construct again when aspects add constructs; an alarm gets its actions once. */
  private readonly notifying = new WeakSet<Alarm>();
  public constructor(topic: ITopic) {
    this.action = new SnsAction(topic);
  }
  public visit(node: IConstruct): void {
    if (!(node instanceof Alarm) || this.notifying.has(node)) return;
    this.notifying.add(node);
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}

function alarm(
  scope: Construct,
  id: string,
  description: string,
  metric: IMetric,
  threshold: number,
  periods = 1,
) {
  return new Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: periods,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

/**
 * Errors and throttles of a function; with `stream`, how far behind its table stream it reads. The metrics
 * name the function by its fixed name (not a reference to it), so these alarms can live in a nested stack
 * of their own without a parameter per function.
 */
export function watchFunction(
  scope: Construct,
  name: string,
  functionName: string,
  opts: { stream?: boolean } = {},
) {
  const lambda = (metricName: string, statistic: string) =>
    new Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: functionName },
      period: FIVE_MINUTES,
      statistic,
    });
  alarm(
    scope,
    `${name}-errors-alarm`,
    `Function ${name} threw errors. Read its log group for the stack traces.`,
    lambda('Errors', 'Sum'),
    ALARM_THRESHOLDS.functionErrors,
  );
  alarm(
    scope,
    `${name}-throttles-alarm`,
    `Function ${name} was throttled. Check the account's concurrency and reserved concurrency.`,
    lambda('Throttles', 'Sum'),
    ALARM_THRESHOLDS.functionThrottles,
  );
  if (opts.stream)
    alarm(
      scope,
      `${name}-iterator-age-alarm`,
      `Function ${name} reads the table stream more than a minute behind: events and mail are late.`,
      lambda('IteratorAge', 'Maximum'),
      ALARM_THRESHOLDS.streamIteratorAgeMs,
    );
}

/** Failed and timed-out executions of a state machine. */
export function watchStateMachine(scope: Construct, name: string, stateMachine: IStateMachine) {
  alarm(
    scope,
    `${name}-failed-alarm`,
    `State machine ${name}: executions failed. Open the execution history in the Step Functions console.`,
    stateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
    ALARM_THRESHOLDS.stateMachineFailedOrTimedOut,
  );
  alarm(
    scope,
    `${name}-timed-out-alarm`,
    `State machine ${name}: executions timed out.`,
    stateMachine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
    ALARM_THRESHOLDS.stateMachineFailedOrTimedOut,
  );
}

/** The HTTP API's 5xx answers and its p99 latency. */
export function watchApi(scope: Construct, api: HttpApi) {
  alarm(
    scope,
    'api-5xx-alarm',
    'The HTTP API answered 5xx. Find the route in the access log, then the function log.',
    api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
    ALARM_THRESHOLDS.api5xx,
  );
  alarm(
    scope,
    'api-latency-p99-alarm',
    'The HTTP API p99 latency has been over 3 s for 15 minutes.',
    api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
    ALARM_THRESHOLDS.apiLatencyP99Ms,
    3,
  );
}

/** How old the oldest message waiting in a work queue is. */
export function watchQueue(scope: Construct, name: string, queue: IQueue) {
  alarm(
    scope,
    `${name}-oldest-message-alarm`,
    `Queue ${name}: a message has waited 15 minutes. Its consumer is stuck or failing.`,
    queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
    ALARM_THRESHOLDS.queueOldestMessageSeconds,
  );
}

/** The account's SES reputation: bounce and complaint rates, before SES reviews or pauses sending. */
export function watchSesReputation(scope: Construct) {
  const reputation = (metricName: string) =>
    new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
  alarm(
    scope,
    'ses-bounce-rate-alarm',
    'SES bounce rate is near the 5 % at which AWS reviews the account. Check the mail log for bounced addresses.',
    reputation('Reputation.BounceRate'),
    ALARM_THRESHOLDS.sesBounceRate,
  );
  alarm(
    scope,
    'ses-complaint-rate-alarm',
    'SES complaint rate is near the 0.1 % at which AWS reviews the account.',
    reputation('Reputation.ComplaintRate'),
    ALARM_THRESHOLDS.sesComplaintRate,
  );
}

/**
 * Wake-ups EventBridge Scheduler lost: dropped (retries and age used up, no DLQ reached) or that failed to
 * reach the DLQ. Delivery errors it retries, and what it dead-letters, are the wake-up DLQ's alarm.
 */
export function watchScheduleGroup(scope: Construct, name: string, group: IScheduleGroup) {
  alarm(
    scope,
    `${name}-dropped-alarm`,
    `Schedule group ${name}: wake-ups were dropped. Those tickets' reminders, SLA moments and closing will not run.`,
    group.metricDropped({ period: FIVE_MINUTES, statistic: 'Sum' }),
    ALARM_THRESHOLDS.wakeUpsLost,
  );
  alarm(
    scope,
    `${name}-dead-letter-failed-alarm`,
    `Schedule group ${name}: wake-ups could not be sent to the DLQ (check the scheduler role's SQS and KMS permissions).`,
    group.metricFailedToBeSentToDLQ(undefined, { period: FIVE_MINUTES, statistic: 'Sum' }),
    ALARM_THRESHOLDS.wakeUpsLost,
  );
}
