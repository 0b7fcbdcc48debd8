import { describe, expect, it } from 'vitest';
import { PUBLIC_ROUTE_THROTTLE, STAGE_THROTTLE } from '../../infra/stateless-stack';
import { functions, httpRoutes, queues, stateMachines, tableStreamConsumers } from '../../shared/topology';
import {
  allAlarms,
  exported,
  flatten,
  keyPolicyStatements,
  type Resource,
  resourcesOf,
  stateful,
  statefulId,
  stateless,
} from '../support/stacks';

// Issue 16: someone hears about failures. Alarms per function, state machine and queue, on the API and SES,
// and every alarm of both stacks notifies the operations topic (in the app synthesised once for the run).

const alarms = allAlarms;
const topicRef = (stack: string) =>
  stack === 'stateful' ? { Ref: statefulId('OperationsTopic') } : exported('OperationsTopic');
/** The alarms on a metric of `namespace`/`metricName` whose dimensions mention `name`. */
const alarmsOn = (namespace: string, metricName: string, name = '') =>
  alarms().filter(
    ({ alarm }) =>
      alarm.Properties.Namespace === namespace &&
      alarm.Properties.MetricName === metricName &&
      flatten(alarm.Properties.Dimensions ?? '').includes(name),
  );

describe('operations: alarms that reach someone', () => {
  it('has one operations topic, encrypted with the key, which CloudWatch may use', () => {
    stateful.resourceCountIs('AWS::SNS::Topic', 1);
    stateful.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'frontdoor-test-operations',
      KmsMasterKeyId: { 'Fn::GetAtt': [statefulId('Key'), 'Arn'] },
    });
    const forCloudWatch = keyPolicyStatements().find((s) =>
      flatten(s.Principal ?? '').includes('cloudwatch.amazonaws.com'),
    );
    expect(flatten(forCloudWatch?.Action ?? '')).toContain('kms:GenerateDataKey*');
  });

  it('makes every alarm of both stacks notify the topic when it fires and when it is OK again', () => {
    const all = alarms();
    expect(all.length).toBeGreaterThan(60);
    const silent = all
      .filter(
        ({ stack, alarm }) =>
          flatten(alarm.Properties.AlarmActions ?? []) !== flatten([topicRef(stack)]) ||
          flatten(alarm.Properties.OKActions ?? []) !== flatten([topicRef(stack)]),
      )
      .map(({ alarm }) => String(alarm.Properties.AlarmDescription));
    expect(silent).toEqual([]);
  });

  it('watches every function’s errors and throttles, and the stream consumers’ iterator age', () => {
    const describes = (metric: string, name: string) =>
      alarmsOn('AWS/Lambda', metric).some(({ alarm }) =>
        String(alarm.Properties.AlarmDescription).startsWith(`Function ${name} `),
      );
    for (const spec of functions) {
      expect(describes('Errors', spec.name), spec.name).toBe(true);
      expect(describes('Throttles', spec.name), spec.name).toBe(true);
    }
    expect(alarmsOn('AWS/Lambda', 'Errors')).toHaveLength(functions.length);
    expect(alarmsOn('AWS/Lambda', 'IteratorAge')).toHaveLength(tableStreamConsumers().length);
  });

  it('watches every state machine’s failed and timed-out executions', () => {
    expect(alarmsOn('AWS/States', 'ExecutionsFailed')).toHaveLength(stateMachines.length);
    expect(alarmsOn('AWS/States', 'ExecutionsTimedOut')).toHaveLength(stateMachines.length);
  });

  it('watches the age of the oldest message of every work queue, and every DLQ’s depth', () => {
    for (const spec of queues) {
      const watched = alarmsOn('AWS/SQS', 'ApproximateAgeOfOldestMessage').filter(({ alarm }) =>
        flatten(alarm.Properties.Dimensions).includes(statefulId(`${spec.name}-queue`)),
      );
      expect(watched, spec.name).toHaveLength(1);
    }
    expect(alarmsOn('AWS/SQS', 'ApproximateAgeOfOldestMessage')).toHaveLength(queues.length);
    const dlqs = resourcesOf(stateful, 'AWS::SQS::Queue').filter((q) =>
      String(q.Properties.QueueName ?? '').endsWith('dlq'),
    ).length;
    expect(alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').length).toBeGreaterThanOrEqual(dlqs);
  });

  it('watches the API’s 5xx and p99 latency, and SES bounce and complaint rates', () => {
    expect(alarmsOn('AWS/ApiGateway', '5xx')).toHaveLength(1);
    const latency = alarmsOn('AWS/ApiGateway', 'Latency');
    expect(latency).toHaveLength(1);
    expect(latency[0]?.alarm.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000 });
    expect(alarmsOn('AWS/SES', 'Reputation.BounceRate')).toHaveLength(1);
    expect(alarmsOn('AWS/SES', 'Reputation.ComplaintRate')).toHaveLength(1);
  });

  it('watches the wake-up schedule group for wake-ups dropped or not dead-lettered', () => {
    for (const metric of ['InvocationDroppedCount', 'InvocationsFailedToBeSentToDeadLetterCount']) {
      const [only, ...more] = alarmsOn('AWS/Scheduler', metric);
      expect(more, metric).toEqual([]);
      expect(JSON.stringify(only?.alarm.Properties.Dimensions), metric).toContain('ScheduleGroup');
    }
  });
});

