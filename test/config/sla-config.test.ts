import { describe, expect, it } from 'vitest';
import { defaultWorkflow, parseWorkflowConfig, SlaConfigSchema, workflowConfig } from '../../shared/config';
import { refusal, withChange } from './helpers';

const enterprise = ['sla', 'policies', 'enterprise'] as const;

describe('the default SLA and escalation config', () => {
  it('parses, with both policies, the Berlin calendar and three escalation paths', () => {
    expect(() => parseWorkflowConfig(defaultWorkflow)).not.toThrow();
    expect(() => SlaConfigSchema.parse(defaultWorkflow.sla)).not.toThrow();
    expect(Object.keys(workflowConfig.sla.policies)).toEqual(['enterprise', 'standard']);
    expect(workflowConfig.sla.policies.enterprise?.calendar).toBe('24x7');
    expect(workflowConfig.sla.policies.standard?.calendar).toBe('eu-business-hours');
    expect(workflowConfig.sla.calendars['eu-business-hours']?.timeZone).toBe('Europe/Berlin');
    expect(workflowConfig.sla.policyByAccountTier).toEqual({ enterprise: 'enterprise' });
    expect(workflowConfig.sla.defaultPolicy).toBe('standard');
    expect(Object.keys(workflowConfig.escalationPaths)).toEqual([
      'urgent-enterprise',
      'enterprise-security',
      'sla-breach',
    ]);
  });

  it('pauses in waiting_on_customer and has no escalation paths unless told otherwise', () => {
    const config = withChange([...enterprise, 'pauseStates'], undefined) as Record<string, unknown>;
    delete config.escalationPaths;
    const parsed = parseWorkflowConfig(config);
    expect(parsed.sla.policies.enterprise?.pauseStates).toEqual(['waiting_on_customer']);
    expect(parsed.escalationPaths).toEqual({});
  });
});

