import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synth } from '../support/stacks';

// What synthesis reported on the app synthesised once for the run (test/support/stacks-global-setup.ts):
// CDK annotations, cdk-nag AwsSolutions findings and acknowledgments, the CloudFormation validation report.

describe('synthesis', () => {
  it('raises no CDK warning or error annotation', () => {
    expect(synth.annotations).toEqual([]);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unsuppressed finding', () => {
    expect(synth.nag.findings).toEqual([]);
    expect(synth.nag.success).toBe(true);
  });

  it('left a clean validation report in the cloud assembly (cdk-nag and CloudFormation validation)', () => {
    const report = JSON.parse(readFileSync(join(synth.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
    };
    expect(
      report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName}: ${v.ruleName}`)),
    ).toEqual([]);
  });

  it('gives every acknowledgment a named AwsSolutions rule and a reason', () => {
    expect(synth.acknowledgments.length).toBeGreaterThan(0);
    for (const { id, reason } of synth.acknowledgments) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(reason.length, id).toBeGreaterThan(40);
    }
  });
});
