import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatefulStack } from '../../infra/stateful-stack';
import type { StatelessStack } from '../../infra/stateless-stack';
import { type FunctionSpec, functions, WAKE_UP_QUEUE } from '../../shared/topology';
import { stackPair } from '../support/cdk';

/** Specs that exercise what the topology does not have yet, on a stand-in handler. */
const onTicketCreated: FunctionSpec = {
  name: 'notify-requester',
  description: 'Test: reacts to ticket.created',
  entry: 'test/infra/fixtures/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 30,
  triggers: [
    { kind: 'event', pattern: { source: ['frontdoor'], 'detail-type': ['ticket.created'] } },
    { kind: 'event', pattern: { source: ['frontdoor'], 'detail-type': ['ticket.state_changed'] } },
  ],
  env: { EVENT_BUS_NAME: { ref: 'bus.name' } },
  grants: ['bus:put'],
};

/** A queue consumer and an inbound-mail function, on the stand-in handler. */
const consumer: FunctionSpec = {
  name: 'consume-notifications',
  description: 'Test: consumes the notifications queue',
  entry: 'test/infra/fixtures/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 30,
  triggers: [{ kind: 'queue', queue: 'notifications', batchSize: 5 }],
  env: { PUBLIC_BASE_URL: { ref: 'api.url' }, FROM: { ref: 'mail.supportAddress' } },
  grants: ['mail:send'],
};
const mailbox: FunctionSpec = {
  name: 'take-mail',
  description: 'Test: receives mail',
  entry: 'test/infra/fixtures/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 30,
  triggers: [{ kind: 'inbound-mail' }],
  env: { MAIL_BUCKET: { ref: 'bucket.name' } },
  grants: ['objects:read'],
};

/** Sets tickets' wake-ups: every wake-up ref in its env, and the grant. */
const scheduler: FunctionSpec = {
  name: 'set-wake-ups',
  description: 'Test: sets wake-ups',
  entry: 'test/infra/fixtures/handler.ts',
  memoryMb: 256,
  timeoutSeconds: 30,
  triggers: [{ kind: 'queue', queue: WAKE_UP_QUEUE, batchSize: 10 }],
  env: {
    GROUP: { ref: 'wakeUps.group' },
    QUEUE_ARN: { ref: 'wakeUps.queueArn' },
    ROLE_ARN: { ref: 'wakeUps.roleArn' },
    DLQ_ARN: { ref: 'wakeUps.deadLetterArn' },
  },
  grants: ['wakeUps:schedule'],
};

let outdir: string;

function stacks(
  specs: readonly FunctionSpec[],
  { withWakeUps = true }: { readonly withWakeUps?: boolean } = {},
): { stateful: StatefulStack; stateless: StatelessStack } {
  // Templates only: no esbuild or Vite (bundle.test.ts bundles a function), no CloudFormation validation
  // (it runs once per test run, on the whole app, in stacks-nag.test.ts).
  const app = new App({
    outdir,
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  return stackPair(app, { stage: 'unit', functions: specs, supportAddress: 'help@example.org', withWakeUps });
}

function logicalIdAt(stack: Stack, id: string): string {
  return stack.getLogicalId(stack.node.findChild(id).node.defaultChild as CfnElement);
}

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'frontdoor-cdk-fn-'));
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('event triggers', () => {
  let template: Template;
  let stateless: StatelessStack;

  beforeAll(() => {
    ({ stateless } = stacks([onTicketCreated]));
    template = Template.fromStack(stateless);
  });

  it('creates one rule per event trigger on the Frontdoor bus, with the pattern as written', () => {
    template.resourceCountIs('AWS::Events::Rule', 2);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: { source: ['frontdoor'], 'detail-type': ['ticket.created'] },
    });
  });

  it('retries delivery and sends what still fails to one encrypted, TLS-only DLQ', () => {
    const dlq = logicalIdAt(stateless, 'notify-requester-dlq');
    const fn = logicalIdAt(stateless, 'notify-requester');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
        },
      ],
    });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('adds no API route for a function without HTTP triggers', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });
});

describe('queue and inbound-mail triggers', () => {
  let template: Template;
  let stateless: StatelessStack;
  let stateful: StatefulStack;

  beforeAll(() => {
    ({ stateful, stateless } = stacks([consumer, mailbox]));
    template = Template.fromStack(stateless);
  });

  it('turns a queue trigger into an SQS event source with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: stateless.resolve(stateful.queues.get('notifications')?.queueArn),
      FunctionName: { Ref: logicalIdAt(stateless, 'consume-notifications') },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sends mail from the support address it was given and points links at the API', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ses:SendEmail', 'ses:SendRawEmail'],
            Condition: { StringEquals: { 'ses:FromAddress': 'help@example.org' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          FROM: 'help@example.org',
          PUBLIC_BASE_URL: stateless.resolve(stateless.apiStage.url),
        }),
      },
    });
  });

  it('creates the receipt rule set for the inbound-mail function, with its async DLQ', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({ Recipients: ['help@example.org'] }),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalIdAt(stateless, 'take-mail') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('creates no receipt rule set when no function takes inbound mail', () => {
    expect(stacks([consumer]).stateless.receiptRuleSet).toBeUndefined();
  });
});

