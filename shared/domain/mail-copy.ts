import type { FieldSpec } from '../config/fields';

/**
 * Words the notification templates fill in that depend on what is known about the ticket: the greeting
 * (the requester's name, or none), the example reply line of a needs-info mail (only for the fields it asks,
 * from their specs) and an approval's outcome as English. Pure: send-notification turns them into
 * `{{greeting}}`, `{{replyExample}}` and `{{approvalResult}}`.
 */

/** "Hello Dana," with a name; a neutral "Hello," without one. */
export function greeting(name: string | undefined): string {
  const known = name?.trim();
  return known ? `Hello ${known},` : 'Hello,';
}

/** A field's example value: the one its spec gives, else an enum's first value; none otherwise. */
function exampleOf(spec: FieldSpec): string | undefined {
  return spec.example ?? (spec.type === 'enum' ? spec.values?.[0] : undefined);
}

/**
 * The example of a reply for the asked fields that have an example, one `Label: value` line each as the
 * requester would type them, on a new line after the sentence that asks for them; empty when none has one.
 */
export function replyExample(
  asked: readonly string[],
  fields: Readonly<Record<string, FieldSpec>> | undefined,
): string {
  const lines = asked.flatMap((name) => {
    const spec = fields?.[name];
    const example = spec && exampleOf(spec);
    return example ? [`  ${spec.label}: ${example}`] : [];
  });
  return lines.length > 0 ? `\nFor example:\n${lines.join('\n')}` : '';
}

/** An approval's outcome as the end of a sentence: "was approved", "was rejected", "expired". */
export function approvalResult(outcome: 'approved' | 'rejected' | 'expired'): string {
  return outcome === 'expired' ? 'expired' : `was ${outcome}`;
}
