// biome-ignore-all lint/suspicious/noThenProperty: triage rules are written `when`/`then`; `then` is a plain object, never a thenable.
import { describe, expect, it } from 'vitest';
import { defaultWorkflow, parseWorkflowConfig } from '../../shared/config';
import {
  DEFAULT_INTENT,
  DEFAULT_LANGUAGE,
  IntentConfigSchema,
  LanguageConfigSchema,
  requestTypeForIntent,
} from '../../shared/config/intent';
import { refusal, withChange } from './helpers';

// Issue 19 in the workflow config: conditions on `intent` (with their own minConfidence) and `language`,
// the `intent` and `language` sections with their defaults, and per-language mail templates.

const rule = (condition: Record<string, unknown>) => ({
  id: 'probe',
  description: 'probe rule',
  when: { any: [condition] },
  then: { tags: ['probe'] },
});

const paths = (input: unknown) => refusal(input).issues.map((i) => i.path);

describe('conditions on intent and language', () => {
  it('accepts intent conditions with and without their own minConfidence, and language conditions', () => {
    const config = parseWorkflowConfig(
      withChange(
        ['triageRules'],
        [
          rule({ field: 'intent', op: 'equals', value: 'refund_request', minConfidence: 0.6 }),
          { ...rule({ field: 'intent', op: 'in', value: ['a', 'b'] }), id: 'probe-2' },
          { ...rule({ field: 'intent', op: 'exists', minConfidence: 1 }), id: 'probe-3' },
          { ...rule({ field: 'language', op: 'equals', value: 'de' }), id: 'probe-4' },
        ],
      ),
    );
    expect(config.triageRules.map((r) => r.when.any?.[0])).toEqual([
      { field: 'intent', op: 'equals', value: 'refund_request', minConfidence: 0.6 },
      { field: 'intent', op: 'in', value: ['a', 'b'] },
      { field: 'intent', op: 'exists', minConfidence: 1 },
      { field: 'language', op: 'equals', value: 'de' },
    ]);
  });

  it('refuses minConfidence on any field but intent, naming the path and the field', () => {
    const error = refusal(
      withChange(
        ['triageRules'],
        [rule({ field: 'subject', op: 'contains', value: 'x', minConfidence: 0.5 })],
      ),
    );
    expect(error.issues).toEqual([
      {
        path: 'triageRules[0].when.any[0].minConfidence',
        message: 'minConfidence applies only to field intent, not subject',
      },
    ]);
    const language = refusal(
      withChange(['triageRules'], [rule({ field: 'language', op: 'exists', minConfidence: 0.5 })]),
    );
    expect(language.issues.map((i) => [i.path, i.message])).toEqual([
      [
        'triageRules[0].when.any[0].minConfidence',
        'minConfidence applies only to field intent, not language',
      ],
    ]);
  });

  it('refuses it wherever conditions are written: routing rules and handoffs', () => {
    const routing = withChange(
      ['routingRules'],
      [
        {
          id: 'tiered',
          description: 'by tier',
          when: { all: [{ field: 'account.tier', op: 'equals', value: 'x', minConfidence: 0.9 }] },
          then: { queue: 'billing' },
        },
      ],
    );
    expect(paths(routing)).toEqual(['routingRules[0].when.all[0].minConfidence']);
    const handoff = structuredClone(defaultWorkflow.handoffs[0]) as { requires: Record<string, unknown>[] };
    handoff.requires = [{ field: 'tags', op: 'equals', value: 'validated', minConfidence: 0.9 }];
    expect(paths(withChange(['handoffs'], [handoff]))).toEqual(['handoffs[0].requires[0].minConfidence']);
  });

  it('refuses a minConfidence outside 0..1', () => {
    for (const minConfidence of [-0.1, 1.01]) {
      expect(
        paths(
          withChange(['triageRules'], [rule({ field: 'intent', op: 'equals', value: 'x', minConfidence })]),
        ),
      ).toEqual(['triageRules[0].when.any[0].minConfidence']);
    }
  });
});

