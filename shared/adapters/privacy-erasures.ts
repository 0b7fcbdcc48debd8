import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ErasureAudit,
  ErasureAuditSchema,
  type ErasureJob,
  ErasureJobSchema,
} from '../domain/privacy-erasure';
import type { ErasureStorePort } from '../use-cases/ports';
import { PrivacyJobTable } from './privacy-exports';

/** `PRIVACY#ERASURE#<id>` (the id of the ticket it is tracked on). */
export const erasurePk = (erasureId: string) => `PRIVACY#ERASURE#${erasureId}`;

const STATE = { '#state': 'state' } as const;

/**
 * Erasure jobs: `PRIVACY#ERASURE#<id>` / `JOB` (entity `privacy-erasure`) and their audit entries beside
 * them. awaiting_approval → approved | rejected; approved → running → done | failed.
 */
export class DynamoErasures extends PrivacyJobTable<ErasureJob, ErasureAudit> implements ErasureStorePort {
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName, { pk: erasurePk, entity: 'privacy-erasure', schema: ErasureJobSchema });
  }

  async create(job: ErasureJob, audit: ErasureAudit): Promise<void> {
    await this.createJob(job.erasureId, job, audit);
  }

  get(erasureId: string): Promise<ErasureJob | undefined> {
    return this.readJob(erasureId);
  }

  auditOf(erasureId: string): Promise<ErasureAudit[]> {
    return this.readAudit(erasureId, ErasureAuditSchema, ErasureAuditSchema.shape.action.options);
  }

  decide(
    erasureId: string,
    decision: { outcome: 'approved' | 'rejected'; by: readonly string[]; approvalId: string; at: Date },
    audit: ErasureAudit,
  ): Promise<boolean> {
    return this.settle(
      erasureId,
      {
        UpdateExpression: 'SET #state = :outcome, decidedBy = :by, decidedAt = :at, approvalId = :approval',
        ConditionExpression: '#state = :waiting',
        ExpressionAttributeNames: STATE,
        ExpressionAttributeValues: {
          ':outcome': decision.outcome,
          ':by': decision.by,
          ':at': decision.at.toISOString(),
          ':approval': decision.approvalId,
          ':waiting': 'awaiting_approval',
        },
      },
      audit,
    );
  }

  start(erasureId: string, at: Date): Promise<boolean> {
    return this.updateJob(erasureId, {
      UpdateExpression: 'SET #state = :running, startedAt = if_not_exists(startedAt, :at)',
      // A failed run (its message redriven from the DLQ) resumes.
      ConditionExpression: '#state IN (:approved, :running, :failed)',
      ExpressionAttributeNames: STATE,
      ExpressionAttributeValues: {
        ':running': 'running',
        ':approved': 'approved',
        ':failed': 'failed',
        ':at': at.toISOString(),
      },
    });
  }

  async progress(erasureId: string, progress: ErasureJob['progress']): Promise<void> {
    await this.updateJob(erasureId, {
      UpdateExpression: 'SET progress = :progress',
      ConditionExpression: '#state = :running',
      ExpressionAttributeNames: STATE,
      ExpressionAttributeValues: { ':progress': progress, ':running': 'running' },
    });
  }

  async finish(
    erasureId: string,
    result: { counts: NonNullable<ErasureJob['counts']>; reason: string; at: Date },
    audit: ErasureAudit,
  ): Promise<void> {
    await this.settle(
      erasureId,
      {
        UpdateExpression:
          'SET #state = :done, counts = :counts, finishedAt = :at, requester = pseudonym, reason = :reason, progress = :progress',
        ConditionExpression: '#state = :running',
        ExpressionAttributeNames: STATE,
        ExpressionAttributeValues: {
          ':done': 'done',
          ':running': 'running',
          ':counts': result.counts,
          ':at': result.at.toISOString(),
          ':reason': result.reason,
          ':progress': { phase: 'done', done: 0, total: 0 },
        },
      },
      audit,
    );
  }

  async fail(erasureId: string, problem: string, audit: ErasureAudit): Promise<void> {
    await this.settle(
      erasureId,
      {
        UpdateExpression: 'SET #state = :failed, problem = :problem, finishedAt = :at',
        ConditionExpression: '#state IN (:approved, :running)',
        ExpressionAttributeNames: STATE,
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':approved': 'approved',
          ':running': 'running',
          ':problem': problem,
          ':at': audit.at,
        },
      },
      audit,
    );
  }
}
