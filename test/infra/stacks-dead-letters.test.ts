import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functionNameFor } from '../../infra/constructs/frontdoor-function';
import {
  awsLocation,
  type DeadLetterKind,
  deadLetterQueues,
  functionName,
  queueLogicalId,
} from '../../infra/dead-letters';
import { functions } from '../../shared/topology';
import { getAttIds, logicalIdIn, type Resource, resourcesOf, stateful, stateless } from '../support/stacks';

// `npm run redrive`'s table of dead-letter queues (infra/dead-letters.ts) against the app
// synthesised once for the run: the same queues, found where the table says, holding what it says.

/** Every queue something sends its failures to, by logical id, with the kind of what sends them. */
function deadLetterQueuesIn(template: Template): Map<string, DeadLetterKind> {
  const found = new Map<string, DeadLetterKind>();
  const add = (arn: unknown, kind: DeadLetterKind) => {
    const [id] = getAttIds([arn]);
    if (id) found.set(id, kind);
  };
  for (const bus of resourcesOf(template, 'AWS::Events::EventBus'))
    add((bus.Properties.DeadLetterConfig as { Arn: unknown }).Arn, 'bus');
  const typeOf = (arn: unknown) => (template.toJSON().Resources[getAttIds([arn])[0] ?? ''] as Resource)?.Type;
  for (const rule of resourcesOf(template, 'AWS::Events::Rule')) {
    for (const target of rule.Properties.Targets as Array<{
      Arn: unknown;
      DeadLetterConfig?: { Arn: unknown };
    }>) {
      const toQueue = typeOf(target.Arn) === 'AWS::SQS::Queue';
      add(target.DeadLetterConfig?.Arn, toQueue ? 'rules' : 'event-rule');
    }
  }
  for (const queue of resourcesOf(template, 'AWS::SQS::Queue')) {
    const redrive = queue.Properties.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined;
    if (redrive) add(redrive.deadLetterTargetArn, 'queue');
  }
  for (const mapping of resourcesOf(template, 'AWS::Lambda::EventSourceMapping')) {
    const config = mapping.Properties.DestinationConfig as
      | { OnFailure?: { Destination: unknown } }
      | undefined;
    if (config?.OnFailure) add(config.OnFailure.Destination, 'table-stream');
  }
  for (const config of resourcesOf(template, 'AWS::Lambda::EventInvokeConfig')) {
    const destination = config.Properties.DestinationConfig as { OnFailure: { Destination: unknown } };
    add(destination.OnFailure.Destination, 'inbound-mail');
  }
  return found;
}

describe('the redrive table of dead-letter queues', () => {
  const rows = deadLetterQueues();

  it('has one row, of the right kind, for each DLQ of each stack, and no other', () => {
    for (const [stack, template] of [
      ['stateful', stateful],
      ['stateless', stateless],
    ] as const) {
      const inTable = new Map(
        rows.filter((r) => r.stack === stack).map((r) => [logicalIdIn(stack, r.constructId), r.kind]),
      );
      expect(new Map([...inTable].sort()), stack).toEqual(new Map([...deadLetterQueuesIn(template)].sort()));
    }
  });

  it('finds each queue by its physical name, or by the logical id CloudFormation named it after', () => {
    for (const row of rows) {
      const queue = (row.stack === 'stateful' ? stateful : stateless).toJSON().Resources[
        logicalIdIn(row.stack, row.constructId)
      ] as Resource;
      const where = awsLocation(row, 'test');
      if ('queueName' in where) expect(queue.Properties.QueueName, row.name).toBe(where.queueName);
      else {
        expect(queue.Properties.QueueName, row.name).toBeUndefined();
        expect(where.logicalId, row.name).toBe(queueLogicalId(row.constructId));
        expect(where.logicalId, row.name).toBe(logicalIdIn(row.stack, row.constructId));
        expect(where.stackName).toBe(`frontdoor-test-${row.stack}`);
      }
    }
  });

  it('names the functions it invokes as the stack does, and gives every row its own name', () => {
    for (const fn of functions) expect(functionName('test', fn.name)).toBe(functionNameFor('test', fn));
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });
});
