import { App, type AppProps, Aspects, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseWorkflowConfig, type WorkflowConfig, workflowConfig } from '../shared/config';
import { NotifyOperations } from './constructs/operations';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

/** Stage names end up in stack, function, bus and log group names, so they are kept short and plain. */
const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

/** A `stage` that cannot be used in resource names. */
export class InvalidStageError extends Error {
  public override readonly name = 'InvalidStageError';
  public readonly code = 'INFRA.INVALID_STAGE';
}

/** A context value (`supportAddress`, `publicBaseUrl`) that cannot be deployed. */
export class InvalidContextError extends Error {
  public override readonly name = 'InvalidContextError';
  public readonly code = 'INFRA.INVALID_CONTEXT';
}

/** Plain `local@domain` (SES identities and `ses:FromAddress` compare the bare address). */
const EMAIL_ADDRESS = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export const DEFAULT_SUPPORT_ADDRESS = 'support@example.com';

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
  /**
   * The support address: recipient of the SES receipt rule, From of every mail sent.
   * @default - context `supportAddress`, else `support@example.com`
   */
  readonly supportAddress?: string;
  /**
   * Base URL of the public API and hosted forms for links in mail (a custom domain in front of the API).
   * @default - context `publicBaseUrl`, else the HTTP API's own URL
   */
  readonly publicBaseUrl?: string;
  /**
   * Where the operations topic mails every alarm.
   * @default - context `alarmEmail`, else no subscription (subscribe to the topic yourself)
   */
  readonly alarmEmail?: string;
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
  /** The support address the app was built with (context `supportAddress`). */
  readonly supportAddress: string;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

/**
 * Builds (but does not synthesize) the Frontdoor CDK app: `Frontdoor-Stateful` (key, table, bus, queues,
 * mail bucket, secrets) and `Frontdoor-Stateless` (user pool, HTTP API, functions, SES receipt rules),
 * checked by cdk-nag AwsSolutions. Environment-agnostic and lookup-free, so it synthesizes offline.
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

  const supportAddress =
    options.supportAddress ?? app.node.tryGetContext('supportAddress') ?? DEFAULT_SUPPORT_ADDRESS;
  if (typeof supportAddress !== 'string' || !EMAIL_ADDRESS.test(supportAddress)) {
    throw new InvalidContextError(
      `supportAddress ${JSON.stringify(supportAddress)} is invalid: use a plain address such as support@example.com`,
    );
  }
  const publicBaseUrl: unknown = options.publicBaseUrl ?? app.node.tryGetContext('publicBaseUrl');
  if (publicBaseUrl !== undefined && (typeof publicBaseUrl !== 'string' || !isHttpsUrl(publicBaseUrl))) {
    throw new InvalidContextError(
      `publicBaseUrl ${JSON.stringify(publicBaseUrl)} is invalid: use an https:// URL such as https://support.example.com`,
    );
  }

  const alarmEmail: unknown = options.alarmEmail ?? app.node.tryGetContext('alarmEmail');
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !EMAIL_ADDRESS.test(alarmEmail))) {
    throw new InvalidContextError(
      `alarmEmail ${JSON.stringify(alarmEmail)} is invalid: use a plain address such as oncall@example.com`,
    );
  }

  const stateful = new StatefulStack(app, 'Frontdoor-Stateful', {
    stackName: `frontdoor-${stage}-stateful`,
    alarmEmail,
    description: `Frontdoor ${stage}: data (key, table, event bus, queues, mail bucket, secrets)`,
    stage,
    webhookSources: config.webhookSources,
  });
  const stateless = new StatelessStack(app, 'Frontdoor-Stateless', {
    stackName: `frontdoor-${stage}-stateless`,
    description: `Frontdoor ${stage}: API, user pool, functions and SES receipt rule set frontdoor-${stage} (activate it once: aws ses set-active-receipt-rule-set --rule-set-name frontdoor-${stage})`,
    stage,
    table: stateful.table,
    bus: stateful.bus,
    key: stateful.key,
    webhookSecrets: Object.values(stateful.webhookSecrets),
    linksSecret: stateful.linksSecret,
    linksSecretName: stateful.linksSecretName,
    mailBucket: stateful.mailBucket,
    queues: stateful.queues,
    wakeUps: stateful.wakeUps,
    supportAddress,
    publicBaseUrl,
  });
  stateless.addStackDependency(stateful);
  // Every alarm, in both stacks, notifies the operations topic when it fires and when it is OK again.
  Aspects.of(app).add(new NotifyOperations(stateful.operationsTopic));

  Tags.of(app).add('app', 'frontdoor');
  Tags.of(app).add('stage', stage);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return { app, stage, config, supportAddress, stateful, stateless };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
