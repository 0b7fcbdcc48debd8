import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/frontdoor-function';
import { functions, stateMachineFunctions, stateMachines } from '../../shared/topology';
import {
  actionsOf,
  exported,
  type Resource,
  resourcesOf,
  stateful,
  stateless,
  statelessId,
  stateMachineResource,
  statementsOfFunction,
  statementsOfRole,
  synth,
} from '../support/stacks';

// The deployed state machines (the approval workflow), their roles and the functions' rights on them, in
// the app synthesised once for the run (test/support/stacks-global-setup.ts).

describe('state machines', () => {
  const LOG_DELIVERY = [
    'logs:CreateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:DescribeLogGroups',
    'logs:DescribeResourcePolicies',
    'logs:GetLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:UpdateLogDelivery',
  ];
  const TRACING = [
    'xray:GetSamplingRules',
    'xray:GetSamplingTargets',
    'xray:PutTelemetryRecords',
    'xray:PutTraceSegments',
  ];

  it('deploys the approval workflow only: time-driven work is on the scheduler, no SLA timer is left', () => {
    expect(stateMachines.map((spec) => spec.name)).toEqual(['approval']);
    expect(
      resourcesOf(stateless, 'AWS::StepFunctions::StateMachine').map((r) => r.Properties.StateMachineName),
    ).toEqual(['frontdoor-test-approval']);
    expect(synth.stateMachines).toEqual(['approval']);
  });

  it('deploys one Standard state machine per topology entry, named after the stage', () => {
    stateless.resourceCountIs('AWS::StepFunctions::StateMachine', stateMachines.length);
    for (const spec of stateMachines) {
      expect(stateMachineResource(spec.name).Properties.StateMachineType).toBe('STANDARD');
    }
  });

  it('deploys the ASL file as written, its placeholders bound to the deployed functions’ ARNs', () => {
    for (const spec of stateMachines) {
      const { Properties } = stateMachineResource(spec.name);
      const file = readFileSync(join(REPO_ROOT, spec.definition), 'utf8');
      expect(JSON.parse(Properties.DefinitionString as string)).toEqual(JSON.parse(file));
      expect(Properties.DefinitionS3Location).toBeUndefined();
      expect(Properties.DefinitionSubstitutions).toEqual(
        Object.fromEntries(
          stateMachineFunctions(spec).map(({ placeholder, fn }) => [
            placeholder,
            { 'Fn::GetAtt': [statelessId(fn.name), 'Arn'] },
          ]),
        ),
      );
    }
  });

  it('logs every execution event, without execution data, to its own KMS-encrypted log group, and traces', () => {
    for (const spec of stateMachines) {
      const logsId = statelessId(`${spec.name}-logs`);
      expect(stateMachineResource(spec.name).Properties).toMatchObject({
        LoggingConfiguration: {
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logsId, 'Arn'] } } }],
          IncludeExecutionData: false,
          Level: 'ALL',
        },
        TracingConfiguration: { Enabled: true },
      });
      stateless.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/vendedlogs/states/frontdoor-test-${spec.name}`,
        RetentionInDays: 30,
        KmsKeyId: exported('Key', 'Arn'),
      });
    }
  });

  it('is assumed by Step Functions of this account only', () => {
    for (const spec of stateMachines) {
      const roleId = statelessId(`${spec.name}/Role`);
      const role = stateless.findResources('AWS::IAM::Role')[roleId] as Resource;
      expect(role.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Principal: { Service: 'states.amazonaws.com' },
            Condition: {
              ArnLike: { 'aws:SourceArn': expect.anything() },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ],
      });
      expect(stateMachineResource(spec.name).Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    }
  });

  it('uses Resource * for log delivery and X-Ray only', () => {
    for (const spec of stateMachines) {
      const starred = statementsOfRole(stateless, statelessId(`${spec.name}/Role`)).filter(
        (s) => s.Resource === '*',
      );
      expect(actionsOf(starred).sort(), spec.name).toEqual([...LOG_DELIVERY, ...TRACING].sort());
    }
  });

  it('gives Step Functions rights to no function but those granted them', () => {
    const expected = (grants: readonly string[]) => [
      ...(grants.includes('approvals:start') ? ['states:StartExecution'] : []),
      ...(grants.includes('approvals:callback') ? TASK_RESPONSE : []),
    ];
    for (const spec of functions) {
      const actions = actionsOf(statementsOfFunction(spec.name)).filter((a) => a.startsWith('states:'));
      expect(actions.sort(), spec.name).toEqual(expected(spec.grants).sort());
    }
    expect(functions.filter((f) => f.grants.includes('approvals:start')).map((f) => f.name)).toEqual([
      'start-approval',
    ]);
  });

  it('leaves track-approval to its state machine: no event source, rule, route or resource policy', () => {
    const fnId = statelessId('track-approval');
    const mentions = (type: string): Resource[] =>
      resourcesOf(stateless, type).filter((r) => JSON.stringify(r.Properties).includes(`"${fnId}"`));
    expect(mentions('AWS::Lambda::EventSourceMapping')).toEqual([]);
    expect(mentions('AWS::Lambda::Permission')).toEqual([]);
    expect(mentions('AWS::Events::Rule')).toEqual([]);
    expect(mentions('AWS::ApiGatewayV2::Integration')).toEqual([]);
  });

  it('outputs each state machine’s ARN', () => {
    stateless.hasOutput('ApprovalStateMachineArn', {
      Value: { Ref: statelessId('approval') },
    });
  });
});

const TASK_RESPONSE = ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'];

describe('approval state machine', () => {
  const definition = () => JSON.parse(stateMachineResource('approval').Properties.DefinitionString as string);
  const machineArnByName = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':states:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':stateMachine:frontdoor-test-approval',
      ],
    ],
  };

  it('waits for the decision on a task token, with a timeout until the next reminder or expiry', () => {
    const await_ = definition().States.AwaitDecision;
    expect(await_).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions placeholder, not a template
        FunctionName: '${TrackApprovalFunctionArn}',
        Payload: { step: 'await', 'taskToken.$': '$$.Task.Token' },
      },
      TimeoutSecondsPath: '$.plan.timeoutSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Look' }],
    });
    expect(stateMachineResource('approval').Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      StateMachineName: 'frontdoor-test-approval',
      DefinitionSubstitutions: {
        TrackApprovalFunctionArn: { 'Fn::GetAtt': [statelessId('track-approval'), 'Arn'] },
      },
    });
  });

  it('lets its role invoke track-approval (that ARN alone) and put events on the bus, nothing more', () => {
    const scoped = statementsOfRole(stateless, statelessId('approval/Role')).filter(
      (s) => s.Resource !== '*',
    );
    expect(actionsOf(scoped).sort()).toEqual(['events:PutEvents', 'lambda:InvokeFunction']);
    const invoke = scoped.find((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    expect(invoke?.Resource).toEqual({
      'Fn::GetAtt': [statelessId('track-approval'), 'Arn'],
    });
  });

  it('lets start-approval start this state machine only, with its ARN in the env', () => {
    const machineRef = { Ref: statelessId('approval') };
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'frontdoor-test-start-approval',
      Environment: { Variables: Match.objectLike({ APPROVAL_WORKFLOW_ARN: machineRef }) },
    });
    const states = statementsOfFunction('start-approval').filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('states:')),
    );
    expect(states).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: machineRef }]);
  });

  it('lets decide-approval and track-approval answer this state machine’s task tokens, and no other function', () => {
    for (const name of ['decide-approval', 'track-approval']) {
      const states = statementsOfFunction(name)
        .filter((s) => actionsOf([s]).some((a) => a.startsWith('states:')))
        .map((s) => ({ ...s, Action: actionsOf([s]).sort() }));
      expect(states, name).toEqual([{ Effect: 'Allow', Action: TASK_RESPONSE, Resource: machineArnByName }]);
    }
    expect(
      functions
        .filter((f) => f.grants.includes('approvals:callback'))
        .map((f) => f.name)
        .sort(),
    ).toEqual(['decide-approval', 'track-approval']);
  });

  it('starts from approval.requested through the approvals queue, whose rule target has a DLQ', () => {
    const rule = resourcesOf(stateful, 'AWS::Events::Rule').find(
      (r) =>
        JSON.stringify(r.Properties.EventPattern).includes('approval.requested') &&
        !JSON.stringify(r.Properties.EventPattern).includes('ticket.created'),
    );
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        DeadLetterConfig: { Arn: expect.anything() },
        RetryPolicy: expect.anything(),
      }),
    ]);
  });
});
