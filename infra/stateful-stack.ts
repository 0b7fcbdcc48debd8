import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { tableDesign } from '../shared/adapters/table-design';
import { EVENT_BUS_BASENAME } from './topology';

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
}

/**
 * Everything that holds data and outlives a deployment: the KMS key, the single table, the event bus
 * (with its archive) and the webhook secrets. Functions live in the stateless stack and reach these
 * resources through the readonly properties below.
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

  public constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { stage } = props;

    this.key = new Key(this, 'Key', {
      alias: `alias/frontdoor-${stage}`,
      description: `Frontdoor ${stage}: table, event bus, webhook secrets and logs`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowCloudWatchLogs(this.key);

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
      });
    }

    const busName = `${EVENT_BUS_BASENAME}-${stage}`;
    const busArn = this.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName });
    // Events the bus cannot encrypt or decrypt with the key land here instead of being dropped.
    const busDeadLetters = new Queue(this, 'BusDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
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
    Validations.of(busDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue (the event bus DLQ); it needs no DLQ of its own.',
    });

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