describe('wake-up refs and grant', () => {
  let template: Template;
  let stateless: StatelessStack;
  let stateful: StatefulStack;

  beforeAll(() => {
    ({ stateful, stateless } = stacks([scheduler]));
    template = Template.fromStack(stateless);
  });

  it('resolves the wake-up refs to the group name and the stateful queue, DLQ and scheduler role ARNs', () => {
    const wakeUps = stateful.wakeUps;
    if (!wakeUps) throw new Error('the stateful stack has no wake-up scheduling');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'frontdoor-unit-set-wake-ups',
      Environment: {
        Variables: Match.objectLike({
          GROUP: 'frontdoor-unit-wake-ups',
          QUEUE_ARN: stateless.resolve(wakeUps.queue.queueArn),
          ROLE_ARN: stateless.resolve(wakeUps.role.roleArn),
          DLQ_ARN: stateless.resolve(wakeUps.deadLetterQueue.queueArn),
        }),
      },
    });
    expect(stateless.resolve(wakeUps.queue.queueArn)).toEqual(
      stateless.resolve(stateful.queues.get(WAKE_UP_QUEUE)?.queueArn),
    );
    expect(stateless.resolve(wakeUps.deadLetterQueue.queueArn)).not.toEqual(
      stateless.resolve(wakeUps.queue.queueArn),
    );
  });

  it('grants create and update on the group’s schedules and PassRole on the scheduler role, to the scheduler', () => {
    const roleId = stateless.getLogicalId(
      stateless.node.findChild('set-wake-ups-role').node.defaultChild as CfnElement,
    );
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`),
    );
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: unknown; Resource: unknown }>,
    );
    const schedules = stateless.resolve(
      stateless.formatArn({
        service: 'scheduler',
        resource: 'schedule',
        resourceName: 'frontdoor-unit-wake-ups/*',
      }),
    );
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
      Resource: schedules,
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: stateless.resolve(stateful.wakeUps?.role.roleArn),
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
    expect(JSON.stringify(statements)).not.toContain('scheduler:DeleteSchedule');
  });
});

describe('function specs', () => {
  it('rejects a queue trigger on a queue the stack does not have', () => {
    expect(() =>
      stacks([{ ...consumer, triggers: [{ kind: 'queue', queue: 'nowhere', batchSize: 1 }] }]),
    ).toThrow(/consumes queue "nowhere"/);
  });

  it('rejects an unauthenticated route nobody gave a reason for', () => {
    expect(() =>
      stacks([
        {
          ...onTicketCreated,
          triggers: [
            { kind: 'http', method: 'DELETE', path: '/v1/everything', auth: 'none', publicBecause: ' ' },
          ],
        },
      ]),
    ).toThrow(/DELETE \/v1\/everything \(notify-requester\) has auth "none" but no reason/);
  });

  it('rejects a spec whose name is not kebab-case before anything is bundled', () => {
    expect(() => stacks([{ ...onTicketCreated, name: 'NotifyRequester' }])).toThrow(
      /Invalid function spec "NotifyRequester": name must be kebab-case/,
    );
  });

  it('rejects a function that needs a state machine the stack does not deploy', () => {
    const starter: FunctionSpec = {
      ...consumer,
      env: { APPROVAL_WORKFLOW_ARN: { ref: 'stateMachine.approval' } },
      grants: ['approvals:start'],
    };
    // Without track-approval among the functions, the approval workflow is not deployed either.
    expect(() => stacks([starter])).toThrow(
      /consume-notifications refers to state machine "stateMachine.approval", which the stack has not created/,
    );
  });

  it('rejects a Task function that needs its own state machine (a cycle)', () => {
    const trackApproval = functions.find((f) => f.name === 'track-approval');
    if (!trackApproval) throw new Error('the topology has no track-approval');
    expect(() =>
      stacks([{ ...trackApproval, grants: [...trackApproval.grants, 'approvals:start'] }]),
    ).toThrow(/state machine approval invokes track-approval, which itself needs a state machine: a cycle/);
  });

  it('rejects a state machine Task trigger when that state machine is not deployed', () => {
    expect(() =>
      stacks([{ ...consumer, triggers: [{ kind: 'state-machine-task', stateMachine: 'approval' }] }]),
    ).toThrow(/consume-notifications is a Task of state machine "approval", which the stack does not deploy/);
  });

  it('rejects a function that sets wake-ups when the stack was not given the wake-up scheduling', () => {
    expect(() => stacks([scheduler], { withWakeUps: false })).toThrow(
      /set-wake-ups needs the wake-up scheduler \(schedule group, queue, role\), which the stack was not given/,
    );
    expect(() => stacks([{ ...scheduler, grants: [] }], { withWakeUps: false })).toThrow(
      /set-wake-ups needs the wake-up scheduler/,
    );
  });

  it('rejects an entry outside the repository and an out-of-range timeout', () => {
    expect(() => stacks([{ ...onTicketCreated, entry: '../elsewhere.ts', timeoutSeconds: 901 }])).toThrow(
      /entry must be relative to the repository root; timeoutSeconds must be an integer between 1 and 900/,
    );
  });
});
