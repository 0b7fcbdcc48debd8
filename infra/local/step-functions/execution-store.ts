/**
 * The executions of local Step Functions, kept in `<dataDir>/step-functions/executions.json` and written
 * atomically (temporary file, then rename). A new execution is on disk before StartExecution answers;
 * later changes (transitions, the outcome) are coalesced into one write per tick. Those still RUNNING when
 * the runtime stopped are run again from StartAt by the next instance (see LocalStepFunctions.resume).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED'] as const;
export type ExecutionStatus = (typeof STATUSES)[number];
export const executionStatus = z.enum(STATUSES);

const storedExecution = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  input: z.string(),
  status: executionStatus,
  startDate: z.iso.datetime(),
  stopDate: z.iso.datetime().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  transitions: z.int().min(0),
});
/** One execution as kept; the runner changes it in place and asks the store to persist. */
export type StoredExecution = z.infer<typeof storedExecution>;
const storeFile = z.object({ version: z.literal(1), executions: z.array(storedExecution) });

export class ExecutionStore {
  private readonly executions = new Map<string, StoredExecution>();
  private readonly path: string;
  private persistTimer: NodeJS.Immediate | undefined;

  /** Reads the executions a previous instance kept under `dataDir` (none on a first start). */
  constructor(dataDir: string) {
    const dir = join(dataDir, 'step-functions');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'executions.json');
    for (const record of this.load()) this.executions.set(record.executionArn, record);
  }

  get(executionArn: string): StoredExecution | undefined {
    return this.executions.get(executionArn);
  }

  has(executionArn: string): boolean {
    return this.executions.has(executionArn);
  }

  /** Every execution, in the order they were added. */
  all(): StoredExecution[] {
    return [...this.executions.values()];
  }

  /** Adds a new execution and writes it to disk before returning: a timer the caller was told it started survives a crash. */
  addDurably(record: StoredExecution): void {
    this.executions.set(record.executionArn, record);
    this.flush();
  }

  /** Coalesces writes: many transitions in one tick cost one write. */
  persistSoon(): void {
    if (this.persistTimer) return;
    this.persistTimer = setImmediate(() => this.flush());
    this.persistTimer.unref();
  }

  /** Writes the store atomically (temporary file, then rename). */
  flush(): void {
    if (this.persistTimer) clearImmediate(this.persistTimer);
    this.persistTimer = undefined;
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, executions: [...this.executions.values()] }));
    renameSync(tmp, this.path);
  }

  private load(): StoredExecution[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const parsed = storeFile.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`${this.path} is not a valid executions file: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data.executions;
  }
}
