import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { workflowConfig } from '../../shared/config';
import {
  type HttpResult,
  httpErrors,
  json,
  notFound,
  payloadTooLarge,
  toIssues,
  ValidationFailedError,
} from '../../shared/http/errors';
import { formSubmissionSchema } from '../../shared/http/form-contract';
import { parseJsonBody, pathParameter, rawBody } from '../../shared/http/request';
import { submitForm } from '../../shared/use-cases/submit-form';

const ports = ticketPorts();
const MAX_FORM_BYTES = 64 * 1024;

/** `POST /v1/forms/{requestType}` → 201 `{ticketId, reference}`; a repeated submissionId → 200, same ticket. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const requestType = pathParameter(event, 'requestType');
    const schema = formSubmissionSchema(workflowConfig, requestType);
    if (!schema) throw notFound(`no form "${requestType}"`);
    const body = rawBody(event);
    if (body.length > MAX_FORM_BYTES)
      throw payloadTooLarge(`a form submission is limited to ${MAX_FORM_BYTES} bytes`);
    const parsed = schema.safeParse(parseJsonBody(body));
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));

    const submissionId = parsed.data.submissionId ?? randomUUID();
    const result = await submitForm({ requestType, submission: parsed.data, submissionId }, ports);
    if (result.kind === 'rejected') throw new ValidationFailedError(result.issues);
    return json(result.duplicate ? 200 : 201, { ticketId: result.ticketId, reference: result.reference });
  });
