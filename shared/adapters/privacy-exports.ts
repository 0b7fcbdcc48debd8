import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
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

/** What a job's schema offers: a safe parse. */
interface ReadSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

const exportPk = (exportId: string) => `PRIVACY#EXPORT#${exportId}`;
const JOB_SK = 'JOB';

export const isConditionFailure = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === 'ConditionalCheckFailedException' || e.name === 'TransactionCanceledException');

/** A conditional update of a job item: what to set, on which condition. */
export interface JobUpdate {
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * Privacy jobs in the single table: `<pk>` / `JOB`, and their privacy audit entries in the same partition
 * (`AUDIT#<at>#<action>`, entity `privacy-audit`, append-only). State moves only forward, each move
 * conditional, so a redelivered or concurrent run can neither undo a finished job nor audit it twice.
 */
export class PrivacyJobTable<Job, Audit extends { readonly at: string; readonly action: string }> {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
    private readonly kind: { pk: (id: string) => string; entity: string; schema: ReadSchema<Job> },
  ) {}

  private auditPut(id: string, audit: Audit) {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: this.kind.pk(id),
          sk: `AUDIT#${audit.at}#${audit.action}`,
          entity: 'privacy-audit',
          ...audit,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** The job and the audit entry of its request, together (a job is never without its audit). */
  protected async createJob(id: string, job: Job, audit: Audit): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: this.kind.pk(id), sk: JOB_SK, entity: this.kind.entity, ...job },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          this.auditPut(id, audit),
        ],
      }),
    );
  }

  protected async readJob(id: string): Promise<Job | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: this.kind.pk(id), sk: JOB_SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...job } = out.Item;
    const parsed = this.kind.schema.safeParse(job);
    if (!parsed.success) throw new Error(`${this.kind.entity} ${id} is stored in a form that cannot be read`);
    return parsed.data;
  }

  /**
   * The job's audit entries, oldest first (their schema: the job kind's audit); entries of one instant in
   * the order of `lifecycle` (the sort key orders them by time, then by name).
   */
  protected async readAudit(
    id: string,
    schema: ReadSchema<Audit>,
    lifecycle: readonly string[],
  ): Promise<Audit[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': this.kind.pk(id), ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    );
    const rank = (a: Audit) => lifecycle.indexOf(a.action);
    return (out.Items ?? [])
      .flatMap((item) => {
        const { pk: _pk, sk: _sk, entity: _entity, ...audit } = item;
        const parsed = schema.safeParse(audit);
        return parsed.success ? [parsed.data] : [];
      })
      .toSorted((a, b) => (a.at === b.at ? rank(a) - rank(b) : a.at < b.at ? -1 : 1));
  }

  /** A conditional move of the job; false when its condition no longer holds (another delivery moved it). */
  protected async updateJob(id: string, update: JobUpdate): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: this.kind.pk(id), sk: JOB_SK },
          ...update,
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** The job's move and its audit entry together; false when another delivery moved it first. */
  protected async settle(id: string, update: JobUpdate, audit: Audit): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.tableName, Key: { pk: this.kind.pk(id), sk: JOB_SK }, ...update } },
            this.auditPut(id, audit),
          ],
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}

/** Export jobs: `PRIVACY#EXPORT#<id>` / `JOB` (entity `privacy-export`) and their audit entries. */
export class DynamoPrivacyExports
  extends PrivacyJobTable<ExportJob, PrivacyAudit>
  implements PrivacyExportStorePort
{
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName, { pk: exportPk, entity: 'privacy-export', schema: ExportJobSchema });
  }

  async create(job: ExportJob, audit: PrivacyAudit): Promise<void> {
    await this.createJob(job.exportId, job, audit);
  }

  get(exportId: string): Promise<ExportJob | undefined> {
    return this.readJob(exportId);
  }

  start(exportId: string, total: number, at: Date): Promise<boolean> {
    return this.updateJob(exportId, {
      UpdateExpression: 'SET #state = :running, progress = :progress, startedAt = :at',
      ConditionExpression: '#state IN (:queued, :running)',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':queued': 'queued',
        ':progress': { done: 0, total },
        ':at': at.toISOString(),
      },
    });
  }

  async progress(exportId: string, done: number): Promise<void> {
    // Finished (or failed) meanwhile by another delivery: its figures stand.
    await this.updateJob(exportId, {
      UpdateExpression: 'SET progress.done = :done',
      ConditionExpression: '#state = :running',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':done': done, ':running': 'running' },
    });
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
