/**
 * Reads a `text,category` CSV (header line, quoted fields may hold commas and line breaks, like
 * BANKING77's `train.csv`) into labelled texts for the intent classifier.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { LabelledText } from '../shared/domain/intent-model';

/** A CSV that cannot be read as labelled texts; the message is one sentence naming the file. */
export class IntentCsvError extends Error {
  override readonly name = 'IntentCsvError';
}

/** The labelled texts of CSV `content`; `file` names it in errors. Rows with an empty text are skipped. */
export function parseIntentCsv(content: string, file: string): LabelledText[] {
  let rows: string[][];
  try {
    rows = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (e: unknown) {
    throw new IntentCsvError(
      `${file} is not readable CSV (${e instanceof Error ? e.message.replace(/\.$/, '') : String(e)}).`,
      { cause: e },
    );
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const text = header.indexOf('text');
  const category = header.indexOf('category');
  if (text === -1 || category === -1)
    throw new IntentCsvError(
      `${file} has no ${text === -1 ? '"text"' : ''}${text === -1 && category === -1 ? ' and no ' : ''}${category === -1 ? '"category"' : ''} column in its header line (expected text,category).`,
    );
  const out: LabelledText[] = [];
  for (const row of rows.slice(1)) {
    const t = (row[text] ?? '').trim();
    const label = (row[category] ?? '').trim();
    if (t === '' || label === '') continue;
    out.push({ text: t, label });
  }
  if (out.length === 0) throw new IntentCsvError(`${file} has a header line but no labelled rows.`);
  return out;
}

export async function readIntentCsv(file: string): Promise<LabelledText[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e: unknown) {
    const code = (e as { code?: string }).code;
    throw new IntentCsvError(`${file} cannot be read (${code ?? 'unknown error'}).`, { cause: e });
  }
  return parseIntentCsv(content, file);
}
