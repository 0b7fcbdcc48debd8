import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { functionNameFor } from '../../infra/constructs/frontdoor-function';
import { EVENT_METRICS } from '../../shared/adapters/event-metrics';
import { eventTypes } from '../../shared/domain/events';
import { functions, queues, stateMachines } from '../../shared/topology';
import { allAlarms, resourcesOf, stateful, statefulId, stateless, statelessId } from '../support/stacks';

// Issue 16: one CloudWatch dashboard, frontdoor-<stage>-operations, draws what every alarm watches (the
// alarm's own metric, its threshold as a line) and the business: tickets created, SLA breaches,
// escalations, approvals pending (in the app synthesised once for the run).

type Widget = { type: string; properties: { title?: string; metrics?: unknown[][]; annotations?: unknown } };

/**
 * A CloudFormation value as text: `Fn::Join` joined, `{Ref: X}` → `<X>`, a GetAtt → `<X.Attr>`, an import
 * → `<import:Name>`. The dashboard body is JSON once its references are written this way.
 */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(text).join(separator);
  }
  if (node.Ref) return `<${node.Ref}>`;
  if (node['Fn::GetAtt']) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
  if (node['Fn::ImportValue']) return `<import:${node['Fn::ImportValue']}>`;
  throw new Error(`unexpected value in the dashboard body: ${JSON.stringify(value)}`);
}

/** How the stateless dashboard writes a value of its own stack, or (imported) of the stateful stack. */
function asDrawn(value: unknown, stack: 'stateful' | 'stateless'): string {
  if (stack === 'stateless') return text(value);
  const outputs = Object.values(stateful.toJSON().Outputs ?? {}) as Array<{
    Value: unknown;
    Export?: { Name: string };
  }>;
  const exported = outputs.find((o) => isDeepStrictEqual(o.Value, value))?.Export?.Name;
  return exported ? `<import:${exported}>` : text(value);
}

const dashboards = () => resourcesOf(stateless, 'AWS::CloudWatch::Dashboard');
const widgets = (): Widget[] => {
  const [dashboard] = dashboards();
  return (JSON.parse(text(dashboard?.Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
};
const widgetTitled = (start: string): Widget => {
  const found = widgets().filter((w) => w.properties.title?.startsWith(start));
  expect(found, start).toHaveLength(1);
  return found[0] as Widget;
};
/** The [namespace, name, dimension, value] lines of a widget's metrics (options and expressions left out). */
const lines = (widget: Widget) =>
  (widget.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === 'string'));
const labels = (widget: Widget) =>
  (widget.properties.metrics ?? []).map((m) => (m.at(-1) as { label?: string }).label);

describe('the operations dashboard', () => {
  it('is one dashboard, frontdoor-test-operations, in the stateless stack', () => {
    expect(dashboards()).toHaveLength(1);
    expect(dashboards()[0]?.Properties.DashboardName).toBe('frontdoor-test-operations');
    stateful.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('draws every alarm of both stacks: its metric, in one graph, with its threshold as a line', () => {
    const alarms = allAlarms();
    expect(alarms.length).toBeGreaterThan(60);
    const drawn = widgets().filter((w) => w.properties.annotations);
    for (const { stack, alarm } of alarms) {
      const p = alarm.Properties as {
        Namespace: string;
        MetricName: string;
        Dimensions?: Array<{ Name: string; Value: unknown }>;
        Threshold: number;
        AlarmDescription: string;
      };
      const line = [
        p.Namespace,
        p.MetricName,
        ...(p.Dimensions ?? []).flatMap((d) => [d.Name, asDrawn(d.Value, stack)]),
      ];
      const graphs = drawn.filter((w) => lines(w).some((l) => isDeepStrictEqual(l, line)));
      expect(graphs, p.AlarmDescription).toHaveLength(1);
      expect(JSON.stringify(graphs[0]?.properties.annotations), p.AlarmDescription).toContain(
        `"value":${p.Threshold}`,
      );
    }
    expect(drawn.flatMap(lines)).toHaveLength(alarms.length);
    expect(drawn.map((w) => w.properties.title)).not.toContain('Other alarms');
  });

  it('names every function, state machine, work queue and dead-letter queue in its graphs', () => {
    const inGraph = (title: string) => {
      const graph = widgetTitled(title);
      return { lines: lines(graph).map((l) => l.join(' ')), labels: labels(graph) };
    };
    for (const title of ['Function errors', 'Function throttles']) {
      const graph = inGraph(title);
      for (const spec of functions) {
        expect(graph.lines, spec.name).toContain(
          `AWS/Lambda ${title === 'Function errors' ? 'Errors' : 'Throttles'} FunctionName ${functionNameFor('test', spec)}`,
        );
        expect(graph.labels).toContain(spec.name);
      }
    }
    for (const title of ['State machines: failed', 'State machines: timed-out']) {
      const graph = inGraph(title);
      for (const spec of stateMachines) {
        expect(graph.lines.some((l) => l.endsWith(`StateMachineArn <${statelessId(spec.name)}>`))).toBe(true);
        expect(graph.labels).toContain(spec.name);
      }
    }
    const oldest = inGraph('Work queues');
    const deadLetters = inGraph('Dead-letter queues');
    for (const spec of queues) {
      expect(oldest.labels, spec.name).toContain(spec.name);
      const queueName = asDrawn(
        { 'Fn::GetAtt': [statefulId(`${spec.name}-queue`), 'QueueName'] },
        'stateful',
      );
      expect(oldest.lines, spec.name).toContain(
        `AWS/SQS ApproximateAgeOfOldestMessage QueueName ${queueName}`,
      );
      expect(deadLetters.labels).toEqual(
        expect.arrayContaining([`${spec.name}-dlq`, `${spec.name}-rules-dlq`]),
      );
    }
    expect(inGraph('API 5xx').lines).toHaveLength(1);
    expect(inGraph('API p99 latency').lines).toHaveLength(1);
    expect(inGraph('SES bounce rate').lines).toEqual(['AWS/SES Reputation.BounceRate']);
    expect(inGraph('SES complaint rate').lines).toEqual(['AWS/SES Reputation.ComplaintRate']);
  });

  it('counts tickets created, SLA breaches and escalations from the events the outbox put on the bus', () => {
    const bus = text(
      stateless.toJSON().Resources[statelessId('receive-webhook')].Properties.Environment.Variables
        .EVENT_BUS_NAME,
    );
    for (const [title, detailType] of [
      ['Tickets created', 'ticket.created'],
      ['SLA breaches', 'sla.breached'],
      ['Escalations', 'ticket.escalated'],
    ] as const) {
      expect(eventTypes).toContain(detailType);
      expect(lines(widgetTitled(title))).toEqual([
        [EVENT_METRICS.namespace, detailType, EVENT_METRICS.dimension, bus],
      ]);
    }
  });

  it('draws approvals pending as the running sum of approval runs started − ended, and says so', () => {
    const graph = widgetTitled('Approvals pending');
    expect(graph.properties.title).toContain('change since the start of the range');
    const [expression] = graph.properties.metrics ?? [];
    expect(expression?.[0]).toMatchObject({
      expression: expect.stringMatching(/^RUNNING_SUM\(FILL\(started, 0\) - FILL\(succeeded, 0\)/),
    });
    const approval = `<${statelessId('approval')}>`;
    expect(lines(graph).slice(1)).toEqual(
      ['Started', 'Succeeded', 'Failed', 'Aborted', 'TimedOut'].map((m) => [
        'AWS/States',
        `Executions${m}`,
        'StateMachineArn',
        approval,
      ]),
    );
  });
});
