import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultWorkflow, parseWorkflowConfig, WorkflowConfigError } from '../../shared/config';
import { macroVariables } from '../../shared/config/macros';
import { refusal, withChange } from './helpers';

const aMacro = (macro: Record<string, unknown>) => withChange(['macros', 'my-macro'], macro);

describe('macros in the workflow config', () => {
  it('the default workflow’s macros parse, with their actions', () => {
    const config = parseWorkflowConfig(defaultWorkflow);
    expect(Object.keys(config.macros)).toContain('ask-for-screenshot');
    expect(config.macros['validated-bug-to-engineering']?.actions).toEqual({
      tags: { add: ['validated'] },
      queue: 'engineering',
    });
  });

  it('a config without macros has none', () => {
    expect(parseWorkflowConfig(withChange(['macros'], undefined)).macros).toEqual({});
  });

  it.each([
    [
      'an unknown queue',
      { title: 'x', actions: { queue: 'bilinq' } },
      'macros.my-macro.actions.queue',
      'unknown queue "bilinq"',
    ],
    [
      'a field no request type has',
      { title: 'x', actions: { fields: { invoiceNo: '1' } } },
      'macros.my-macro.actions.fields.invoiceNo',
      'no request type has a field',
    ],
    [
      'an unknown placeholder',
      { title: 'x', reply: 'Hi {{customerName}}', visibility: 'public', actions: {} },
      'macros.my-macro.reply',
      'unknown placeholder {{customerName}}',
    ],
    [
      'a reply that does not say who sees it',
      { title: 'x', reply: 'Hi', actions: {} },
      'macros.my-macro.visibility',
      'public (mailed) or internal',
    ],
    ['no reply and no action', { title: 'x', actions: {} }, 'macros.my-macro', 'needs a reply or an action'],
    [
      'a state no ticket moves to',
      { title: 'x', actions: { state: 'new' } },
      'macros.my-macro.actions.state',
      'no ticket moves back to new',
    ],
    [
      'a tag added and removed',
      { title: 'x', actions: { tags: { add: ['a'], remove: ['a'] } } },
      'macros.my-macro.actions.tags',
      'both added and removed: a',
    ],
    [
      'an unknown priority',
      { title: 'x', actions: { priority: 'asap' } },
      'macros.my-macro.actions.priority',
      '',
    ],
  ])('refuses %s, naming its path', (_what, macro, path, message) => {
    const error = refusal(aMacro(macro));
    expect(error.issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('refuses a macro id that is not kebab-case', () => {
    const error = refusal(withChange(['macros', 'My Macro'], { title: 'x', actions: { priority: 'high' } }));
    expect(error.issues[0]?.path).toContain('macros');
  });

  it('accepts every macro variable and fields.<a known field> in a reply', () => {
    const reply = [...macroVariables.map((v) => `{{${v}}}`), '{{fields.invoiceId}}'].join(' ');
    expect(
      parseWorkflowConfig(aMacro({ title: 'x', reply, visibility: 'internal' })).macros['my-macro']?.reply,
    ).toBe(reply);
  });

  it('any macro config either parses or is refused with paths under macros (never another error)', () => {
    const state = fc.constantFrom('new', 'in_progress', 'resolved', 'closed', 'bogus');
    const macro = fc.record(
      {
        title: fc.oneof(fc.string({ maxLength: 130 }), fc.constant('Title')),
        reply: fc.oneof(
          fc.string({ maxLength: 50 }),
          fc.constantFrom('{{greeting}}', '{{x}}', '{{fields.env}}'),
        ),
        visibility: fc.constantFrom('public', 'internal', 'secret'),
        actions: fc.record(
          {
            state,
            priority: fc.constantFrom('low', 'urgent', 'asap'),
            tags: fc.record({
              add: fc.array(fc.string({ maxLength: 8 })),
              remove: fc.array(fc.constant('vip')),
            }),
            fields: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })),
            queue: fc.constantFrom('billing', 'nowhere', 'Billing'),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom('my-macro', 'bad id'), macro, (id, m) => {
        try {
          const config = parseWorkflowConfig(withChange(['macros', id], m));
          expect(config.macros[id]?.actions).toBeDefined();
        } catch (e: unknown) {
          expect(e).toBeInstanceOf(WorkflowConfigError);
          for (const issue of (e as WorkflowConfigError).issues) expect(issue.path).toMatch(/^macros/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
