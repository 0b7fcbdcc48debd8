import { Aspects, Duration } from 'aws-cdk-lib';
import {
  Alarm,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { EVENT_METRICS } from '../../shared/adapters/event-metrics';

/**
 * One graph of the alarms' signals: every alarm of the app on `namespace`/`metricName` draws its metric
 * there, labelled by its construct id without `-alarm` and `strip`, with the alarm's threshold as a line.
 */
interface AlarmSection {
  readonly title: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly strip?: string;
}

const section = (title: string, namespace: string, metricName: string, strip?: string): AlarmSection => ({
  title,
  namespace,
  metricName,
  strip,
});

/** The graphs, in dashboard order; an alarm on any other metric goes to a last "Other alarms" graph. */
const ALARM_SECTIONS: readonly AlarmSection[] = [
  section('Function errors', 'AWS/Lambda', 'Errors', '-errors'),
  section('Function throttles', 'AWS/Lambda', 'Throttles', '-throttles'),
  section('Table stream iterator age (ms)', 'AWS/Lambda', 'IteratorAge', '-iterator-age'),
  section('API 5xx answers', 'AWS/ApiGateway', '5xx'),
  section('API p99 latency (ms)', 'AWS/ApiGateway', 'Latency'),
  section('State machines: failed executions', 'AWS/States', 'ExecutionsFailed', '-failed'),
  section('State machines: timed-out executions', 'AWS/States', 'ExecutionsTimedOut', '-timed-out'),
  section(
    'Work queues: age of the oldest message (s)',
    'AWS/SQS',
    'ApproximateAgeOfOldestMessage',
    '-oldest-message',
  ),
  section('Dead-letter queues: messages waiting', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible'),
  section('Wake-ups dropped', 'AWS/Scheduler', 'InvocationDroppedCount', '-dropped'),
  section(
    'Wake-ups not dead-lettered',
    'AWS/Scheduler',
    'InvocationsFailedToBeSentToDeadLetterCount',
    '-dead-letter-failed',
  ),
  section('SES bounce rate', 'AWS/SES', 'Reputation.BounceRate'),
  section('SES complaint rate', 'AWS/SES', 'Reputation.ComplaintRate'),
];

/** The business counts: domain events the outbox relay put on the bus (see event-metrics.ts). */
const BUSINESS_SIGNALS = [
  { title: 'Tickets created', detailType: 'ticket.created' },
  { title: 'SLA breaches', detailType: 'sla.breached' },
  { title: 'Escalations', detailType: 'ticket.escalated' },
] as const;

const APPROVALS_PENDING_TITLE =
  'Approvals pending: change since the start of the range (approval runs started − ended)';

const WIDTH = 8;
const HEIGHT = 6;
const HOUR = Duration.hours(1);

export interface OperationsDashboardProps {
  readonly stage: string;
  /** The bus the outbox relay publishes to: the business counts are by its name (dimension EventBus). */
  readonly busName: string;
  /**
   * The approval workflow: one execution per approval, running until it is decided or expires.
   * @default - no approvals graph
   */
  readonly approvalWorkflow?: IStateMachine;
}

/**
 * `frontdoor-<stage>-operations`: a CloudWatch dashboard of what the alarms watch and of the business.
 *
 * The alarm graphs are not built here: when the app is synthesised, the dashboard collects every alarm of
 * the app (both stacks: functions, API, state machines, queues, dead-letter queues, SES) and draws each
 * one's own metric, with its threshold, in the graph of its metric. An alarm added anywhere later gets
 * drawn without touching this file.
 *
 * The business row: tickets created, SLA breaches and escalations per hour (the EMF counts of published
 * events), and approvals pending. CloudWatch has no count of running executions per state machine, so
 * approvals pending is drawn as a running sum of approval runs started minus ended since the start of the
 * displayed range: the change in the backlog, not its absolute size (the list of approvals is in the API).
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;
  private collected = false;

  public constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `frontdoor-${props.stage}-operations`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: [
          `# Frontdoor ${props.stage} operations`,
          'Business: events the outbox put on the bus, per hour; approvals pending is the running sum of approval runs started − ended since the start of the range.',
          'Below: the metric of every alarm, its threshold as a line. An alarm notifies the operations topic.',
        ].join('\n\n'),
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(...businessWidgets(props));
    // After every constructor has run, so that the alarms of both stacks exist.
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        if (node !== this || this.collected) return;
        this.collected = true;
        const alarms = this.node.root.node.findAll().filter((c): c is Alarm => c instanceof Alarm);
        this.dashboard.addWidgets(...alarmWidgets(alarms));
      },
    });
  }
}

function businessWidgets(props: OperationsDashboardProps): IWidget[] {
  const counts = BUSINESS_SIGNALS.map(
    ({ title, detailType }) =>
      new GraphWidget({
        title: `${title} (per hour)`,
        left: [
          new Metric({
            namespace: EVENT_METRICS.namespace,
            metricName: detailType,
            dimensionsMap: { [EVENT_METRICS.dimension]: props.busName },
            statistic: 'Sum',
            period: HOUR,
            label: detailType,
          }),
        ],
        width: WIDTH - 2,
        height: HEIGHT,
      }),
  );
  return props.approvalWorkflow ? [...counts, approvalsPending(props.approvalWorkflow)] : counts;
}

/** Started − (succeeded + failed + aborted + timed out), summed since the start of the range. */
function approvalsPending(workflow: IStateMachine): GraphWidget {
  const sum = { statistic: 'Sum', period: HOUR } as const;
  const usingMetrics = {
    started: workflow.metricStarted(sum),
    succeeded: workflow.metricSucceeded(sum),
    failed: workflow.metricFailed(sum),
    aborted: workflow.metricAborted(sum),
    timedOut: workflow.metricTimedOut(sum),
  };
  const filled = (id: string) => `FILL(${id}, 0)`;
  return new GraphWidget({
    title: APPROVALS_PENDING_TITLE,
    left: [
      new MathExpression({
        expression: `RUNNING_SUM(${filled('started')} - ${['succeeded', 'failed', 'aborted', 'timedOut'].map(filled).join(' - ')})`,
        usingMetrics,
        label: 'approvals pending (change since the start of the range)',
        period: HOUR,
      }),
    ],
    width: 6,
    height: HEIGHT,
  });
}

/** One graph per section that has alarms, then "Other alarms" for any alarm no section names. */
function alarmWidgets(alarms: readonly Alarm[]): IWidget[] {
  const sectionOf = (alarm: Alarm) =>
    ALARM_SECTIONS.find((s) => {
      const m = alarm.metric;
      return m instanceof Metric && m.namespace === s.namespace && m.metricName === s.metricName;
    });
  const sections: Array<{ title: string; strip?: string; alarms: Alarm[] }> = ALARM_SECTIONS.map((s) => ({
    ...s,
    alarms: alarms.filter((a) => sectionOf(a) === s),
  }));
  sections.push({ title: 'Other alarms', alarms: alarms.filter((a) => !sectionOf(a)) });
  return sections
    .filter((s) => s.alarms.length > 0)
    .map(
      (s) =>
        new GraphWidget({
          title: s.title,
          left: s.alarms.map((a) => labelled(a.metric, labelOf(a, s.strip))),
          leftAnnotations: uniqueBy(
            s.alarms.map((a) => a.toAnnotation()),
            (h) => h.value,
          ),
          width: WIDTH,
          height: HEIGHT,
        }),
    );
}

/** `intake-errors-alarm` → `intake`; `BusDeadLetterQueue-alarm` → `BusDeadLetterQueue`. */
function labelOf(alarm: Alarm, strip = ''): string {
  const id = alarm.node.id.replace(/-alarm$/, '');
  return strip && id.endsWith(strip) ? id.slice(0, -strip.length) : id;
}

function labelled(metric: IMetric, label: string): IMetric {
  return metric instanceof Metric || metric instanceof MathExpression ? metric.with({ label }) : metric;
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => unknown): T[] {
  return items.filter((item, i) => items.findIndex((other) => key(other) === key(item)) === i);
}
