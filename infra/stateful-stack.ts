import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus, type EventPattern, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import { tableDesign } from '../shared/adapters/table-design';
import { workflowConfig } from '../shared/config';
import { shortestRetentionDays } from '../shared/config/privacy';
import { EXPORTS_PREFIX } from '../shared/domain/privacy-export';
import {
  EVENT_BUS_BASENAME,
  INBOUND_MAIL_PREFIX,
  type QueueSpec,
  queues as topologyQueues,
  WAKE_UP_QUEUE,
} from '../shared/topology';
import { deadLetterQueue } from './constructs/dead-letter-queue';
import { operationsTopic, watchQueue, watchScheduleGroup, watchSesReputation } from './constructs/operations';
import { QueueRuleTarget } from './constructs/queue-rule-target';

/** What the stateful stack needs to know about one webhook source of the workflow config. */
export interface WebhookSourceSecret {
  readonly description: string;
  /** Secrets Manager name the handler reads; used verbatim. */
  readonly secretName: string;
}

export interface StatefulStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, …), part of physical names. */
  readonly stage: string;
  /** The workflow config's webhook sources, keyed by source id; one secret each. */
  readonly webhookSources: Readonly<Record<string, WebhookSourceSecret>>;
  /**
   * The queues to create, each with its DLQ and its EventBridge subscriptions.
   * @default - every queue of `shared/topology.ts`
   */
  readonly queues?: readonly QueueSpec[];
  /** An address the operations topic mails every alarm to (context `alarmEmail`); none by default. */
  readonly alarmEmail?: string;
}

/**
 * The mail bucket's fixed name: account and region keep it globally unique. Fixed so that policies can name
 * the bucket without referring to it (the key policy here; the functions' roles in the stateless stack).
 */
export function mailBucketName(
  stage: string,
  account: string = Aws.ACCOUNT_ID,
  region: string = Aws.REGION,
): string {
  return `frontdoor-${stage}-mail-${account}-${region}`;
}

/**
 * The schedule group that holds the tickets' wake-ups: a fixed name, so that the functions' grants name its
 * schedules without referring to it.
 */
export function wakeUpScheduleGroupName(stage: string): string {
  return `frontdoor-${stage}-wake-ups`;
}

/**
 * The tickets' wake-ups (DESIGN.md "Time"): one-time EventBridge Scheduler schedules in `group`, each sending
 * its wake-up to `queue` as `role`, and what it could not send to `deadLetterQueue` (the queue's redrive DLQ,
 * which has an alarm).
 */
export interface WakeUps {
  readonly group: ScheduleGroup;
  /** `group`'s name, as a plain string (see `wakeUpScheduleGroupName`). */
  readonly groupName: string;
  /** The `WAKE_UP_QUEUE` of the topology. */
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Assumed by the scheduler (this account's, for this group only); may only send to the two queues. */
  readonly role: iam.Role;
}

/**
 * How long SES's raw inbound mail (`inbound/…`) is kept; tickets keep what was taken out of it. A year, or
 * the shortest retention of any request type (issue 22) if that is shorter: raw mail is never kept longer
 * than the bodies taken out of it.
 */
export const INBOUND_MAIL_RETENTION = Duration.days(
  Math.min(365, shortestRetentionDays(workflowConfig.privacy) ?? 365),
);

/**
 * Everything that holds data and outlives a deployment: the KMS key, the single table, the event bus
 * (with its archive), the queues fed by the bus (messages in flight are data too), the schedule group of
 * the tickets' wake-ups (pending wake-ups are data too) and the role that delivers them, the mail bucket and
 * the secrets. Functions live in the stateless stack and reach these resources through the readonly properties
 * below; nothing here refers to the stateless stack.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key for the table, the bus, its archive, the secrets and the log groups. */
  public readonly key: Key;
  /** The single table, built from `tableDesign`. */
  public readonly table: Table;
  /** The `frontdoor-<stage>` event bus. */
  public readonly bus: EventBus;
  /** One secret per webhook source, keyed by source id. */
  public readonly webhookSecrets: Readonly<Record<string, Secret>>;
  /** `frontdoor/<stage>/links`: the generated key that signs needs-info links. */
  public readonly linksSecret: Secret;
  /** The links secret's name, as a plain string (the handlers look the secret up by name). */
  public readonly linksSecretName: string;
  /** SES writes inbound mail here (under `inbound/`); receive-email puts attachments next to it. */
  public readonly mailBucket: Bucket;
  /** The mail bucket's server access logs. */
  public readonly accessLogsBucket: Bucket;
  /** The topology's queues by name (each has a redrive DLQ; its rules have a DLQ of their own). */
  public readonly queues: ReadonlyMap<string, Queue>;
  /** Each topology queue's redrive DLQ, by the queue's name. */
  public readonly deadLetterQueues: ReadonlyMap<string, Queue>;
  /** The wake-up schedule group, its role and queues; absent when the topology's wake-up queue is not deployed. */
  public readonly wakeUps?: WakeUps;
  /** Every alarm of the app notifies this topic (see `NotifyOperations`). */
  public readonly operationsTopic: Topic;

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy for logging.s3.amazonaws.com, not an ACL
    // (the logs bucket enforces bucket-owner object ownership, so ACLs are off).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { stage } = props;

