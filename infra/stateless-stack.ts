import {
  Aws,
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
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
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FrontdoorFunction } from './constructs/frontdoor-function';
import { type FunctionSpec, functions as topologyFunctions } from './topology';

/** Cognito groups are the agent API's roles (DESIGN.md "Public contracts"). */
export const SUPPORT_GROUPS = ['agent', 'lead', 'approver-finance', 'approver-security', 'admin'] as const;

export interface StatelessStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, …), part of physical names. */
  readonly stage: string;
  /** The stateful stack's table. */
  readonly table: ITable;
  /** The stateful stack's event bus. */
  readonly bus: IEventBus;
  /** The stateful stack's key (table encryption, log groups). */
  readonly key: IKey;
  /** The stateful stack's webhook secrets. */
  readonly webhookSecrets: readonly ISecret[];
  /**
   * The functions to deploy.
   * @default - every function of `infra/topology.ts`
   */
  readonly functions?: readonly FunctionSpec[];
}

/**
 * Everything that can be replaced without losing data: the agents' user pool, the HTTP API and its JWT
 * authorizer, one Lambda function per topology entry, its routes and its event rules.
 */
export class StatelessStack extends Stack {
  public readonly userPool: UserPool;
  public readonly userPoolClient: UserPoolClient;
  public readonly api: HttpApi;
  public readonly apiStage: HttpStage;
  /** The topology's functions by name. */
  public readonly functions: ReadonlyMap<string, FrontdoorFunction>;

  public constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong references (Export/ImportValue), chosen on purpose: CloudFormation then refuses to remove the
    // stateful stack's table, bus, key or secrets while this stack still uses them.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const { stage, table, bus, key, webhookSecrets } = props;

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
    this.userPoolClient = this.userPool.addClient('AgentUiClient', {
      userPoolClientName: `frontdoor-${stage}-agent-ui`,
      generateSecret: false,
      authFlows: { userSrp: true },
      // The agent UI signs in with SRP; no hosted UI, so no OAuth flows or callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

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
      throttle: { rateLimit: 100, burstLimit: 200 },
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

    const jwtAuthorizer = new HttpJwtAuthorizer(
      'CognitoJwt',
      `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.userPool.userPoolId}`,
      {
        jwtAudience: [this.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      },
    );

    const resources = { table, tableKey: key, bus, webhookSecrets };
    const functions = new Map<string, FrontdoorFunction>();
    for (const spec of props.functions ?? topologyFunctions) {
      const fn = new FrontdoorFunction(this, { spec, stage, resources, logKey: key });
      functions.set(spec.name, fn);
      this.addTriggers(fn, jwtAuthorizer, bus);
    }
    this.functions = functions;

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
  }

  /** One route per HTTP trigger, one rule (with retries and a DLQ) per event trigger. */
  private addTriggers(fn: FrontdoorFunction, jwtAuthorizer: IHttpRouteAuthorizer, bus: IEventBus): void {
    const { spec } = fn;
    let integration: HttpLambdaIntegration | undefined;
    let deadLetters: Queue | undefined;

    spec.triggers.forEach((trigger, index) => {
      if (trigger.kind === 'http') {
        integration ??= new HttpLambdaIntegration(`${spec.name}-integration`, fn);
        const routes = this.api.addRoutes({
          path: trigger.path,
          methods: [HttpMethod[trigger.method]],
          integration,
          authorizer: trigger.auth === 'jwt' ? jwtAuthorizer : new HttpNoneAuthorizer(),
        });
        if (trigger.auth === 'none') {
          for (const route of routes) {
            Validations.of(route).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: `${trigger.method} ${trigger.path} is called by external systems, not agents: the handler authenticates every request by its HMAC-SHA256 signature over timestamp and body (constant-time compare, 300 s replay window) before reading it.`,
            });
          }
        }
        return;
      }
      deadLetters ??= this.deadLetterQueueFor(spec);
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

  private deadLetterQueueFor(spec: FunctionSpec): Queue {
    const queue = new Queue(this, `${spec.name}-dlq`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of ${spec.name}'s event rules; it needs no DLQ of its own.`,
    });
    return queue;
  }
}
