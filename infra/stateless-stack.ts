import {
  Aws,
  CfnOutput,
  CrossStackReferences,
  Duration,
  NestedStack,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ReceiptRuleSet } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';
import { workflowConfig } from '../shared/config';
import {
  type FunctionSpec,
  INBOUND_MAIL_PREFIX,
  type QueueTrigger,
  type StateMachineSpec,
  type StateMachineTaskTrigger,
  stateMachineFunctions,
  type TableStreamTrigger,
  functions as topologyFunctions,
  stateMachines as topologyStateMachines,
} from '../shared/topology';
import { AgentUi } from './constructs/agent-ui';
import { deadLetterQueue } from './constructs/dead-letter-queue';
import {
  FrontdoorFunction,
  type FrontdoorResources,
  functionNameFor,
  isStateMachineRef,
  type StateMachineRef,
  stateMachinesNeededBy,
  type WakeUpResources,
} from './constructs/frontdoor-function';
import { FrontdoorStateMachine } from './constructs/frontdoor-state-machine';
import { watchApi, watchFunction, watchStateMachine } from './constructs/operations';
import { OperationsDashboard } from './constructs/operations-dashboard';
import { mailBucketName } from './stateful-stack';

/** The stage's default route throttle: each route without its own settings (the agents' API) gets this. */
export const STAGE_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

/**
 * Each public route's own throttle: a flood on one anonymous or shared-secret door (a form, a survey link,
 * a webhook sender) is answered 429 on that route before it reaches a Lambda, so it cannot take the account's
 * Lambda concurrency and API Gateway quota the agents' routes need.
 * 20 requests per second is far above what a support form or a webhook source sends.
 */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/**
 * The Cognito groups, the agent API's roles (DESIGN.md "Public contracts"): the fixed roles, `queue-<id>` for
 * every queue of the workflow config (agents work the queues of their queue groups), and `approver-<group>`
 * for every group the approval policies name.
 */
export const SUPPORT_GROUPS: readonly string[] = [
  'agent',
  'lead',
  ...Object.keys(workflowConfig.queues).map((queue) => `queue-${queue}`),
  ...[
    ...new Set(
      Object.values(workflowConfig.approvalPolicies).flatMap((p) => [
        p.group,
        ...(p.onExpiry.action === 'escalate' ? [p.onExpiry.group] : []),
      ]),
    ),
  ]
    .sort()
    .map((g) => `approver-${g}`),
  'admin',
];

export interface StatelessStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, …), part of physical names. */
  readonly stage: string;
  /** The stateful stack's table. */
  readonly table: ITable;
  /** The stateful stack's event bus. */
  readonly bus: IEventBus;
  /** The stateful stack's key (table, mail bucket, secrets, log groups). */
  readonly key: IKey;
  /** The stateful stack's webhook secrets. */
  readonly webhookSecrets: readonly ISecret[];
  /** The stateful stack's needs-info links secret, and its name. */
  readonly linksSecret: ISecret;
  readonly linksSecretName: string;
  /** The stateful stack's mail bucket (SSE-KMS with `key`). */
  readonly mailBucket: IBucket;
  /** The stateful stack's queues by topology name; queue triggers consume them. */
  readonly queues: ReadonlyMap<string, IQueue>;
  /**
   * The stateful stack's wake-up schedule group, queue, DLQ and scheduler role (`wakeUps.*` refs, the
   * `wakeUps:schedule` grant).
   * @default - none: a function that needs them is rejected
   */
  readonly wakeUps?: WakeUpResources;
  /** The address customers write to; the receipt rule's recipient and the From of outgoing mail. */
  readonly supportAddress: string;
  /**
   * Base URL of the public API and hosted forms, as links in mail should show it (a custom domain).
   * @default - the HTTP API's execute-api URL
   */
  readonly publicBaseUrl?: string;
  /**
   * The functions to deploy.
   * @default - every function of `shared/topology.ts`
   */
  readonly functions?: readonly FunctionSpec[];
  /**
   * The state machines to deploy; each one's Task functions must be among `functions`.
   * @default - every state machine of `shared/topology.ts` whose Task functions are all among `functions`
   */
  readonly stateMachines?: readonly StateMachineSpec[];
}

