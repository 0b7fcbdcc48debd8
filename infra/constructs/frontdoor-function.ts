import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { tableDesign } from '../../shared/adapters/table-design';
import { EXPORTS_PREFIX } from '../../shared/domain/privacy-export';
import {
  type EnvRef,
  type FunctionSpec,
  type Grant,
  INBOUND_MAIL_PREFIX,
  type StateMachineSpec,
  stateMachines as topologyStateMachines,
} from '../../shared/topology';
import { ATTACHMENTS_PREFIX, INTENT_MODELS_PREFIX } from '../../shared/use-cases/ports';
import { aliasArgs, besideBundleCommands, functionBundling, rebundleCommand } from '../bundling';

/** Repository root: `entry` paths in the topology are relative to it, and it is esbuild's project root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const FUNCTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Env refs that name a state machine's ARN (a `StateMachineSpec.arnRef`). */
export type StateMachineRef = Extract<EnvRef['ref'], `stateMachine.${string}`>;

/** The state machine each state-machine grant is on, by its `arnRef`. */
const GRANT_STATE_MACHINES = {
  'approvals:start': 'stateMachine.approval',
} as const satisfies Partial<Record<Grant, StateMachineRef>>;

/**
 * The state machines a function refers to through its env or its grants. The stack creates them before
 * the function; a state machine's Task functions must therefore not need it themselves.
 */
export function stateMachinesNeededBy(spec: FunctionSpec): Set<StateMachineRef> {
  const needed = new Set<StateMachineRef>();
  for (const value of Object.values(spec.env)) {
    if (typeof value !== 'string' && isStateMachineRef(value.ref)) needed.add(value.ref);
  }
  const byGrant: Partial<Record<Grant, StateMachineRef>> = GRANT_STATE_MACHINES;
  for (const grant of spec.grants) {
    const ref = byGrant[grant];
    if (ref) needed.add(ref);
  }
  return needed;
}

/** Whether an env ref names a state machine's ARN. */
export function isStateMachineRef(ref: EnvRef['ref']): ref is StateMachineRef {
  return ref.startsWith('stateMachine.');
}

/** The tickets' wake-ups: EventBridge Scheduler schedules in one group, sent to one queue (DESIGN.md "Time"). */
export interface WakeUpResources {
  /** The schedule group's name, a plain string (known before deployment), so grants name it without a reference. */
  readonly groupName: string;
  /** The schedules' target, the topology's `WAKE_UP_QUEUE`. */
  readonly queue: IQueue;
  /** Where the scheduler puts a wake-up it could not send (the queue's redrive DLQ). */
  readonly deadLetterQueue: IQueue;
  /** The role the scheduler assumes to send to the queue; functions pass it when they set a schedule. */
  readonly role: iam.IRole;
}

