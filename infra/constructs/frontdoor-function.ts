import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableDesign } from '../../shared/adapters/table-design';
import { functionBundling } from '../bundling';
import type { EnvValue, FunctionSpec, Grant } from '../topology';

/** Repository root: `entry` paths in the topology are relative to it, and it is esbuild's project root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const FUNCTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The stateful resources a function can be granted access to (see `Grant` in the topology). */
export interface FrontdoorResources {
  /** The single table, built from `tableDesign`. */
  readonly table: ITable;
  /** The customer-managed key that encrypts the table (callers need it to read and write items). */
  readonly tableKey: IKey;
  /** The Frontdoor event bus. */
  readonly bus: IEventBus;
  /** One secret per webhook source in the workflow config. */
  readonly webhookSecrets: readonly ISecret[];
}

export interface FrontdoorFunctionProps {
  /** The topology entry; `spec.name` is the construct id and must never change once deployed. */
  readonly spec: FunctionSpec;
  /** Deployment stage, part of the function's physical name (`frontdoor-<stage>-<name>`). */
  readonly stage: string;
  /** What `spec.env` refers to and `spec.grants` are granted on. */
  readonly resources: FrontdoorResources;
  /**
   * Key that encrypts the function's log group. Its key policy must let CloudWatch Logs use it.
   * @default - log group encrypted with the CloudWatch Logs service key
   */
  readonly logKey?: IKey;
}

/**
 * A Lambda function from one topology `FunctionSpec`, with Frontdoor's defaults fixed: Node 22 on arm64,
 * ESM bundled locally by esbuild (the AWS SDK v3 clients are bundled, so their versions are the ones in
 * package-lock.json), source maps, its own log group with one month's retention, X-Ray tracing, and a
 * role that holds exactly the spec's grants — no AWS managed policies.
 *
 * The log group and the role are siblings of the function (`<name>-logs`, `<name>-role`) because they
 * must exist before `super()` is called.
 */
export class FrontdoorFunction extends NodejsFunction {
  /** The topology entry this function was built from. */
  public readonly spec: FunctionSpec;
  /** The function's execution role (no managed policies; grants only). */
  public readonly executionRole: iam.Role;
  /** The function's own log group. */
  public readonly functionLogGroup: LogGroup;

  public constructor(scope: Construct, props: FrontdoorFunctionProps) {
    const { spec, stage, resources } = props;
    assertValidSpec(spec);
    assertLocalEsbuild();

    const functionName = functionNameFor(stage, spec);
    const executionRole = new iam.Role(scope, `${spec.name}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    const functionLogGroup = new LogGroup(scope, `${spec.name}-logs`, {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.logKey,
      // The stateless stack must be replaceable; the logs are operational, not the system of record.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    super(scope, spec.name, {
      functionName,
      description: spec.description,
      entry: join(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: executionRole,
      logGroup: functionLogGroup,
      environment: {
        ...resolveEnvironment(spec.env, resources),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // The same esbuild options the benchmark measures (infra/bundling.ts).
        format: OutputFormat.ESM,
        target: functionBundling.target,
        mainFields: [...functionBundling.mainFields],
        banner: functionBundling.banner.js,
        minify: functionBundling.minify,
        sourceMap: true,
        // Stack traces only need the mappings; embedding the sources would double the asset.
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    this.spec = spec;
    this.executionRole = executionRole;
    this.functionLogGroup = functionLogGroup;

    functionLogGroup.grantWrite(executionRole);
    for (const grant of new Set(spec.grants)) this.applyGrant(grant, resources);

    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions.',
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 on purpose: the same version as package.json engines, the local runtime and the tests; moving to a newer runtime is a deliberate upgrade.',
    });
  }

  /**
   * GetSecretValue on each secret, and Decrypt on their keys only through Secrets Manager.
   * Not `secret.grantRead()`: with a customer-managed key it also writes the role's ARN into the key
   * policy, which lives in the stateful stack — a cross-stack cycle. The key policy already trusts the
   * account's IAM policies, so the identity policy alone is enough.
   */
  private grantWebhookSecrets(secrets: readonly ISecret[]): void {
    if (secrets.length === 0) return;
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: secrets.map((secret) => secret.secretArn),
      }),
    );
    const keyArns = [...new Set(secrets.flatMap((secret) => secret.encryptionKey?.keyArn ?? []))];
    if (keyArns.length === 0) return;
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: keyArns,
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
          },
        },
      }),
    );
  }

  /** Maps one topology grant to least-privilege IAM on the execution role. */
  private applyGrant(grant: Grant, { table, tableKey, bus, webhookSecrets }: FrontdoorResources): void {
    switch (grant) {
      case 'table:read': {
        // Query on the named indexes only (not `index/*`): the indexes come from the same `tableDesign`.
        const indexArns = tableDesign.globalSecondaryIndexes.map(
          (i) => `${table.tableArn}/index/${i.indexName}`,
        );
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
            resources: [table.tableArn],
          }),
        );
        this.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
        tableKey.grant(this, 'kms:Decrypt', 'kms:DescribeKey');
        return;
      }
      case 'table:write':
        // TransactWriteItems is authorised per item through these same actions; it has no IAM action of its own.
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [
              'dynamodb:PutItem',
              'dynamodb:UpdateItem',
              'dynamodb:DeleteItem',
              'dynamodb:ConditionCheckItem',
            ],
            resources: [table.tableArn],
          }),
        );
        tableKey.grant(this, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
        return;
      case 'bus:put':
        bus.grantPutEventsTo(this);
        return;
      case 'secrets:webhooks':
        this.grantWebhookSecrets(webhookSecrets);
        return;
      default:
        assertNever(grant);
    }
  }
}

function resolveEnvironment(
  env: Readonly<Record<string, EnvValue>>,
  { table, bus }: FrontdoorResources,
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') {
      resolved[name] = value;
      continue;
    }
    switch (value.ref) {
      case 'table.name':
        resolved[name] = table.tableName;
        break;
      case 'bus.name':
        resolved[name] = bus.eventBusName;
        break;
      default:
        assertNever(value.ref);
    }
  }
  return resolved;
}

function assertValidSpec(spec: FunctionSpec): void {
  const problems: string[] = [];
  if (!FUNCTION_NAME.test(spec.name)) problems.push('name must be kebab-case');
  if (spec.entry.startsWith('/') || spec.entry.includes('..')) {
    problems.push('entry must be relative to the repository root');
  }
  if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < 128 || spec.memoryMb > 10_240) {
    problems.push('memoryMb must be an integer between 128 and 10240');
  }
  if (!Number.isInteger(spec.timeoutSeconds) || spec.timeoutSeconds < 1 || spec.timeoutSeconds > 900) {
    problems.push('timeoutSeconds must be an integer between 1 and 900');
  }
  if ('NODE_OPTIONS' in spec.env) problems.push('env must not set NODE_OPTIONS (the construct owns it)');
  if (problems.length > 0) {
    throw new Error(`Invalid function spec "${spec.name}": ${problems.join('; ')}`);
  }
}

/**
 * NodejsFunction silently falls back to Docker when it cannot find esbuild; there is no Docker here or in
 * CI, so fail early with the actual cause instead of a Docker error.
 */
function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error(
      'esbuild is not installed: run `npm ci` (functions are bundled locally, never in Docker)',
    );
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${String(value)}`);
}

/** The physical name of a topology function in a stage. */
export function functionNameFor(stage: string, spec: Pick<FunctionSpec, 'name'>): string {
  return `frontdoor-${stage}-${spec.name}`;
}