    this.key = new Key(this, 'Key', {
      alias: `alias/frontdoor-${stage}`,
      description: `Frontdoor ${stage}: table, event bus, queues, mail, secrets and logs`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowCloudWatchLogs(this.key);
    this.operationsTopic = operationsTopic(this, { stage, key: this.key, email: props.alarmEmail });
    watchSesReputation(this);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDesign.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDesign.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDesign.timeToLiveAttribute,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDesign.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...(index.projection === 'all'
          ? { projectionType: ProjectionType.ALL }
          : index.projection === 'keys'
            ? { projectionType: ProjectionType.KEYS_ONLY }
            : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection] }),
      });
    }

    const busName = `${EVENT_BUS_BASENAME}-${stage}`;
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName });
    // Events the bus cannot encrypt or decrypt with the key land here instead of being dropped.
    const busDeadLetters = deadLetterQueue(this, 'BusDeadLetterQueue', {
      holds: `events ${busName} could not encrypt or decrypt`,
    });
    busDeadLetters.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [busDeadLetters.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': busArn },
        },
      }),
    );

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: busName,
      description: `Frontdoor ${stage} domain events`,
      kmsKey: this.key,
      deadLetterQueue: busDeadLetters,
    });
    // Not `bus.archive()`: it drops `kmsKey`. And the archive's key-policy statement names the bus ARN,
    // so it gets the ARN as a string (not a GetAtt on the bus, which already depends on the key: a cycle).
    const archive = new Archive(this, 'BusArchive', {
      sourceEventBus: EventBus.fromEventBusArn(this, 'BusByArn', busArn),
      archiveName: busName,
      description: `Every event on ${busName}, for replay`,
      eventPattern: { account: [this.account] },
      retention: Duration.days(90),
      kmsKey: this.key,
    });
    archive.node.addDependency(this.bus);

    const webhookSecrets: Record<string, Secret> = {};
    for (const [source, { description, secretName }] of Object.entries(props.webhookSources)) {
      const secret = new Secret(this, `WebhookSecret-${source}`, {
        secretName,
        description: `HMAC key of webhook source "${source}": ${description}`,
        encryptionKey: this.key,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        // Senders hold a copy of this value; losing it with a stack would break their integrations.
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Shared HMAC key that the external sender also holds: rotation is a coordinated change with that sender, not a scheduled Lambda; the handler re-reads the value every 5 minutes.',
      });
      webhookSecrets[source] = secret;
    }
    this.webhookSecrets = webhookSecrets;

    this.linksSecretName = `frontdoor/${stage}/links`;
    this.linksSecret = new Secret(this, 'LinksSecret', {
      secretName: this.linksSecretName,
      description: `Frontdoor ${stage}: HMAC key that signs needs-info links mailed to requesters`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Replacing it would invalidate every link already sent.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linksSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Signs needs-info links already sitting in customers’ mailboxes: a scheduled rotation would silently break every outstanding link, so rotation is a deliberate operator step (links carry an expiry and the handlers re-read the secret every 5 minutes).',
    });

    ({ queues: this.queues, deadLetterQueues: this.deadLetterQueues } = this.createQueues(
      stage,
      props.queues ?? topologyQueues,
    ));
    this.wakeUps = this.createWakeUps(stage);
    ({ mailBucket: this.mailBucket, accessLogsBucket: this.accessLogsBucket } =
      this.createMailBuckets(stage));
  }

  /**
   * One KMS-encrypted queue per spec with a redrive DLQ, and one rule per subscription on the bus that puts
   * matching events on it (retries, then a DLQ of the rules' own). Physical names are fixed so that the key
   * policy can name the queues without referring to them (the queues refer to the key: that would be a cycle).
   */
  private createQueues(
    stage: string,
    specs: readonly QueueSpec[],
  ): { queues: ReadonlyMap<string, Queue>; deadLetterQueues: ReadonlyMap<string, Queue> } {
    const queues = new Map<string, Queue>();
    const deadLetterQueues = new Map<string, Queue>();
    const prefix = `frontdoor-${stage}-`;
    for (const spec of specs) {
      const redriveDlq = deadLetterQueue(this, `${spec.name}-dlq`, {
        queueName: `${prefix}${spec.name}-dlq`,
        encryptionKey: this.key,
        holds:
          `messages of the ${spec.name} queue its consumer failed ${spec.maxReceiveCount} times` +
          (spec.name === WAKE_UP_QUEUE ? ', and wake-ups the scheduler could not send to it' : ''),
      });
      deadLetterQueues.set(spec.name, redriveDlq);
      const queue = new Queue(this, `${spec.name}-queue`, {
        queueName: `${prefix}${spec.name}`,
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: this.key,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: redriveDlq, maxReceiveCount: spec.maxReceiveCount },
      });
      const rulesDlq = deadLetterQueue(this, `${spec.name}-rules-dlq`, {
        queueName: `${prefix}${spec.name}-rules-dlq`,
        encryptionKey: this.key,
        holds: `events the ${spec.name} rules could not put on the queue`,
      });
      if (spec.every) {
        // Scheduled rules live on the default bus; the message is the scheduled event, as the consumer expects.
        new Rule(this, `${spec.name}-every`, {
          description: `Every ${spec.every.days} days a message on the ${spec.name} queue: ${spec.every.why}`,
          schedule: Schedule.rate(Duration.days(spec.every.days)),
          targets: [new QueueRuleTarget(queue, { deadLetterQueue: rulesDlq })],
        });
      }
      spec.subscriptions.forEach((pattern, index) => {
        new Rule(this, `${spec.name}-rule-${index}`, {
          eventBus: this.bus,
          description: `Puts matching events on the ${spec.name} queue (${spec.description})`,
          // The topology pattern is EventBridge JSON already (`detail-type`, …); CDK passes keys through.
          eventPattern: pattern as EventPattern,
          targets: [new QueueRuleTarget(queue, { deadLetterQueue: rulesDlq })],
        });
      });
      queues.set(spec.name, queue);
      watchQueue(this, spec.name, queue);
    }
    if (specs.length > 0) {
      // EventBridge (delivering to a queue or its rules' DLQ) needs the key through SQS for these queues only.
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowEventBridgeToUseTheKeyForFrontdoorQueues',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'kms:ViaService': `sqs.${this.region}.${this.urlSuffix}` },
            ArnLike: {
              'kms:EncryptionContext:aws:sqs:arn': this.formatArn({
                service: 'sqs',
                resource: `${prefix}*`,
                arnFormat: ArnFormat.NO_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }
    return { queues, deadLetterQueues };
  }

  /**
   * The schedule group the tickets' wake-ups live in (retained: its schedules are pending work) and the role
   * the scheduler assumes to deliver them. The role may only send to the wake-up queue and, for a wake-up it
   * could not deliver after its retries, to that queue's DLQ (the scheduler sends dead letters as the
   * schedule's execution role), using the key through SQS for those two queues only. The identity policy is
   * enough for the key: its key policy trusts the account's IAM policies.
   */
  private createWakeUps(stage: string): WakeUps | undefined {
    const queue = this.queues.get(WAKE_UP_QUEUE);
    const deadLetters = this.deadLetterQueues.get(WAKE_UP_QUEUE);
    if (!queue || !deadLetters) return undefined;
    const groupName = wakeUpScheduleGroupName(stage);
    const group = new ScheduleGroup(this, 'WakeUpScheduleGroup', {
      scheduleGroupName: groupName,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    watchScheduleGroup(this, 'wake-ups', group);
    const role = new iam.Role(this, 'WakeUpSchedulerRole', {
      description: `Frontdoor ${stage}: EventBridge Scheduler sends the tickets' wake-ups (schedule group ${groupName}) to the ${WAKE_UP_QUEUE} queue`,
      // Confused-deputy guard: this account's scheduler, for schedules of this group only.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': this.account,
          'aws:SourceArn': group.scheduleGroupArn,
        },
      }),
    });
    const queueArns = [queue.queueArn, deadLetters.queueArn];
    role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: queueArns }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `sqs.${this.region}.${this.urlSuffix}` },
          ArnEquals: { 'kms:EncryptionContext:aws:sqs:arn': queueArns },
        },
      }),
    );
    return { group, groupName, queue, deadLetterQueue: deadLetters, role };
  }

  /**
   * The mail bucket (SSE-KMS with the key, versioned, TLS only, no public access, raw mail expiring after a
   * year) and the bucket its server access logs go to. SES's write permission (a bucket-policy statement for
   * `ses.amazonaws.com` on `inbound/*`, conditioned on this account) is added by the receipt rule's S3 action
   * in the stateless stack; the key-policy statement SES needs for SSE-KMS is here.
   */
  private createMailBuckets(stage: string): { mailBucket: Bucket; accessLogsBucket: Bucket } {
    const accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      // Server access logs cannot be delivered to an SSE-KMS bucket.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server access log destination of the mail bucket; logging access to the log bucket itself would only log the log delivery.',
    });

    // The key policy below names the bucket by its fixed name: a reference would be a cycle (bucket → key).
    const bucketName = mailBucketName(stage, this.account, this.region);
    const mailBucket = new Bucket(this, 'MailBucket', {
      bucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'mail/',
      lifecycleRules: [
        {
          id: 'expire-raw-inbound-mail',
          prefix: INBOUND_MAIL_PREFIX,
          expiration: INBOUND_MAIL_RETENTION,
        },
        {
          // A requester's export is personal data handed over once: its links work 15 minutes, the files
          // are gone after a week (a new export can always be asked for).
          id: 'expire-privacy-exports',
          prefix: EXPORTS_PREFIX,
          expiration: Duration.days(7),
        },
        {
          id: 'tidy-versions-and-uploads',
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // SES's PutObject is encrypted by S3 with the key on SES's behalf: SES needs the key, through S3, for
    // this bucket only (with an S3 Bucket Key the encryption context is the bucket ARN, else the object ARN).
    const bucketArn = `arn:${this.partition}:s3:::${bucketName}`;
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesToStoreInboundMailInTheMailBucket',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${this.region}.${this.urlSuffix}` },
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/${INBOUND_MAIL_PREFIX}*`],
          },
        },
      }),
    );
    return { mailBucket, accessLogsBucket };
  }

  /** Lets CloudWatch Logs encrypt this account's and region's log groups with the key. */
  private allowCloudWatchLogs(key: Key): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }
}