/** The resources and settings a function can be granted access to or given (see `Grant` and `EnvRef`). */
export interface FrontdoorResources {
  /** The single table, built from `tableDesign`. */
  readonly table: ITable;
  /** The customer-managed key that encrypts the table and the mail bucket (callers need it for both). */
  readonly key: IKey;
  /** The Frontdoor event bus. */
  readonly bus: IEventBus;
  /** One secret per webhook source in the workflow config. */
  readonly webhookSecrets: readonly ISecret[];
  /** The secret that signs needs-info links. */
  readonly linksSecret: ISecret;
  /** Name of `linksSecret` (a plain string: it is known before deployment). */
  readonly linksSecretName: string;
  /** The bucket SES writes inbound mail to (SSE-KMS with `key`). */
  readonly mailBucket: IBucket;
  /**
   * The mail bucket's ARN built from its fixed name, for IAM: not a cross-stack reference, so the object
   * grants (and their cdk-nag acknowledgments) read the same in every stage.
   */
  readonly mailBucketArn: string;
  /** The support address: mail to it comes in, mail from it goes out. */
  readonly supportAddress: string;
  /** Base URL of the public API and hosted forms (may be a token). */
  readonly publicBaseUrl: string;
  /**
   * The state machines by `arnRef`, for env refs to their ARNs and grants on them. A function that needs
   * one not given here is rejected.
   * @default - none
   */
  readonly stateMachines?: ReadonlyMap<StateMachineRef, IStateMachine>;
  /**
   * The wake-up schedule group, queue and scheduler role, for `wakeUps.*` env refs and the `wakeUps:schedule`
   * grant. A function that needs them when they are not given is rejected.
   * @default - none
   */
  readonly wakeUps?: WakeUpResources;
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
 * package-lock.json), a source map beside each bundle (read by `npm run stack`, not at run time), its own log group with one month's retention, X-Ray tracing, and a
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
      // No NODE_OPTIONS=--enable-source-maps: Node would parse the bundle's whole source map at every cold
      // start (~15 ms for 0.5 MB) for stack traces that are rare; `npm run stack` maps a logged one.
      environment: resolveEnvironment(spec, resources),
      bundling: {
        // The same esbuild options the benchmark measures (infra/bundling.ts).
        format: OutputFormat.ESM,
        target: functionBundling.target,
        mainFields: [...functionBundling.mainFields],
        banner: functionBundling.banner.js,
        minify: functionBundling.minify,
        charset: functionBundling.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        esbuildArgs: { '--alias': aliasArgs(functionBundling.alias) },
        define: functionBundling.define,
        sourceMap: true,
        // Stack traces only need the mappings; embedding the sources would double the asset.
        sourcesContent: false,
        bundleAwsSDK: true,
        // Nothing from node_modules: only the data files copied beside the bundle (BESIDE_BUNDLE).
        externalModules: [...functionBundling.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The bundle again through esbuild's API, with the plugins the command line cannot take.
          afterBundling: (inputDir, outputDir) => [
            rebundleCommand(inputDir, join(REPO_ROOT, spec.entry), join(outputDir, 'index.mjs')),
            ...besideBundleCommands(inputDir, outputDir, join(outputDir, 'index.mjs')),
          ],
        },
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });

    this.spec = spec;
    this.executionRole = executionRole;
    this.functionLogGroup = functionLogGroup;

    functionLogGroup.grantWrite(executionRole);
    for (const grant of new Set(spec.grants)) this.applyGrant(grant, resources, stage);

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
  private grantSecrets(secrets: readonly ISecret[]): void {
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

  /**
   * SendEmail (SESv2; SendRawEmail for SESv1 clients) from the support address and nothing else: on the
   * address's identity or its domain's (whichever the operator verified), and only with that From address.
   */
  private grantSendMail(supportAddress: string): void {
    const stack = Stack.of(this);
    const domain = supportAddress.slice(supportAddress.lastIndexOf('@') + 1);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [supportAddress, domain].map((identity) =>
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
        ),
        conditions: { StringEquals: { 'ses:FromAddress': supportAddress } },
      }),
    );
  }

  /** cdk-nag flags object-level wildcards; objects under one fixed key prefix is as narrow as S3 grants go. */
  private acknowledgeObjectWildcard(objectsArn: string, purpose: string): void {
    Validations.of(this.executionRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagFlatten(Stack.of(this).resolve(objectsArn))}]`,
      reason: `Objects under one fixed key prefix of the mail bucket, to ${purpose}; the keys are only known at run time.`,
    });
  }

  /** The key of the mail bucket, usable only through S3 (and so only for S3 objects encrypted with it). */
  private grantKeyViaS3(key: IKey, ...actions: string[]): void {
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions,
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` },
        },
      }),
    );
  }

  /**
   * CreateSchedule/UpdateSchedule on the schedules of the wake-up group only (not the group itself, not
   * Delete: a wake-up deletes itself after it ran), and PassRole on the scheduler's role only, to the
   * scheduler only. The schedule names are tickets' ids, only known at run time.
   */
  private grantScheduleWakeUps({ groupName, role }: WakeUpResources): void {
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${groupName}/*`,
    });
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
        resources: [schedules],
      }),
    );
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagFlatten(Stack.of(this).resolve(schedules))}]`,
      reason: `The schedules of one schedule group (${groupName}), one per ticket and named after it: the names are only known at run time. Create and update only; the scheduler's role it may pass can only send to the wake-up queue.`,
    });
  }

  /**
   * SendTaskSuccess/Failure/Heartbeat on one state machine's task tokens, nothing else (what
   * `grantTaskResponse` grants). By the machine's physical name, not a reference to it: the function
   * invoked by that machine's Task state needs it too, and a reference would be a dependency cycle.
   */
  private grantTaskResponse(ref: StateMachineRef, stage: string): void {
    const machine = topologyStateMachines.find((m) => m.arnRef === ref);
    if (!machine) throw new Error(`${this.spec.name}: no state machine in the topology provides ${ref}`);
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: stateMachineNameFor(stage, machine),
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }

  /** Maps one topology grant to least-privilege IAM on the execution role. */
  private applyGrant(grant: Grant, resources: FrontdoorResources, stage: string): void {
    const { table, key: tableKey, bus, webhookSecrets, mailBucketArn } = resources;
    const inbound = `${mailBucketArn}/${INBOUND_MAIL_PREFIX}*`;
    const attachments = `${mailBucketArn}/${ATTACHMENTS_PREFIX}*`;
    const models = `${mailBucketArn}/${INTENT_MODELS_PREFIX}*`;
    const exports = `${mailBucketArn}/${EXPORTS_PREFIX}*`;
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
      case 'table:scan':
        // The whole table read page by page: an erasure looks for the requester in every item.
        this.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['dynamodb:Scan'], resources: [table.tableArn] }),
        );
        tableKey.grant(this, 'kms:Decrypt', 'kms:DescribeKey');
        return;
      case 'objects:erase':
        // Every version of a key listed, then deleted: the bucket is versioned, and erased means gone.
        this.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [mailBucketArn] }),
        );
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
            resources: [inbound, attachments, exports],
          }),
        );
        for (const [objects, what] of [
          [inbound, 'raw mail'],
          [attachments, 'attachments'],
          [exports, 'export files'],
        ] as const)
          this.acknowledgeObjectWildcard(
            objects,
            `delete a requester's ${what} (every version) when their data is erased or its retention ends`,
          );
        return;
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
        this.grantSecrets(webhookSecrets);
        return;
      case 'secrets:links':
        this.grantSecrets([resources.linksSecret]);
        return;
      case 'objects:read':
        // Raw inbound mail and the attachments taken out of it; both are written by SES or Frontdoor only.
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [inbound, attachments],
          }),
        );
        this.grantKeyViaS3(resources.key, 'kms:Decrypt');
        this.acknowledgeObjectWildcard(
          inbound,
          'read the raw mail SES stored under `inbound/<SES message id>`',
        );
        this.acknowledgeObjectWildcard(
          attachments,
          'read the attachments Frontdoor took out of inbound mail',
        );
        return;
      case 'objects:write':
        // Attachments only: raw inbound mail under `inbound/` is SES's, and stays as SES wrote it.
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['s3:PutObject'],
            resources: [attachments],
          }),
        );
        // GenerateDataKey for SSE-KMS; Decrypt for the multipart uploads of large attachments.
        this.grantKeyViaS3(resources.key, 'kms:GenerateDataKey', 'kms:Decrypt');
        this.acknowledgeObjectWildcard(
          attachments,
          'write one object per attachment under `attachments/<receipt id>/`',
        );
        return;
      case 'models:read':
        this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [models] }));
        this.grantKeyViaS3(resources.key, 'kms:Decrypt');
        this.acknowledgeObjectWildcard(
          models,
          'read the intent model in force, `models/intent/<version>.bin`',
        );
        return;
      case 'models:write':
        this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [models] }));
        this.grantKeyViaS3(resources.key, 'kms:GenerateDataKey', 'kms:Decrypt');
        this.acknowledgeObjectWildcard(models, 'write one object per trained intent model version');
        return;
      case 'exports:read':
        // A presigned download link reads with its signer's rights: the admin API signs, so it may read.
        this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [exports] }));
        this.grantKeyViaS3(resources.key, 'kms:Decrypt');
        this.acknowledgeObjectWildcard(
          exports,
          "sign download links to a requester export's files, `exports/<export id>/…`",
        );
        return;
      case 'exports:build':
        // Reads the attachments to copy (not the raw mail under `inbound/`), writes the export's files.
        this.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [attachments] }),
        );
        this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [exports] }));
        this.grantKeyViaS3(resources.key, 'kms:GenerateDataKey', 'kms:Decrypt');
        this.acknowledgeObjectWildcard(
          attachments,
          "read the requester's attachments, `attachments/<receipt id>/…`, to copy them into the export",
        );
        this.acknowledgeObjectWildcard(
          exports,
          "write a requester export's files under `exports/<export id>/`",
        );
        return;
      case 'mail:send':
        this.grantSendMail(resources.supportAddress);
        return;
      case 'wakeUps:schedule':
        this.grantScheduleWakeUps(wakeUpsFor(this.spec, resources));
        return;
      case 'approvals:start':
        // StartExecution only: no StopExecution, DescribeExecution or StartSyncExecution.
        stateMachineFor(this.spec, resources, GRANT_STATE_MACHINES[grant]).grantStartExecution(this);
        return;
      case 'approvals:callback':
        this.grantTaskResponse('stateMachine.approval', stage);
        return;
      default:
        assertNever(grant);
    }
  }
}

