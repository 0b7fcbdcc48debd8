import { describe, expect, it } from 'vitest';
import { parseWorkflowConfig, workflowConfig } from '../../shared/config';
import { DEFAULT_AUTOMATION } from '../../shared/config/automation';
import { refusal, withChange } from './helpers';

describe('the automation config', () => {
  it('defaults to the seeds’ reminders and closing, with per-request-type overrides', () => {
    expect(workflowConfig.automation).toEqual(DEFAULT_AUTOMATION);
    expect(workflowConfig.requestTypes.bug_report?.automation).toEqual({
      waitingOnTeam: { statusUpdateEvery: '3bd' },
    });
    const config = withChange(['automation'], undefined);
    expect(parseWorkflowConfig(config).automation).toEqual(DEFAULT_AUTOMATION);
  });

  it('refuses a duration it cannot read, naming the path', () => {
    const bad = refusal(
      withChange(
        ['requestTypes', 'bug_report', 'automation', 'waitingOnTeam', 'statusUpdateEvery'],
        '2 days',
      ),
    );
    expect(bad.message).toContain('requestTypes.bug_report.automation.waitingOnTeam.statusUpdateEvery');
    expect(bad.message).toContain('must be a duration like');
    const zero = refusal(
      withChange(['automation'], {
        ...DEFAULT_AUTOMATION,
        afterResolution: { ...DEFAULT_AUTOMATION.afterResolution, closeAfterDays: 0 },
      }),
    );
    expect(zero.message).toContain('automation.afterResolution.closeAfterDays');
  });

  it('refuses a template placeholder the automation mails do not fill', () => {
    const bad = refusal(
      withChange(['notifications', 'reminder'], { subject: 'Reminder', text: 'Hi {{waitingUntil}}' }),
    );
    expect(bad.message).toContain('unknown placeholder {{waitingUntil}}');
  });
});
