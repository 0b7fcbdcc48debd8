import { parseArgs } from 'node:util';

/**
 * `npm run restore:drill -- [--keep-backup] [--backup-dir <dir>] [--sample N]` (local, the default) or
 * `npm run restore:drill -- --aws --table <name> [--sample N] [--wait-minutes N] [--allow-count-difference N]`,
 * read into what to do. A mistake is one sentence (exit code 2), never a stack trace.
 */
export type RestoreDrillRequest =
  | {
      readonly target: 'local';
      readonly keepBackup: boolean;
      readonly backupDir: string | undefined;
      readonly sampleSize: number;
    }
  | {
      readonly target: 'aws';
      readonly table: string;
      readonly sampleSize: number;
      readonly waitMinutes: number;
      readonly allowedCountDifference: number;
    };

export const USAGE =
  'usage: npm run restore:drill -- [--keep-backup] [--backup-dir <dir>] [--sample N]   (local, DATA_DIR)\n' +
  '       npm run restore:drill -- --aws --table <name> [--sample N] [--wait-minutes N] [--allow-count-difference N]';

export function parseRestoreDrillArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): RestoreDrillRequest | { error: string } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        aws: { type: 'boolean' },
        table: { type: 'string' },
        'keep-backup': { type: 'boolean' },
        'backup-dir': { type: 'string' },
        sample: { type: 'string' },
        'wait-minutes': { type: 'string' },
        'allow-count-difference': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e: unknown) {
    return { error: `${e instanceof Error ? e.message : String(e)}\n${USAGE}` };
  }
  const count = (name: string, fallback: number, min: number): number | string => {
    const raw = values[name];
    if (typeof raw !== 'string') return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min
      ? n
      : `--${name} must be a whole number of at least ${min}, got "${raw}".`;
  };
  const sampleSize = count('sample', 25, 0);
  if (typeof sampleSize === 'string') return { error: sampleSize };
  if (values.aws) {
    const table = typeof values.table === 'string' ? values.table : env.TABLE_NAME;
    if (!table)
      return { error: `--aws needs --table <name> (or TABLE_NAME): the table to restore.\n${USAGE}` };
    if (values['keep-backup'] || values['backup-dir'])
      return { error: '--keep-backup and --backup-dir are for the local drill; in AWS the backup is PITR.' };
    const waitMinutes = count('wait-minutes', 240, 1);
    if (typeof waitMinutes === 'string') return { error: waitMinutes };
    const allowedCountDifference = count('allow-count-difference', 0, 0);
    if (typeof allowedCountDifference === 'string') return { error: allowedCountDifference };
    return { target: 'aws', table, sampleSize, waitMinutes, allowedCountDifference };
  }
  for (const name of ['table', 'wait-minutes', 'allow-count-difference'])
    if (values[name] !== undefined) return { error: `--${name} is for --aws.\n${USAGE}` };
  return {
    target: 'local',
    keepBackup: values['keep-backup'] === true,
    backupDir: typeof values['backup-dir'] === 'string' ? values['backup-dir'] : undefined,
    sampleSize,
  };
}
