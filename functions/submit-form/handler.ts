import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { understandingPorts } from '../../shared/adapters/understanding-ports';
import { workflowConfig } from '../../shared/config/workflow';
import { InvalidInputError, NotFoundError } from '../../shared/domain';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { formSubmissionSchema } from '../../shared/http/form-contract';
import { parseJsonBody, parseWith, pathParameter, rawBodyAtMost } from '../../shared/http/request';
import { submitForm } from '../../shared/use-cases/submit-form';

// The learned intent and the language, read into each request before triage (issue 19).
const ports = { ...ticketPorts(), ...understandingPorts() };
const MAX_FORM_BYTES = 64 * 1024;

/** `POST /v1/forms/{requestType}` → 201 `{ticketId, reference}`; a repeated submissionId → 200, same ticket. */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const requestType = pathParameter(event, 'requestType');
    const schema = formSubmissionSchema(workflowConfig, requestType);
    if (!schema) throw new NotFoundError('FORM.NOT_FOUND', `no form "${requestType}"`);
    const body = rawBodyAtMost(event, MAX_FORM_BYTES, 'a form submission');
    const submission = parseWith(schema, parseJsonBody(body));
    const submissionId = submission.submissionId ?? randomUUID();
    const result = await submitForm({ requestType, submission, submissionId }, ports);
    if (result.kind === 'rejected') throw new InvalidInputError(result.issues);
    return json(result.duplicate ? 200 : 201, { ticketId: result.ticketId, reference: result.reference });
  });
