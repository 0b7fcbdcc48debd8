import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBundling } from '../../infra/bundling';
import { mapTrace, sourceMapOf } from '../../tools/map-stack';

describe('npm run stack', () => {
  it("maps a deployed bundle's frame back to the handler's TypeScript line", async () => {
    const entry = 'functions/get-caller/handler.ts';
    const out = await build({
      ...functionBundling,
      entryPoints: [entry],
      bundle: true,
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]?.text ?? '';
    // A string only that handler has; where the minified bundle has it, the map must name the handler.
    const at = code.indexOf('allQueues');
    expect(at).toBeGreaterThan(0);
    const before = code.slice(0, at).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    const trace = `TypeError: boom\n    at Runtime.handler (file:///var/task/index.mjs:${line}:${column})\n    at node:internal/x:1:2`;
    const mapped = mapTrace(trace, await sourceMapOf(entry));
    expect(mapped).toMatch(
      new RegExp(`index\\.mjs:${line}:${column} \\[functions/get-caller/handler\\.ts:20:\\d+\\]`),
    );
    expect(mapped.split('\n')[0]).toBe('TypeError: boom');
    expect(mapped.split('\n')[2]).toBe('    at node:internal/x:1:2');
  });
});