function resolveEnvironment(spec: FunctionSpec, resources: FrontdoorResources): Record<string, string> {
  const { table, bus, mailBucket, supportAddress, publicBaseUrl, linksSecretName } = resources;
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.env)) {
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
      case 'bucket.name':
        resolved[name] = mailBucket.bucketName;
        break;
      case 'mail.supportAddress':
        resolved[name] = supportAddress;
        break;
      case 'api.url':
        resolved[name] = publicBaseUrl;
        break;
      case 'secret.links':
        resolved[name] = linksSecretName;
        break;
      case 'wakeUps.group':
        resolved[name] = wakeUpsFor(spec, resources).groupName;
        break;
      case 'wakeUps.queueArn':
        resolved[name] = wakeUpsFor(spec, resources).queue.queueArn;
        break;
      case 'wakeUps.roleArn':
        resolved[name] = wakeUpsFor(spec, resources).role.roleArn;
        break;
      case 'wakeUps.deadLetterArn':
        resolved[name] = wakeUpsFor(spec, resources).deadLetterQueue.queueArn;
        break;
      case 'stateMachine.approval':
        resolved[name] = stateMachineFor(spec, resources, value.ref).stateMachineArn;
        break;
      default:
        assertNever(value.ref);
    }
  }
  return resolved;
}

