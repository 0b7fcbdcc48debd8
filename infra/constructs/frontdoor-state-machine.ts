import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { type StateMachineSpec, stateMachineFunctions } from '../../shared/topology';
import { REPO_ROOT, stateMachineNameFor } from './frontdoor-function';

const STATE_MACHINE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `${Name}` in an ASL file: what CloudFormation's DefinitionSubstitutions replaces. */
const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

export interface FrontdoorStateMachineProps {
  /** The topology entry; `spec.name` is the construct id and must never change once deployed. */
  readonly spec: StateMachineSpec;
  /** Deployment stage, part of the physical name (`frontdoor-<stage>-<name>`). */
  readonly stage: string;
  /** The deployed topology functions by name; every substituted function must be among them. */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** The Frontdoor event bus (`bus:put`). */
  readonly bus: IEventBus;
  /**
   * Key that encrypts the execution log group. Its key policy must let CloudWatch Logs use it.
   * @default - log group encrypted with the CloudWatch Logs service key
   */
  readonly logKey?: IKey;
}

/**
 * A Standard state machine from one topology `StateMachineSpec`: the ASL file as written (the same file
 * the local runtime runs), each `${Name}` placeholder bound by CloudFormation's DefinitionSubstitutions to
 * a topology function's ARN, every execution event logged (without execution data) to its own encrypted
 * log group, X-Ray tracing, and a role that may invoke exactly the substituted functions plus the spec's
 * grants.
 *
 * The definition is inlined (`DefinitionBody.fromString` on the file's content) rather than uploaded as
 * an S3 asset (`fromFile`): the template then shows the workflow itself, so `cdk diff` and reviews see a
 * changed state rather than a changed asset hash, and the file is parsed and checked before synthesis.
 *
 * The log group is a sibling of the state machine (`<name>-logs`) because it must exist before `super()`.
 */
export class FrontdoorStateMachine extends StateMachine {
  /** The topology entry this state machine was built from. */
  public readonly spec: StateMachineSpec;
  /** Where every execution's history events go. */
  public readonly executionLogGroup: LogGroup;

  public constructor(scope: Construct, props: FrontdoorStateMachineProps) {
    const { spec, stage } = props;
    const definition = readDefinition(spec);
    const invoked = stateMachineFunctions(spec).map(({ placeholder, fn }) => {
      const deployed = props.functions.get(fn.name);
      if (!deployed) {
        throw new Error(
          `state machine ${spec.name} invokes ${fn.name} (\${${placeholder}}), which the stack does not deploy`,
        );
      }
      return { placeholder, fn: deployed };
    });

    const stateMachineName = stateMachineNameFor(stage, spec);
    const executionLogGroup = new LogGroup(scope, `${spec.name}-logs`, {
      // Step Functions delivers logs as vended logs; under this prefix the log group's resource policy
      // stays within its size limit however many state machines log to the account.
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: props.logKey,
      // The stateless stack must be replaceable; the logs are operational, not the system of record.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    super(scope, spec.name, {
      stateMachineName,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries(
        invoked.map(({ placeholder, fn }) => [placeholder, fn.functionArn]),
      ),
      // Waits of hours or days: Express executions end after five minutes.
      stateMachineType: StateMachineType.STANDARD,
      logs: {
        destination: executionLogGroup,
        level: LogLevel.ALL,
        // Inputs and outputs carry ticket content and event entries; the logs keep the events only.
        includeExecutionData: false,
      },
      tracingEnabled: true,
    });

    this.spec = spec;
    this.executionLogGroup = executionLogGroup;

    // The unqualified ARNs only, not `grantInvoke`'s `<arn>:*`: the definition invokes exactly the ARN
    // substituted for its placeholder, never a version or an alias.
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: invoked.map(({ fn }) => fn.functionArn),
      }),
    );
    for (const grant of new Set(spec.grants)) {
      switch (grant) {
        case 'bus:put':
          props.bus.grantPutEventsTo(this);
          break;
        default:
          assertNever(grant);
      }
    }

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Execution logging and X-Ray tracing: the logs:*LogDelivery / DescribeLogGroups / resource-policy actions Step Functions uses to set up log delivery, and xray:PutTraceSegments / PutTelemetryRecords / GetSampling*, do not support resource-level permissions.',
    });
  }
}

/** The definition file's content, after checking it is JSON whose placeholders are exactly the spec's. */
function readDefinition(spec: StateMachineSpec): string {
  const problems: string[] = [];
  if (!STATE_MACHINE_NAME.test(spec.name)) problems.push('name must be kebab-case');
  if (spec.definition.startsWith('/') || spec.definition.includes('..')) {
    problems.push('definition must be relative to the repository root');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid state machine spec "${spec.name}": ${problems.join('; ')}`);
  }

  const text = readFileSync(join(REPO_ROOT, spec.definition), 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e: unknown) {
    throw new Error(`state machine ${spec.name}: ${spec.definition} is not JSON`, { cause: e });
  }
  const used = new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]));
  const declared = new Set(Object.keys(spec.substitutions));
  const unbound = [...used].filter((name) => name !== undefined && !declared.has(name));
  const unused = [...declared].filter((name) => !used.has(name));
  if (unbound.length > 0 || unused.length > 0) {
    throw new Error(
      `state machine ${spec.name}: placeholders without a substitution [${unbound.join(', ')}], substitutions not used by ${spec.definition} [${unused.join(', ')}]`,
    );
  }
  // Compact: the template carries the definition, and whitespace only inflates it.
  return JSON.stringify(parsed);
}

function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${String(value)}`);
}
