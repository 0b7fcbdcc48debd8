import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatefulStack } from '../../infra/stateful-stack';
import { StatelessStack } from '../../infra/stateless-stack';
import type { FunctionSpec } from '../../infra/topology';

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

let outdir: string;

function stacks(specs: readonly FunctionSpec[]): { stateful: StatefulStack; stateless: StatelessStack } {
  const app = new App({ outdir });
  const stateful = new StatefulStack(app, 'Stateful', {
    stage: 'unit',
    webhookSources: { demo: { description: 'Demo', secretName: 'frontdoor/webhooks/demo' } },
  });
  const stateless = new StatelessStack(app, 'Stateless', {
    stage: 'unit',
    table: stateful.table,
    bus: stateful.bus,
    key: stateful.key,
    webhookSecrets: Object.values(stateful.webhookSecrets),
    functions: specs,
  });
  return { stateful, stateless };
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

describe('function specs', () => {
  it('rejects a spec whose name is not kebab-case before anything is bundled', () => {
    expect(() => stacks([{ ...onTicketCreated, name: 'NotifyRequester' }])).toThrow(
      /Invalid function spec "NotifyRequester": name must be kebab-case/,
    );
  });

  it('rejects an entry outside the repository and an out-of-range timeout', () => {
    expect(() => stacks([{ ...onTicketCreated, entry: '../elsewhere.ts', timeoutSeconds: 901 }])).toThrow(
      /entry must be relative to the repository root; timeoutSeconds must be an integer between 1 and 900/,
    );
  });
});