function stateMachineFor(
  spec: FunctionSpec,
  { stateMachines }: FrontdoorResources,
  ref: StateMachineRef,
): IStateMachine {
  const stateMachine = stateMachines?.get(ref);
  if (!stateMachine) {
    throw new Error(`${spec.name} refers to state machine "${ref}", which the stack has not created (yet)`);
  }
  return stateMachine;
}

function wakeUpsFor(spec: FunctionSpec, { wakeUps }: FrontdoorResources): WakeUpResources {
  if (!wakeUps) {
    throw new Error(
      `${spec.name} needs the wake-up scheduler (schedule group, queue, role), which the stack was not given`,
    );
  }
  return wakeUps;
}

/** A resolved CloudFormation value as cdk-nag writes it in a finding id (`Fn::Join` joined, `Ref` as `<Name>`). */
function nagFlatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    if ('Fn::Join' in value) {
      const [delimiter, parts] = value['Fn::Join'] as [string, unknown[]];
      return parts.map(nagFlatten).join(delimiter);
    }
    if ('Ref' in value) return `<${String(value.Ref)}>`;
  }
  throw new Error(`Cannot name a cdk-nag finding after ${JSON.stringify(value)}`);
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

/** The physical name of a topology state machine in a stage. */
export function stateMachineNameFor(stage: string, spec: Pick<StateMachineSpec, 'name'>): string {
  return `frontdoor-${stage}-${spec.name}`;
}

/** The physical name of a topology function in a stage. */
export function functionNameFor(stage: string, spec: Pick<FunctionSpec, 'name'>): string {
  return `frontdoor-${stage}-${spec.name}`;
}