describe('a bad SLA config is refused, naming the path', () => {
  it('an unknown calendar', () => {
    const error = refusal(withChange([...enterprise, 'calendar'], 'us-business-hours'));
    expect(error.issues).toEqual([
      {
        path: 'sla.policies.enterprise.calendar',
        message: 'unknown calendar "us-business-hours"; known: 24x7, eu-business-hours',
      },
    ]);
  });

  it('an unknown default policy', () => {
    const error = refusal(withChange(['sla', 'defaultPolicy'], 'basic'));
    expect(error.issues).toEqual([
      { path: 'sla.defaultPolicy', message: 'unknown SLA policy "basic"; known: enterprise, standard' },
    ]);
  });

  it('an account tier mapped to an unknown policy', () => {
    const error = refusal(withChange(['sla', 'policyByAccountTier', 'gold'], 'premium'));
    expect(error.issues).toEqual([
      {
        path: 'sla.policyByAccountTier.gold',
        message: 'unknown SLA policy "premium"; known: enterprise, standard',
      },
    ]);
  });

  it('an escalation step to an unknown queue', () => {
    const error = refusal(withChange(['escalationPaths', 'urgent-enterprise', 'steps', 1, 'queue'], 'sre'));
    expect(error.issues).toEqual([
      {
        path: 'escalationPaths.urgent-enterprise.steps[1].queue',
        message: expect.stringContaining('unknown queue "sre"; known: self_service, frontline'),
      },
    ]);
  });

  it('an escalation step to a queue whose owner is no address, with nobody to notify', () => {
    const config = withChange(['queues', 'escalation_desk', 'defaultOwner'], 'The lead on duty') as {
      escalationPaths: Record<string, { steps: Array<Record<string, unknown>> }>;
    };
    const error = refusal(config);
    expect(error.issues.map((i) => i.path)).toEqual([
      'escalationPaths.urgent-enterprise.steps[0].notify',
      'escalationPaths.sla-breach.steps[0].notify',
    ]);
    const step = config.escalationPaths['sla-breach']?.steps[0];
    if (step) step.notify = 'leads@example.com';
    const uep = config.escalationPaths['urgent-enterprise']?.steps[0];
    if (uep) uep.notify = 'leads@example.com';
    expect(() => parseWorkflowConfig(config)).not.toThrow();
  });

  it('a policy where urgent is slower than high', () => {
    const error = refusal(withChange([...enterprise, 'targets', 'urgent', 'firstResponseMinutes'], 90));
    expect(error.issues).toEqual([
      {
        path: 'sla.policies.enterprise.targets.urgent.firstResponseMinutes',
        message: 'urgent (90 min) is slower than high (60 min); a higher priority must not wait longer',
      },
    ]);
    const resolution = refusal(
      withChange(['sla', 'policies', 'standard', 'targets', 'normal', 'resolutionMinutes'], 5000),
    );
    expect(resolution.issues.map((i) => i.path)).toEqual([
      'sla.policies.standard.targets.normal.resolutionMinutes',
    ]);
  });

  it('two priorities with identical targets (whatever order their keys are written in)', () => {
    const error = refusal(
      withChange([...enterprise, 'targets', 'high'], {
        resolutionMinutes: 240,
        nextResponseMinutes: 60,
        firstResponseMinutes: 30,
      }),
    );
    expect(error.issues).toEqual([
      {
        path: 'sla.policies.enterprise.targets',
        message: 'two priorities have the same targets; priority must change the expectations',
      },
    ]);
  });

  it('resolved (or closed) as a pause state', () => {
    const error = refusal(withChange([...enterprise, 'pauseStates'], ['waiting_on_customer', 'resolved']));
    expect(error.issues).toEqual([
      {
        path: 'sla.policies.enterprise.pauseStates[1]',
        message: 'resolved stops the clocks already; it cannot be a pause state',
      },
    ]);
    expect(refusal(withChange([...enterprise, 'pauseStates'], ['closed'])).issues.map((i) => i.path)).toEqual(
      ['sla.policies.enterprise.pauseStates[0]'],
    );
  });

  it('a priority missing from the targets', () => {
    const error = refusal(withChange([...enterprise, 'targets', 'low'], undefined));
    expect(error.issues.map((i) => i.path)).toEqual(['sla.policies.enterprise.targets.low']);
  });

  it('a priority that does not exist in the targets', () => {
    const error = refusal(
      withChange([...enterprise, 'targets', 'critical'], { firstResponseMinutes: 5, resolutionMinutes: 10 }),
    );
    expect(error.issues).toEqual([
      { path: 'sla.policies.enterprise.targets', message: expect.stringContaining('"critical"') },
    ]);
  });

  it('a time zone Intl does not know', () => {
    const error = refusal(
      withChange(['sla', 'calendars', 'eu-business-hours', 'timeZone'], 'Europe/Berlinn'),
    );
    expect(error.issues).toEqual([
      {
        path: 'sla.calendars.eu-business-hours.timeZone',
        message: 'must be an IANA time zone known to Intl, like Europe/Berlin',
      },
    ]);
  });

  it('a warning share of 1 (or 0): it would warn at the breach (or at once)', () => {
    expect(refusal(withChange([...enterprise, 'warnAtShare'], 1)).issues.map((i) => i.path)).toEqual([
      'sla.policies.enterprise.warnAtShare',
    ]);
    expect(refusal(withChange([...enterprise, 'warnAtShare'], 0)).issues.map((i) => i.path)).toEqual([
      'sla.policies.enterprise.warnAtShare',
    ]);
  });

  it('a target under a minute', () => {
    const error = refusal(withChange([...enterprise, 'targets', 'urgent', 'firstResponseMinutes'], 0));
    expect(error.issues).toContainEqual({
      path: 'sla.policies.enterprise.targets.urgent.firstResponseMinutes',
      message: 'must be at least 1 minute',
    });
  });

  it('an escalation trigger on an SLA target that does not exist', () => {
    const error = refusal(
      withChange(['escalationPaths', 'sla-breach', 'triggers', 0], {
        on: 'sla.breached',
        targets: ['firstresponse'],
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['escalationPaths.sla-breach.triggers[0].targets[0]']);
  });
});
