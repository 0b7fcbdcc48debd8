import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseWorkflowConfig, type WorkflowConfig, workflowConfig } from '../shared/config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** Stage names end up in stack, function, bus and log group names, so they are kept short and plain. */
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

/** A `stage` that cannot be used in resource names. */
export class InvalidStageError extends Error {
  public override readonly name = 'InvalidStageError';
  public readonly code = 'INFRA.INVALID_STAGE';
}

export interface BuildAppOptions {
  /**
   * A workflow config to validate and deploy instead of the repository's, e.g. a broken one in a test.
   * It goes through `parseWorkflowConfig`, so a bad one throws its `WorkflowConfigError`.
   * @default - `workflowConfig` from `shared/config`
   */
  readonly config?: unknown;
  /**
   * Deployment stage.
   * @default - context `stage` (`cdk synth -c stage=prod`), else `dev`
   */
  readonly stage?: string;
  /** Props for the CDK `App` (outdir, context, …). */
  readonly appProps?: AppProps;
  /**
   * Run the cdk-nag AwsSolutions pack when the app is synthesized.
   * @default true
   */
  readonly nag?: boolean;
}

export interface FrontdoorApp {
  readonly app: App;
  readonly stage: string;
  readonly config: WorkflowConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Builds (but does not synthesize) the Frontdoor CDK app: `Frontdoor-Stateful` (key, table, bus, secrets)
 * and `Frontdoor-Stateless` (user pool, HTTP API, functions), checked by cdk-nag AwsSolutions.
 * Environment-agnostic and lookup-free, so it synthesizes offline.
 */
export function buildApp(options: BuildAppOptions = {}): FrontdoorApp {
  const config = options.config === undefined ? workflowConfig : parseWorkflowConfig(options.config);
  const app = new App(options.appProps);

  const stage = options.stage ?? app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string' || !STAGE.test(stage)) {
    throw new InvalidStageError(
      `stage ${JSON.stringify(stage)} is invalid: use 1-20 lowercase letters, digits or '-', starting with a letter`,
    );
  }

  const stateful = new StatefulStack(app, 'Frontdoor-Stateful', {
    stackName: `frontdoor-${stage}-stateful`,
    description: `Frontdoor ${stage}: data (table, event bus, key, webhook secrets)`,
    stage,
    webhookSources: config.webhookSources,
  });
  const stateless = new StatelessStack(app, 'Frontdoor-Stateless', {
    stackName: `frontdoor-${stage}-stateless`,
    description: `Frontdoor ${stage}: API, user pool and functions`,
    stage,
    table: stateful.table,
    bus: stateful.bus,
    key: stateful.key,
    webhookSecrets: Object.values(stateful.webhookSecrets),
  });
  stateless.addStackDependency(stateful);

  Tags.of(app).add('app', 'frontdoor');
  Tags.of(app).add('stage', stage);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stage, config, stateful, stateless };
}
