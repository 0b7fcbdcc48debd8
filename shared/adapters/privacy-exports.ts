import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type ExportFile,
  type ExportJob,
  ExportJobSchema,
  PRIVACY_EVENT_SOURCE,
  PRIVACY_EXPORT_REQUESTED,
  type PrivacyAudit,
} from '../domain/privacy-export';
import type { ExportBuildRequestsPort, PrivacyExportStorePort } from '../use-cases/ports';

const exportPk = (exportId: string) => `PRIVACY#EXPORT#${exportId}`;
const JOB_SK = 'JOB';

/** An audit entry's item: beside its job, append-only, ordered by time (`AUDIT#<at>#<action>`). */
function auditPut(tableName: string, audit: PrivacyAudit) {
  return {
    Put: {
      TableName: tableName,
      Item: {
        pk: exportPk(audit.exportId),
        sk: `AUDIT#${audit.at}#${audit.action}`,
        entity: 'privacy-audit',
        ...audit,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

const isConditionFailure = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'ConditionalCheckFailedException' || e.name === 'TransactionCanceledException');

/**
 * Export jobs in the single table: `PRIVACY#EXPORT#<id>` / `JOB` (entity `privacy-export`), and their
 * privacy audit entries in the same partition (`AUDIT#<at>#<action>`, entity `privacy-audit`). State moves
 * only forward (queued → running → done | failed), each move conditional, so a redelivered or concurrent
 * build can neither undo a finished job nor audit it twice.
 */
export class DynamoPrivacyExports implements PrivacyExportStorePort {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(job: ExportJob, audit: PrivacyAudit): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: exportPk(job.exportId), sk: JOB_SK, entity: 'privacy-export', ...job },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          auditPut(this.tableName, audit),
        ],
      }),
    );
  }

  async get(exportId: string): Promise<ExportJob | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: exportPk(exportId), sk: JOB_SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...job } = out.Item;
    const parsed = ExportJobSchema.safeParse(job);
    if (!parsed.success) throw new Error(`export ${exportId} is stored in a form that cannot be read`);
    return parsed.data;
  }

  async start(exportId: string, total: number, at: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: exportPk(exportId), sk: JOB_SK },
          UpdateExpression: 'SET #state = :running, progress = :progress, startedAt = :at',
          ConditionExpression: '#state IN (:queued, :running)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':progress': { done: 0, total },
            ':at': at.toISOString(),
          },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async progress(exportId: string, done: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: exportPk(exportId), sk: JOB_SK },
          UpdateExpression: 'SET progress.done = :done',
          ConditionExpression: '#state = :running',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':done': done, ':running': 'running' },
        }),
      );
    } catch (e: unknown) {
      // Finished (or failed) meanwhile by another delivery: its figures stand.
      if (!isConditionFailure(e)) throw e;
    }
  }

  async finish(
    exportId: string,
    result: { files: readonly ExportFile[]; counts: NonNullable<ExportJob['counts']>; at: Date },
    audit: PrivacyAudit,
  ): Promise<void> {
    await this.settle(
      exportId,
      {
        UpdateExpression:
          'SET #state = :done, files = :files, counts = :counts, finishedAt = :at, progress.done = progress.#total',
        ConditionExpression: '#state = :running',
        ExpressionAttributeNames: { '#state': 'state', '#total': 'total' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':running': 'running',
          ':files': result.files,
          ':counts': result.counts,
          ':at': result.at.toISOString(),
        },
      },
      audit,
    );
  }

  async fail(exportId: string, problem: string, audit: PrivacyAudit): Promise<void> {
    await this.settle(
      exportId,
      {
        UpdateExpression: 'SET #state = :failed, problem = :problem, finishedAt = :at',
        ConditionExpression: '#state IN (:queued, :running)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':queued': 'queued',
          ':running': 'running',
          ':problem': problem,
          ':at': audit.at,
        },
      },
      audit,
    );
  }

  /** The job's last move and its audit entry together; a job another delivery settled first stays as it is. */
  private async settle(
    exportId: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
    audit: PrivacyAudit,
  ): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: exportPk(exportId), sk: JOB_SK },
                ...update,
              },
            },
            auditPut(this.tableName, audit),
          ],
        }),
      );
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}

/**
 * `privacy.export_requested` onto the Frontdoor bus (source `frontdoor.privacy`), which puts it on the
 * privacy-exports queue; an entry the bus refuses is an error (the job is then marked failed).
 */
export class EventBridgeExportRequests implements ExportBuildRequestsPort {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async request(exportId: string): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: PRIVACY_EVENT_SOURCE,
            DetailType: PRIVACY_EXPORT_REQUESTED,
            Detail: JSON.stringify({ exportId }),
          },
        ],
      }),
    );
    const failed = out.Entries?.[0]?.ErrorCode;
    if (failed || (out.FailedEntryCount ?? 0) > 0)
      throw new Error(`the bus refused the export request: ${failed ?? 'unknown error'}`);
  }
}
