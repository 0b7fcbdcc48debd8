/**
 * The synthesised Frontdoor stacks for the template tests (`test/infra/stacks-*.test.ts`): the templates
 * of the assembly that test/support/stacks-global-setup.ts synthesised once for the run, the logical ids
 * of construct paths, and the lookups the tests share (a role's statements, a cross-stack reference, …).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { expect, inject } from 'vitest';
import { STACK_IDS, type StackName, type SynthesizedStacks } from './stacks-synth';

/** Only resource types that always have Properties are read through this type. */
export type Resource = { Type: string; Properties: Record<string, unknown> };
export type PolicyStatement = {
  Effect?: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Sid?: string;
};

function synthesized(): SynthesizedStacks {
  const stacks = inject('frontdoorStacks');
  if (!stacks) {
    throw new Error(
      'no synthesised stacks: template tests run in the vitest project "stacks" (vitest.config.ts)',
    );
  }
  return stacks;
}

/** What the global setup collected from the construct tree (acknowledgments, findings, annotations, …). */
export const synth = synthesized();

function templateOf(stack: StackName): Template {
  const file = join(synth.directory, `${STACK_IDS[stack]}.template.json`);
  return Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
}

export const stateful = templateOf('stateful');
export const stateless = templateOf('stateless');

/** The stateless stack's nested stack of per-function alarms (kept apart for CloudFormation's 500 resources). */
export const functionAlarms = (() => {
  const [file, ...more] = readdirSync(synth.directory).filter((f) =>
    /^FrontdoorStatelessFunctionAlarms.*\.nested\.template\.json$/.test(f),
  );
  if (!file || more.length > 0) throw new Error('expected one nested template of function alarms');
  return Template.fromJSON(JSON.parse(readFileSync(join(synth.directory, file), 'utf8')));
})();

/** Every CloudWatch alarm of the app, with the stack whose references it uses (the nested one: stateless's). */
export function allAlarms(): Array<{ stack: 'stateful' | 'stateless'; alarm: Resource }> {
  return [
    ...resourcesOf(stateful, 'AWS::CloudWatch::Alarm').map((alarm) => ({
      stack: 'stateful' as const,
      alarm,
    })),
    ...[stateless, functionAlarms].flatMap((t) =>
      resourcesOf(t, 'AWS::CloudWatch::Alarm').map((alarm) => ({ stack: 'stateless' as const, alarm })),
    ),
  ];
}

/** The logical id of the CloudFormation element at `path` (relative to the stack), or behind the construct there. */
export function logicalIdIn(stack: StackName, path: string): string {
  const id = synth.logicalIds[stack][path];
  if (!id) throw new Error(`the ${stack} stack has no CloudFormation element at ${path}`);
  return id;
}

export const statefulId = (path: string) => logicalIdIn('stateful', path);
export const statelessId = (path: string) => logicalIdIn('stateless', path);

/**
 * A value of the stateful stack as the stateless stack refers to it: the import of the export whose value
 * is the `Ref` (or, with `attribute`, the `Fn::GetAtt`) of the element at `path`.
 */
export function exported(path: string, attribute?: string): { 'Fn::ImportValue': string } {
  const id = statefulId(path);
  const value = attribute ? { 'Fn::GetAtt': [id, attribute] } : { Ref: id };
  const outputs = Object.values(stateful.toJSON().Outputs ?? {}) as Array<{
    Value: unknown;
    Export?: { Name: string };
  }>;
  const name = outputs.find((o) => isDeepStrictEqual(o.Value, value))?.Export?.Name;
  if (!name) throw new Error(`the stateful stack exports no ${JSON.stringify(value)}`);
  return { 'Fn::ImportValue': name };
}

export function resourcesOf(template: Template, type: string): Resource[] {
  return Object.values(template.findResources(type)) as Resource[];
}

/** Every statement of the policies attached to the role with this logical id. */
export function statementsOfRole(template: Template, roleLogicalId: string): PolicyStatement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

export function actionsOf(statements: readonly PolicyStatement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The statements of a topology function's execution role. */
export function statementsOfFunction(name: string): PolicyStatement[] {
  return statementsOfRole(stateless, statelessId(`${name}-role`));
}

/** The statements of the stateful stack's key policy. */
export function keyPolicyStatements(): PolicyStatement[] {
  const keys = resourcesOf(stateful, 'AWS::KMS::Key');
  expect(keys).toHaveLength(1);
  return keys.flatMap((key) => (key.Properties.KeyPolicy as { Statement: PolicyStatement[] }).Statement);
}

/** Logical ids behind `{ 'Fn::GetAtt': [id, …] }` values. */
export function getAttIds(values: unknown[]): string[] {
  return values.map((v) => (v as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
}

/** A CloudFormation string value, `Fn::Join` joined and `Ref`s written `<Name>`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flatten).join(node['Fn::Join'][0]);
  if (node.Ref) return `<${node.Ref}>`;
  return JSON.stringify(value);
}

/** The deployed state machine whose physical name is `frontdoor-test-<name>`. */
export function stateMachineResource(name: string): Resource {
  const [machine, ...others] = resourcesOf(stateless, 'AWS::StepFunctions::StateMachine').filter(
    (r) => r.Properties.StateMachineName === `frontdoor-test-${name}`,
  );
  expect(others).toEqual([]);
  if (!machine) throw new Error(`no state machine frontdoor-test-${name}`);
  return machine;
}
