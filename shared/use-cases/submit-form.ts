import type { Requester } from '../domain';
import { type IntakePorts, type IntakeResult, intakeRequest } from './intake';

/** A form submission as the request type's form contract (the HTTP edge's) parsed it. */
export interface FormSubmission {
  readonly requester: Requester;
  readonly subject: string;
  readonly description: string;
  /** The request type's fields; a field left out is undefined. */
  readonly fields: Readonly<Record<string, string | undefined>>;
}

/** A hosted-form submission becomes a ticket; its `submissionId` (one per page load) dedupes double submits. */
export function submitForm(
  input: { requestType: string; submission: FormSubmission; submissionId: string },
  ports: IntakePorts,
): Promise<IntakeResult> {
  const { requestType, submission, submissionId } = input;
  return intakeRequest(
    {
      draft: {
        channel: 'form',
        source: requestType,
        externalId: submissionId,
        subject: submission.subject,
        body: submission.description,
        requester: submission.requester,
        requestType,
        fields: Object.fromEntries(
          Object.entries(submission.fields).filter((e): e is [string, string] => e[1] !== undefined),
        ),
        tags: [],
      },
      dedupe: { channel: 'form', key: submissionId },
      actor: { kind: 'customer', id: submission.requester.email },
    },
    ports,
  );
}