describe('limits on the public doors', () => {
  const stage = () => {
    const [only] = resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage');
    return only?.Properties ?? {};
  };
  const routeKeys = (auth: 'jwt' | 'none') =>
    httpRoutes()
      .filter((r) => r.trigger.auth === auth)
      .map((r) => `${r.trigger.method} ${r.trigger.path}`);

  it('gives every public route its own throttle, and leaves the agents’ routes to the stage’s', () => {
    const settings = stage().RouteSettings as Record<string, unknown>;
    expect(Object.keys(settings).sort()).toEqual(routeKeys('none').sort());
    for (const key of routeKeys('none'))
      expect(settings[key], key).toEqual({
        ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
      });
    expect(stage().DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: STAGE_THROTTLE.rateLimit,
      ThrottlingBurstLimit: STAGE_THROTTLE.burstLimit,
    });
    expect(PUBLIC_ROUTE_THROTTLE.rateLimit).toBeLessThan(STAGE_THROTTLE.rateLimit);
  });

  it('deploys the stage after the routes its settings name', () => {
    const [stageId] = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Stage'));
    const dependsOn = (stateless.toJSON().Resources[stageId ?? ''].DependsOn ?? []) as string[];
    const publicRoutes = Object.entries(stateless.findResources('AWS::ApiGatewayV2::Route')).filter(([, r]) =>
      routeKeys('none').includes(String((r as Resource).Properties.RouteKey)),
    );
    expect(publicRoutes.length).toBe(routeKeys('none').length);
    for (const [id] of publicRoutes) expect(dependsOn).toContain(id);
  });
});

describe('logs that expire', () => {
  const templates = { stateful, stateless };
  const logGroups = (template: typeof stateful) => template.findResources('AWS::Logs::LogGroup');
  /** The logical id a `{ Ref }` or `{ Fn::GetAtt: [id, 'Arn'] }` points at. */
  const target = (value: unknown) => {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    return v.Ref ?? v['Fn::GetAtt']?.[0];
  };

  it('gives every log group of both stacks a retention, and uses no Custom::LogRetention', () => {
    for (const [name, template] of Object.entries(templates)) {
      const groups = Object.entries(logGroups(template)) as Array<[string, Resource]>;
      const forever = groups.filter(([, g]) => !(Number(g.Properties.RetentionInDays) > 0)).map(([id]) => id);
      expect(forever, name).toEqual([]);
      template.resourceCountIs('Custom::LogRetention', 0);
    }
    expect(Object.keys(logGroups(stateless)).length).toBeGreaterThan(functions.length);
  });

  it('sends every function, state machine and the API’s access log to one of those log groups', () => {
    for (const [name, template] of Object.entries(templates)) {
      const groups = new Set(Object.keys(logGroups(template)));
      const fns = Object.entries(template.findResources('AWS::Lambda::Function')) as Array<
        [string, Resource]
      >;
      const unmanaged = fns
        .filter(
          ([, fn]) =>
            !groups.has(target((fn.Properties.LoggingConfig as { LogGroup?: unknown })?.LogGroup) ?? ''),
        )
        .map(([id]) => id);
      expect(unmanaged, name).toEqual([]);
      for (const machine of resourcesOf(template, 'AWS::StepFunctions::StateMachine')) {
        const destinations = (
          machine.Properties.LoggingConfiguration as {
            Destinations: Array<{ CloudWatchLogsLogGroup: { LogGroupArn: unknown } }>;
          }
        ).Destinations;
        for (const d of destinations)
          expect(groups.has(target(d.CloudWatchLogsLogGroup.LogGroupArn) ?? '')).toBe(true);
      }
      for (const stage of resourcesOf(template, 'AWS::ApiGatewayV2::Stage')) {
        const access = stage.Properties.AccessLogSettings as { DestinationArn: unknown };
        expect(groups.has(target(access.DestinationArn) ?? '')).toBe(true);
      }
    }
    expect(resourcesOf(stateless, 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(functions.length);
    expect(resourcesOf(stateless, 'AWS::StepFunctions::StateMachine')).toHaveLength(stateMachines.length);
    expect(resourcesOf(stateless, 'AWS::ApiGatewayV2::Stage')).toHaveLength(1);
  });
});
