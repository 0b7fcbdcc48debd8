/**
 * Synthesises the Frontdoor CDK app once for the template tests (`test/infra/stacks-*.test.ts`), in the
 * vitest main process (see stacks-global-setup.ts): the same `buildApp` as `cdk synth`, stage `test`, with
 * cdk-nag and CloudFormation validation, but without esbuild bundling (the functions' code is not what
 * these tests look at; test/infra/bundle.test.ts bundles one function for real).
 *
 * The test files cannot reach the construct tree from their workers, so what they need of it is collected
 * here as plain data: the logical id behind each construct path, the cdk-nag acknowledgments, the
 * findings and annotations. The templates themselves are read from the cloud assembly directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app';

/** The two stacks, by the construct id that names their template file (`<id>.template.json`). */
export const STACK_IDS = { stateful: 'Frontdoor-Stateful', stateless: 'Frontdoor-Stateless' } as const;
export type StackName = keyof typeof STACK_IDS;

/** One cdk-nag acknowledgment: on the construct at `path`, the finding `id`, for `reason`. */
export interface Acknowledgment {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** What the template tests read: the assembly on disk and what only the construct tree knows. */
export interface SynthesizedStacks {
  /** The cloud assembly: `<stack id>.template.json`, `validation-report.json`, the staged assets. */
  readonly directory: string;
  /** Per stack, the logical id of the CloudFormation element at (or behind) each construct path. */
  readonly logicalIds: Record<StackName, Record<string, string>>;
  /** Every acknowledgment in the app, with the path of the construct it was made on. */
  readonly acknowledgments: readonly Acknowledgment[];
  /** `AwsSolutionsChecks().validateScope(app)` run again after synthesis: its findings, and whether it passed. */
  readonly nag: { readonly findings: readonly string[]; readonly success: boolean };
  /** CDK warning and error annotations of both stacks (`<stack>: <message>`). */
  readonly annotations: readonly string[];
  /** The keys of the stateless stack's `stateMachines` map. */
  readonly stateMachines: readonly string[];
  /** The wake-up schedule group's name, as the stateful stack hands it to the functions. */
  readonly wakeUpGroupName: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    frontdoorStacks: SynthesizedStacks;
  }
}

/** Builds and synthesises the app into a new temporary directory, and collects what the tests need. */
export function synthesizeStacks(): SynthesizedStacks {
  const outdir = mkdtempSync(join(tmpdir(), 'frontdoor-cdk-'));
  const built = buildApp({
    stage: 'test',
    // Skips every asset's bundling (esbuild for the functions, Vite for the agent UI); synthesis, cdk-nag
    // and CloudFormation validation still run on the same templates.
    appProps: { outdir, context: { 'aws:cdk:bundling-stacks': [] } },
  });
  // Runs cdk-nag and CloudFormation validation; throws with the report on an unsuppressed finding.
  const assembly = built.app.synth();
  const report = new AwsSolutionsChecks().validateScope(built.app);
  return {
    directory: assembly.directory,
    logicalIds: { stateful: logicalIdsOf(built.stateful), stateless: logicalIdsOf(built.stateless) },
    acknowledgments: built.app.node.findAll().flatMap(acknowledgmentsOf),
    nag: {
      findings: report.violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`,
      ),
      success: report.success,
    },
    annotations: [built.stateful, built.stateless].flatMap(warningsAndErrorsOf),
    stateMachines: [...built.stateless.stateMachines.keys()],
    wakeUpGroupName: built.stateful.wakeUps?.groupName ?? null,
  };
}

/** Construct path (relative to the stack) → logical id, for every CloudFormation element and every construct that has one as its default child. */
function logicalIdsOf(stack: Stack): Record<string, string> {
  const ids: Record<string, string> = {};
  const prefix = `${stack.node.path}/`;
  for (const construct of stack.node.findAll()) {
    const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
    if (construct === stack || !element || !CfnElement.isCfnElement(element)) continue;
    ids[construct.node.path.slice(prefix.length)] = stack.resolve(element.logicalId) as string;
  }
  return ids;
}

function acknowledgmentsOf(construct: IConstruct): Acknowledgment[] {
  return construct.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) =>
      Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
        path: construct.node.path,
        id,
        reason,
      })),
    );
}

function warningsAndErrorsOf(stack: Stack): string[] {
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findWarning('*', Match.anyValue()),
    ...annotations.findError('*', Match.anyValue()),
  ].map((m) => `${stack.node.id}: ${JSON.stringify(m.entry.data)}`);
}
