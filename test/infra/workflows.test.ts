import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/frontdoor-function';
import {
  functions,
  type StateMachineSpec,
  stateMachineFunctions,
  stateMachines,
} from '../../shared/topology';

/** asl-validator 4 is CommonJS without type declarations: its one export, as its README documents it. */
type AslValidator = (
  definition: unknown,
  options?: { readonly checkPaths?: boolean; readonly checkArn?: boolean },
) => {
  readonly isValid: boolean;
  readonly errors: ReadonlyArray<{ readonly 'Error code': string; readonly Message: string }>;
};
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** The part of an ASL state these tests read. */
interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Arguments?: Readonly<Record<string, unknown>>;
  readonly Retry?: readonly unknown[];
  readonly Next?: string;
  readonly TimestampPath?: string;
  readonly Branches?: readonly Definition[];
  readonly ItemProcessor?: Definition;
  readonly Iterator?: Definition;
}
interface Definition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

const WORKFLOWS_DIR = 'infra/workflows';
const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

function read(spec: StateMachineSpec): string {
  return readFileSync(join(REPO_ROOT, spec.definition), 'utf8');
}

/** A definition to break, one state at a time. */
type Editable = { States: Record<string, Record<string, unknown>> };

/** The definition as CloudFormation deploys it: each placeholder replaced by a (dummy) function ARN. */
function substituted(spec: StateMachineSpec): string {
  let text = read(spec);
  for (const { placeholder, fn } of stateMachineFunctions(spec)) {
    text = text.replaceAll(
      `\${${placeholder}}`,
      `arn:aws:lambda:eu-west-1:123456789012:function:frontdoor-test-${fn.name}`,
    );
  }
  return text;
}

/** Every state with its name, including those inside Parallel branches and Map item processors. */
function allStates(definition: Definition): Array<[string, State]> {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...[...(state.Branches ?? []), state.ItemProcessor, state.Iterator]
      .filter((nested): nested is Definition => nested !== undefined)
      .flatMap(allStates),
  ]);
}

function isLambdaInvoke(state: State): boolean {
  return state.Type === 'Task' && (state.Resource ?? '').startsWith('arn:aws:states:::lambda:invoke');
}

/** The FunctionName a `lambda:invoke` Task state passes (JSONPath `Parameters` or JSONata `Arguments`). */
function functionNameOf(state: State): unknown {
  return (state.Parameters ?? state.Arguments)?.FunctionName;
}