/**
 * Everything that can be replaced without losing data: the agents' user pool, the HTTP API and its JWT
 * authorizer, one Lambda function per topology entry with its routes, event rules and queue event sources,
 * the state machines that invoke some of them, the SES receipt rule set that hands inbound mail to its
 * function, and the agent UI (S3 + CloudFront + Cognito hosted login, see `constructs/agent-ui.ts`).
 */
export class StatelessStack extends Stack {
  public readonly userPool: UserPool;
  public readonly userPoolClient: UserPoolClient;
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  /** The agent UI: its bucket, distribution, hosted-login domain and app client. */
  public readonly agentUi: AgentUi;
  /** The topology's functions by name. */
  public readonly functions: ReadonlyMap<string, FrontdoorFunction>;
  /** The topology's state machines by name. */
  public readonly stateMachines: ReadonlyMap<string, FrontdoorStateMachine>;
  /** `frontdoor-<stage>`: SES receipt rules (only when a function takes inbound mail). Activate it once. */
  public readonly receiptRuleSet?: ReceiptRuleSet;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue), chosen on purpose: CloudFormation then refuses to remove the
    // stateful stack's table, bus, key or secrets while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stage, table, bus, key } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `frontdoor-${stage}-agents`,
      // Agents are invited by an admin; customers never sign in.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 12,
      },
      // Agents see customer data: a second factor (TOTP, no SMS) and compromised-credential / risk checks.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of SUPPORT_GROUPS) {
      this.userPool.addGroup(`Group-${group}`, {
        groupName: group,
        description: `Frontdoor role "${group}"`,
      });
    }
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      logGroupName: `/frontdoor/${stage}/api-access`,
      retention: RetentionDays.ONE_MONTH,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new HttpApi(this, 'Api', {
      apiName: `frontdoor-${stage}`,
      description: `Frontdoor ${stage}: webhooks, forms and the agent API`,
      // The stage is created below so that it can have access logs and throttling.
      createDefaultStage: false,
    });
    this.apiStage = new HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: STAGE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // The agent UI (bucket, CloudFront with /v1/* routed to this API, hosted login) owns the UI's app client:
    // its callback URL is the distribution's. Created in the pool's scope, the client keeps its logical id.
    this.agentUi = new AgentUi(this, 'AgentUi', {
      stage,
      userPool: this.userPool,
      apiStage: this.apiStage,
      logKey: key,
      // `cdk synth -c agentUiDist=ui/dist` deploys an already built UI instead of building ui/ again.
      prebuiltUiDir: this.node.tryGetContext('agentUiDist'),
    });
    this.userPoolClient = this.agentUi.userPoolClient;

    const jwtAuthorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`,
      {
        jwtAudience: [this.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      },
    );

    const specs = props.functions ?? topologyFunctions;
    const deployed = new Set(specs.map((spec) => spec.name));
    const machineSpecs =
      props.stateMachines ??
      topologyStateMachines.filter((machine) =>
        stateMachineFunctions(machine).every(({ fn }) => deployed.has(fn.name)),
      );
    const stateMachinesByRef = new Map<StateMachineRef, IStateMachine>();

    // The functions' PUBLIC_BASE_URL refers to the API (its id), never the other way round: no cycle.
    const resources: FrontdoorResources = {
      table,
      key,
      bus,
      webhookSecrets: props.webhookSecrets,
      linksSecret: props.linksSecret,
      linksSecretName: props.linksSecretName,
      mailBucket: props.mailBucket,
      mailBucketArn: `arn:${Aws.PARTITION}:s3:::${mailBucketName(stage)}`,
      supportAddress: props.supportAddress,
      publicBaseUrl: props.publicBaseUrl ?? this.apiStage.url,
      stateMachines: stateMachinesByRef,
      wakeUps: props.wakeUps,
    };

    // A state machine refers to its Task functions (their ARNs in its definition), and some functions refer
    // to a state machine (its ARN in their env, StartExecution on it). So: the functions that need no state
    // machine, then the state machines, then the functions that need one. A Task function that needs its
    // own state machine would be a cycle, and is rejected.
    const built = new Map<string, FrontdoorFunction>();
    const needsStateMachine = (spec: FunctionSpec): boolean => stateMachinesNeededBy(spec).size > 0;
    for (const spec of specs.filter((s) => !needsStateMachine(s))) {
      built.set(spec.name, new FrontdoorFunction(this, { spec, stage, resources, logKey: key }));
    }
    const stateMachines = new Map<string, FrontdoorStateMachine>();
    for (const machineSpec of machineSpecs) {
      const { arnRef } = machineSpec;
      if (!isStateMachineRef(arnRef)) {
        throw new Error(`state machine ${machineSpec.name}: arnRef "${arnRef}" must be a stateMachine.* ref`);
      }
      for (const { fn } of stateMachineFunctions(machineSpec)) {
        const task = specs.find((spec) => spec.name === fn.name);
        if (task && needsStateMachine(task)) {
          throw new Error(
            `state machine ${machineSpec.name} invokes ${fn.name}, which itself needs a state machine: a cycle`,
          );
        }
      }
      const stateMachine = new FrontdoorStateMachine(this, {
        spec: machineSpec,
        stage,
        functions: built,
        bus,
        logKey: key,
      });
      stateMachines.set(machineSpec.name, stateMachine);
      stateMachinesByRef.set(arnRef, stateMachine);
    }
    for (const spec of specs.filter(needsStateMachine)) {
      built.set(spec.name, new FrontdoorFunction(this, { spec, stage, resources, logKey: key }));
    }

    // In topology order again, so that the map reads like the topology.
    const functions = new Map<string, FrontdoorFunction>();
    // Two or three alarms per function would take this stack past CloudFormation's 500 resources: they
    // live in a nested stack (their metrics name each function by its fixed name, so no parameters).
    const functionAlarms = new NestedStack(this, 'FunctionAlarms', {
      description: `Frontdoor ${stage}: each function's errors, throttles and stream iterator age alarms`,
    });
    for (const spec of specs) {
      const fn = built.get(spec.name);
      if (!fn) throw new Error(`${spec.name} was not built`);
      functions.set(spec.name, fn);
      this.addTriggers(fn, jwtAuthorizer, bus, props.queues, stateMachines, props.table);
      watchFunction(functionAlarms, spec.name, functionNameFor(stage, spec), {
        stream: spec.triggers.some((t) => t.kind === 'table-stream'),
      });
    }
    for (const [name, stateMachine] of stateMachines) watchStateMachine(this, name, stateMachine);
    watchApi(this, this.api);
    this.functions = functions;
    this.stateMachines = stateMachines;

    const mailConsumers = specs.filter((spec) => spec.triggers.some((t) => t.kind === 'inbound-mail'));
    if (mailConsumers.length > 1) {
      throw new Error(
        `Only one function can take inbound mail; found ${mailConsumers.map((s) => s.name).join(', ')}`,
      );
    }
    const mailConsumer = mailConsumers[0] && functions.get(mailConsumers[0].name);
    if (mailConsumer) {
      this.receiptRuleSet = this.receiveMail(stage, mailConsumer, props.mailBucket, props.supportAddress);
    }
    // What every alarm of both stacks watches, and the business (constructs/operations-dashboard.ts).
    const dashboard = { stage, busName: bus.eventBusName, approvalWorkflow: stateMachines.get('approval') };
    new OperationsDashboard(this, 'OperationsDashboard', dashboard);

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'PublicBaseUrl', {
      value: resources.publicBaseUrl,
      description: 'Base URL that links in mail point to (context publicBaseUrl, else the API URL)',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'AgentUiUrl', {
      value: this.agentUi.appUrl,
      description: 'The agent UI (CloudFront); agents sign in through the hosted login',
    });
    new CfnOutput(this, 'CognitoDomain', {
      value: this.agentUi.cognitoDomain,
      description: 'Hosted login domain of the agents’ user pool',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'MailBucketName', { value: props.mailBucket.bucketName });
    new CfnOutput(this, 'SupportAddress', {
      value: props.supportAddress,
      description:
        'Receives customer mail and sends every Frontdoor mail: verify its domain in SES, point MX at SES',
    });
    for (const [name, stateMachine] of stateMachines) {
      new CfnOutput(this, `${pascalCase(name)}StateMachineArn`, {
        value: stateMachine.stateMachineArn,
        description: `ARN of the ${name} state machine (its executions in the Step Functions console)`,
      });
    }
  }

  /**
   * SES → S3 (`inbound/<message id>`) → the inbound-mail function, invoked asynchronously: Lambda retries
   * twice, then sends the invocation to a DLQ. SES has no CloudFormation property for the *active* rule set,
   * so the set is created inactive and activated once by the operator (see the output).
   */
  private receiveMail(
    stage: string,
    fn: FrontdoorFunction,
    bucket: IBucket,
    supportAddress: string,
  ): ReceiptRuleSet {
    const failed = deadLetterQueue(this, `${fn.spec.name}-dlq`, {
      holds: `SES deliveries ${fn.spec.name} failed three times (the message id locates the raw mail in the bucket)`,
    });
    fn.configureAsyncInvoke({
      onFailure: new SqsDestination(failed),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });

    const ruleSetName = `frontdoor-${stage}`;
    const ruleSet = new ReceiptRuleSet(this, 'MailRuleSet', { receiptRuleSetName: ruleSetName });
    ruleSet.addRule('SupportAddress', {
      receiptRuleName: `frontdoor-${stage}-support`,
      recipients: [supportAddress],
      // Spam and virus verdicts reach the function in the SES event (receipt.spamVerdict, …).
      scanEnabled: true,
      actions: [
        // Adds the mail bucket's policy statement for ses.amazonaws.com on inbound/* (aws:SourceAccount).
        // No kmsKey here: that would be SES client-side encryption; the bucket's SSE-KMS default applies.
        new S3Action({ bucket, objectKeyPrefix: INBOUND_MAIL_PREFIX }),
        // Adds the function's resource policy for ses.amazonaws.com (aws:SourceAccount).
        new LambdaAction({ function: fn, invocationType: LambdaInvocationType.EVENT }),
      ],
    });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: ruleSetName,
      description: `Inactive until activated once: aws ses set-active-receipt-rule-set --rule-set-name ${ruleSetName}`,
    });
    return ruleSet;
  }

  /**
   * One route per HTTP trigger, one rule (with retries and a DLQ) per event trigger, one SQS event source
   * (partial batch failures) per queue trigger. Inbound-mail triggers are wired by `receiveMail`; state
   * machine Task triggers by the state machine, whose role may invoke the function.
   */
  private addTriggers(
    fn: FrontdoorFunction,
    jwtAuthorizer: IHttpRouteAuthorizer,
    bus: IEventBus,
    queues: ReadonlyMap<string, IQueue>,
    stateMachines: ReadonlyMap<string, FrontdoorStateMachine>,
    table: ITable,
  ): void {
    const { spec } = fn;
    let integration: HttpLambdaIntegration | undefined;
    let deadLetters: Queue | undefined;

    spec.triggers.forEach((trigger, index) => {
      if (trigger.kind === 'inbound-mail') return;
      if (trigger.kind === 'state-machine-task') {
        assertInvokedBy(fn, trigger, stateMachines);
        return;
      }
      if (trigger.kind === 'queue') {
        this.consumeQueue(fn, trigger, queues);
        return;
      }
      if (trigger.kind === 'table-stream') {
        this.consumeTableStream(fn, trigger, table);
        return;
      }
      if (trigger.kind === 'http') {
        integration ??= new HttpLambdaIntegration(`${spec.name}-integration`, fn);
        const routes = this.api.addRoutes({
          path: trigger.path,
          methods: [HttpMethod[trigger.method]],
          integration,
          authorizer: trigger.auth === 'jwt' ? jwtAuthorizer : new HttpNoneAuthorizer(),
        });
        if (trigger.auth === 'none') {
          // Its reason to be public is part of its topology row (`publicBecause`); a blank one fails here.
          if (!trigger.publicBecause?.trim()) {
            throw new Error(
              `${trigger.method} ${trigger.path} (${spec.name}) has auth "none" but no reason (publicBecause)`,
            );
          }
          for (const route of routes) {
            Validations.of(route).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${trigger.method} ${trigger.path} ${trigger.publicBecause}`,
            });
            this.throttlePublicRoute(`${trigger.method} ${trigger.path}`, route);
          }
        }
        return;
      }
      deadLetters ??= deadLetterQueue(this, `${spec.name}-dlq`, {
        holds: `events ${spec.name}'s event rules could not deliver`,
      });
      new Rule(this, `${spec.name}-rule-${index}`, {
        eventBus: bus,
        description: `Delivers matching events to ${spec.name}`,
        // The topology pattern is EventBridge JSON already (`detail-type`, …); CDK passes keys through.
        eventPattern: trigger.pattern as EventPattern,
        targets: [
          new LambdaFunction(fn, {
            deadLetterQueue: deadLetters,
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
          }),
        ],
      });
    });
  }

  /** Batches from a stateful queue; failed items go back one by one and, after maxReceiveCount, to its DLQ. */
  /**
   * The table's stream (new and old images) into a function: only the trigger's entities (filtered by
   * Lambda before invoking), batches with partial failure reporting, bisection on error, five retries,
   * then the record's description to a DLQ — a projection must never silently skip a change.
   */
  private consumeTableStream(fn: FrontdoorFunction, trigger: TableStreamTrigger, table: ITable): void {
    const deadLetters = deadLetterQueue(this, `${fn.spec.name}-stream-dlq`, {
      holds: `table stream records ${fn.spec.name} could not process after its retries`,
    });
    fn.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: trigger.batchSize,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(deadLetters),
        filters: trigger.entities.map((entity) =>
          FilterCriteria.filter({ dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(entity) } } } }),
        ),
      }),
    );
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, granted by the DynamoDB event source, does not support resource-level permissions; reading the stream itself is limited to this table’s stream.',
    });
  }

  /**
   * Gives a public route its own throttle (PUBLIC_ROUTE_THROTTLE) in the stage's route settings. The stage
   * is made to depend on the route: API Gateway refuses settings for a route key it does not have yet.
   */
  private throttlePublicRoute(routeKey: string, route: IConstruct): void {
    const stage = this.apiStage.node.defaultChild as CfnStage;
    // RouteSettings is untyped JSON in CloudFormation: CDK passes it through, so it is written in its names.
    const settings = (stage.routeSettings ?? {}) as Record<string, unknown>;
    stage.routeSettings = {
      ...settings,
      [routeKey]: {
        ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit,
      },
    };
    stage.node.addDependency(route);
  }

  private consumeQueue(
    fn: FrontdoorFunction,
    trigger: QueueTrigger,
    queues: ReadonlyMap<string, IQueue>,
  ): void {
    const queue = queues.get(trigger.queue);
    if (!queue)
      throw new Error(`${fn.spec.name} consumes queue "${trigger.queue}", which the stack was not given`);
    fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: trigger.batchSize,
        reportBatchItemFailures: true,
      }),
    );
  }
}

/** A Task trigger names a deployed state machine that substitutes the function in its definition. */
function assertInvokedBy(
  fn: FrontdoorFunction,
  trigger: StateMachineTaskTrigger,
  stateMachines: ReadonlyMap<string, FrontdoorStateMachine>,
): void {
  const machine = stateMachines.get(trigger.stateMachine);
  if (!machine) {
    throw new Error(
      `${fn.spec.name} is a Task of state machine "${trigger.stateMachine}", which the stack does not deploy`,
    );
  }
  if (!stateMachineFunctions(machine.spec).some((task) => task.fn.name === fn.spec.name)) {
    throw new Error(
      `${fn.spec.name} is a Task of state machine "${trigger.stateMachine}", whose substitutions do not name it`,
    );
  }
}

/** `track-approval` → `TrackApproval`, for output ids. */
function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
