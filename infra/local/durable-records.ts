import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A directory of JSON records under `DATA_DIR`, one file per record, each written whole (temporary file,
 * then rename) before the caller goes on. The local runtime keeps what AWS would hold durably — queued
 * messages, events on their way to a target, inbound mail not yet handled — here, so a `kill -9` and a
 * restart lose nothing: what was accepted is delivered (at least once, as in AWS).
 */
export class DurableRecords<T> {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    // A write cut off by a kill leaves its temporary file: never a record.
    for (const name of readdirSync(dir)) if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }

  /** Every record kept, oldest first (ids are chosen to sort by time). */
  list(): Array<{ id: string; record: T }> {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => ({
        id: name.slice(0, -'.json'.length),
        record: JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as T,
      }));
  }

  put(id: string, record: T): void {
    const file = join(this.dir, `${safe(id)}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(record));
    renameSync(tmp, file);
  }

  delete(id: string): void {
    rmSync(join(this.dir, `${safe(id)}.json`), { force: true });
  }
}

/** A dead-letter list kept as JSON lines, read back at start so `/local/dead-letters` survives restarts. */
export class DurableList<T> {
  readonly items: T[];

  constructor(private readonly file: string) {
    mkdirSync(join(file, '..'), { recursive: true });
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = '';
    }
    // A line cut off by a kill is dropped; every whole line is kept.
    this.items = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as T];
        } catch {
          return [];
        }
      });
  }

  push(item: T): void {
    this.items.push(item);
    writeFileSync(this.file, `${JSON.stringify(item)}\n`, { flag: 'a' });
  }

  /** Takes the items `taken` picks out of the list (a redrive), rewriting the file whole; returns them. */
  take(taken: (item: T) => boolean): T[] {
    const out = this.items.filter(taken);
    if (out.length === 0) return out;
    const kept = this.items.filter((item) => !taken(item));
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, kept.map((item) => `${JSON.stringify(item)}\n`).join(''));
    renameSync(tmp, this.file);
    this.items.splice(0, this.items.length, ...kept);
    return out;
  }
}

function safe(id: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`not a record id: ${id}`);
  return id;
}

/** Ids that sort by creation time within this process and across restarts. */
export function timeOrderedId(now = Date.now()): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(now).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${process.pid}`;
}
let sequence = 0;