describe('workflow definitions', () => {
  it('has one state machine spec per infra/workflows/*.asl.json file, and a file for every spec', () => {
    const files = readdirSync(join(REPO_ROOT, WORKFLOWS_DIR))
      .filter((file) => file.endsWith('.asl.json'))
      .map((file) => `${WORKFLOWS_DIR}/${file}`);
    expect(files.length).toBeGreaterThan(0);
    expect(stateMachines.map((spec) => spec.definition).sort()).toEqual(files.sort());
  });

  it.each(stateMachines.map((spec) => [spec.name, spec] as const))(
    '%s is valid Amazon States Language once its placeholders are substituted',
    (_name, spec) => {
      const result = validateAsl(JSON.parse(substituted(spec)));
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    },
  );

  it('rejects broken copies, so a pass above means the validator really looked', () => {
    const [spec] = stateMachines;
    if (!spec) throw new Error('no state machine in the topology');
    const definition = substituted(spec);
    const editable = (): Editable => JSON.parse(definition) as Editable;

    // A transition to a state that does not exist.
    const dangling = editable();
    const target = Object.values(dangling.States).find((state) => typeof state.Next === 'string');
    if (!target) throw new Error(`${spec.name} has no state with Next`);
    target.Next = 'NoSuchState';
    const danglingResult = validateAsl(dangling);
    expect(danglingResult.isValid).toBe(false);
    expect(danglingResult.errors.map((e) => e['Error code'])).toContain('MISSING_TRANSITION_TARGET');

    // A state no transition reaches.
    const orphaned = editable();
    orphaned.States.Orphan = { Type: 'Succeed' };
    expect(validateAsl(orphaned).errors).toContainEqual(
      expect.objectContaining({
        'Error code': 'MISSING_TRANSITION_TARGET',
        Message: 'State Orphan is not reachable',
      }),
    );

    // A Task without a Resource (a schema error).
    const schemaBroken = editable();
    const task = Object.values(schemaBroken.States).find((state) => state.Type === 'Task');
    if (!task) throw new Error(`${spec.name} has no Task state`);
    delete task.Resource;
    expect(validateAsl(schemaBroken).isValid).toBe(false);
  });

  it.each(stateMachines.map((spec) => [spec.name, spec] as const))(
    '%s uses every substitution its spec declares, and has no placeholder without one',
    (_name, spec) => {
      const used = [...new Set(Array.from(read(spec).matchAll(PLACEHOLDER), (m) => m[1]))].sort();
      expect(used).toEqual(Object.keys(spec.substitutions).sort());
      expect(used.length).toBeGreaterThan(0);
    },
  );

  it.each(stateMachines.map((spec) => [spec.name, spec] as const))(
    '%s invokes functions only through placeholders, and retries every Task',
    (_name, spec) => {
      const definition = JSON.parse(read(spec)) as Definition;
      const states = allStates(definition);
      for (const [name, state] of states.filter(([, s]) => s.Type === 'Task')) {
        // A literal function ARN would deploy the same function to every stage.
        expect(state.Resource, name).toMatch(/^arn:aws:states:::/);
        expect(state.Retry?.length ?? 0, `${name} has a Retry`).toBeGreaterThan(0);
      }
      const invokes = states.filter(([, s]) => isLambdaInvoke(s));
      expect(invokes.length).toBeGreaterThan(0);
      for (const [name, state] of invokes) {
        expect(functionNameOf(state), name).toMatch(/^\$\{[A-Za-z0-9_]+\}$/);
      }
    },
  );

  it('matches the topology: Task triggers name the state machines that substitute their function', () => {
    const declared = functions.flatMap((fn) =>
      fn.triggers.flatMap((t) => (t.kind === 'state-machine-task' ? [`${t.stateMachine} → ${fn.name}`] : [])),
    );
    const substitutedFns = stateMachines.flatMap((spec) =>
      stateMachineFunctions(spec).map(({ fn }) => `${spec.name} → ${fn.name}`),
    );
    expect(declared.sort()).toEqual(substitutedFns.sort());
    expect(new Set(stateMachines.map((spec) => spec.arnRef)).size).toBe(stateMachines.length);
  });
});

describe('approval', () => {
  const spec = stateMachines.find((s) => s.name === 'approval');
  if (!spec) throw new Error('the topology has no approval state machine');
  const definition = JSON.parse(read(spec)) as Definition;
  const trackPlaceholder = stateMachineFunctions(spec).find(
    ({ fn }) => fn.name === 'track-approval',
  )?.placeholder;

  it('is the only state machine: time-driven work (SLA, reminders, closing) is on the scheduler', () => {
    expect(stateMachines.map((s) => s.name)).toEqual(['approval']);
    expect(functions.flatMap((fn) => fn.triggers).filter((t) => t.kind === 'state-machine-task')).toEqual([
      { kind: 'state-machine-task', stateMachine: 'approval' },
    ]);
  });

  it('asks track-approval for a plan first', () => {
    expect(trackPlaceholder).toBe('TrackApprovalFunctionArn');
    const start = definition.States[definition.StartAt];
    expect(start && isLambdaInvoke(start)).toBe(true);
    expect(start && functionNameOf(start)).toBe(`\${${trackPlaceholder}}`);
  });

  it('waits for the decision on a task token until the plan’s timeout, then looks again', () => {
    const awaits = Object.entries(definition.States).filter(
      ([, state]) => state.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    );
    expect(awaits).toHaveLength(1);
    const [, wait] = awaits[0] ?? [];
    expect(wait && functionNameOf(wait)).toBe(`\${${trackPlaceholder}}`);
    expect(wait).toMatchObject({
      TimeoutSecondsPath: '$.plan.timeoutSeconds',
      Catch: [{ ErrorEquals: ['States.Timeout'], Next: definition.StartAt }],
      Next: definition.StartAt,
    });
    expect(Object.values(definition.States).filter((state) => state.Type === 'Wait')).toEqual([]);
  });

  it('puts the entries the plan returns on the bus through the events integration', () => {
    const puts = Object.values(definition.States).filter(
      (state) => state.Type === 'Task' && state.Resource === 'arn:aws:states:::events:putEvents',
    );
    expect(puts).toHaveLength(1);
    expect(puts[0]?.Parameters).toEqual({ 'Entries.$': '$.plan.entries' });
    expect(spec.grants).toEqual(['bus:put']);
  });
});