describe('the intent section', () => {
  it('defaults when absent: floor 0.8, no mapping, 20 examples', () => {
    const config = parseWorkflowConfig(withChange(['intent'], undefined));
    expect(config.intent).toEqual({ minConfidence: 0.8, requestTypes: {}, minExamples: 20 });
    expect(config.intent).toEqual(DEFAULT_INTENT);
    expect(IntentConfigSchema.parse({})).toEqual(DEFAULT_INTENT);
  });

  it('fills in what a partial section leaves out', () => {
    const config = parseWorkflowConfig(withChange(['intent'], { minConfidence: 0.65 }));
    expect(config.intent).toEqual({ minConfidence: 0.65, requestTypes: {}, minExamples: 20 });
  });

  it('accepts a mapping to known request types', () => {
    const config = parseWorkflowConfig(
      withChange(['intent'], {
        requestTypes: { card_arrival: 'account_change', refund_request: 'billing_dispute' },
      }),
    );
    expect(config.intent.requestTypes).toEqual({
      card_arrival: 'account_change',
      refund_request: 'billing_dispute',
    });
  });

  it('refuses a mapping to an unknown request type, naming the intent and the known ones', () => {
    const error = refusal(
      withChange(['intent'], { requestTypes: { card_arrival: 'account_change', refund_request: 'refunds' } }),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('intent.requestTypes.refund_request');
    expect(error.issues[0]?.message).toMatch(/^unknown request type "refunds"; known: .*billing_dispute/);
  });

  it('refuses an out-of-range floor and a minExamples below 2 or not whole', () => {
    expect(paths(withChange(['intent'], { minConfidence: 1.5 }))).toEqual(['intent.minConfidence']);
    expect(paths(withChange(['intent'], { minConfidence: -1 }))).toEqual(['intent.minConfidence']);
    expect(paths(withChange(['intent'], { minExamples: 1 }))).toEqual(['intent.minExamples']);
    expect(paths(withChange(['intent'], { minExamples: 2.5 }))).toEqual(['intent.minExamples']);
    expect(parseWorkflowConfig(withChange(['intent'], { minExamples: 2 })).intent.minExamples).toBe(2);
  });

  it('refuses an empty or blank intent name in the mapping', () => {
    expect(paths(withChange(['intent'], { requestTypes: { '  ': 'bug_report' } }))).toEqual([
      'intent.requestTypes["  "]',
    ]);
  });
});

describe('requestTypeForIntent', () => {
  const config = parseWorkflowConfig(
    withChange(['intent'], { requestTypes: { card_arrival: 'account_change' } }),
  );

  it('maps a listed intent, takes a same-named request type, and answers undefined otherwise', () => {
    expect(requestTypeForIntent('card_arrival', config)).toBe('account_change');
    expect(requestTypeForIntent('bug_report', config)).toBe('bug_report');
    expect(requestTypeForIntent('password_reset', config)).toBeUndefined();
  });

  it('does not mistake inherited object keys for intents or request types', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      expect(requestTypeForIntent(name, config), name).toBeUndefined();
  });
});

describe('the language section', () => {
  it('defaults when absent', () => {
    const config = parseWorkflowConfig(withChange(['language'], undefined));
    expect(config.language).toEqual(DEFAULT_LANGUAGE);
    expect(LanguageConfigSchema.parse({})).toEqual({
      detect: ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'],
      minLength: 20,
    });
  });

  it('accepts its own list of languages and keeps the default minLength', () => {
    expect(parseWorkflowConfig(withChange(['language'], { detect: ['de', 'en'] })).language).toEqual({
      detect: ['de', 'en'],
      minLength: 20,
    });
  });

  it('refuses codes that are not lower-case ISO 639-1, an empty list and a zero minLength', () => {
    expect(paths(withChange(['language'], { detect: ['en', 'EN', 'deu'] }))).toEqual([
      'language.detect[1]',
      'language.detect[2]',
    ]);
    expect(paths(withChange(['language'], { detect: [] }))).toEqual(['language.detect']);
    expect(paths(withChange(['language'], { minLength: 0 }))).toEqual(['language.minLength']);
  });
});

describe('templates per language', () => {
  const withLocales = (template: string, locales: unknown) =>
    withChange(['notifications', template], {
      ...structuredClone((defaultWorkflow.notifications as unknown as Record<string, object>)[template]),
      locales,
    });

  it('accepts locales keyed by language, with the known placeholders, and keeps them', () => {
    const de = {
      subject: 'Wir haben Ihre Anfrage erhalten [{{reference}}]',
      text: '{{greeting}}\n\n{{subject}}',
    };
    const config = parseWorkflowConfig(withLocales('acknowledgement', { de }));
    expect(config.notifications.acknowledgement.locales).toEqual({ de });
    // A template the default workflow leaves to its default takes locales too, once written out.
    const reminder = {
      subject: 'Reminder',
      text: '{{link}}',
      locales: { fr: { subject: 'Rappel', text: '{{greeting}} {{link}}' } },
    };
    const withReminder = parseWorkflowConfig(withChange(['notifications', 'reminder'], reminder));
    expect(withReminder.notifications.reminder).toEqual(reminder);
  });

  it('refuses an unknown placeholder in a locale, naming the locale and the part', () => {
    const error = refusal(
      withLocales('acknowledgement', {
        de: { subject: 'Anfrage {{referenz}}', text: 'Hallo {{ greeting }} {{kundenname}}' },
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual([
      'notifications.acknowledgement.locales.de.subject',
      'notifications.acknowledgement.locales.de.text',
    ]);
    expect(error.issues[0]?.message).toMatch(/^unknown placeholder \{\{referenz\}\}; known: reference, /);
    expect(error.issues[1]?.message).toMatch(/^unknown placeholder \{\{kundenname\}\}/);
  });

  it('refuses a locale key that is not a language code', () => {
    const error = refusal(
      withLocales('needsInfo', { german: { subject: 'x', text: 'y' }, DE: { subject: 'x', text: 'y' } }),
    );
    expect(error.issues).toEqual([
      {
        path: 'notifications.needsInfo.locales.german',
        message: 'invalid key: must be an ISO 639-1 code, like de',
      },
      {
        path: 'notifications.needsInfo.locales.DE',
        message: 'invalid key: must be an ISO 639-1 code, like de',
      },
    ]);
  });

  it('refuses a locale without its subject or text', () => {
    expect(paths(withLocales('resolution', { de: { subject: 'Erledigt' } }))).toEqual([
      'notifications.resolution.locales.de.text',
    ]);
    expect(paths(withLocales('resolution', { de: { subject: '', text: 'x' } }))).toEqual([
      'notifications.resolution.locales.de.subject',
    ]);
  });
});
