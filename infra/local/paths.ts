import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: topology entries, workflow definitions and ui/ are relative to it. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
