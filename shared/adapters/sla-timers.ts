import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The ticket's SLA timer as last recorded: which execution (generation) is the live one and when it
 * will look next (null: it ended, nothing was due). One item beside the ticket, so timer bookkeeping
 * never bumps the ticket's version.
 */
export interface SlaTimer {
  readonly generation: number;
  readonly execution: string;
  readonly wakeAt: string | null;
  readonly updatedAt: string;
}

/** Execution names carry the generation: `<ticketId>-<generation>`. */
export function executionName(ticketId: string, generation: number): string {
  return `${ticketId}-${generation}`;
}

export function generationOf(execution: string): number {
  const n = Number(/-(\d+)$/.exec(execution)?.[1]);
  return Number.isSafeInteger(n) ? n : 0;
}

const SK = 'TIMER#sla';

export class SlaTimerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(ticketId: string): Promise<SlaTimer | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `TICKET#${ticketId}`, sk: SK },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { generation, execution, wakeAt, updatedAt } = out.Item as Record<string, unknown>;
    return {
      generation: Number(generation),
      execution: String(execution),
      wakeAt: typeof wakeAt === 'string' ? wakeAt : null,
      updatedAt: String(updatedAt),
    };
  }

  /**
   * Records the timer unless a newer generation already owns it. Answers false when superseded (the
   * caller's execution should end).
   */
  async put(ticketId: string, timer: SlaTimer): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `TICKET#${ticketId}`, sk: SK, entity: 'timer', ...timer },
          ConditionExpression: 'attribute_not_exists(pk) OR generation <= :generation',
          ExpressionAttributeValues: { ':generation': timer.generation },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (e instanceof Error && e.name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }
}

export interface TimerStarter {
  /** Starts the named execution; starting the same name with the same input again is not an error. */
  start(name: string, input: { ticketId: string }): Promise<void>;
}

/** Step Functions StartExecution on the SLA timer state machine. */
export class StepFunctionsTimerStarter implements TimerStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: { ticketId: string }): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (e: unknown) {
      // A redelivered message starting a generation that already ran (and ended): nothing to do.
      if (e instanceof ExecutionAlreadyExists) return;
      throw e;
    }
  }
}
