import type { FormSubmission } from '../http/form-contract';
import { type IntakePorts, type IntakeResult, intakeRequest } from './intake';

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
