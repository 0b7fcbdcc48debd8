import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { AccountSchema } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import {
  HttpError,
  type HttpResult,
  httpErrors,
  json,
  toIssues,
  ValidationFailedError,
} from '../../shared/http/errors';
import { parseJsonBody, pathParameter, rawBody } from '../../shared/http/request';
import { DomainTakenError } from '../../shared/use-cases/ports';

const { accounts, clock } = storePorts();

/** `PUT /v1/accounts/{id}` (admin): the whole account; its domains route a requester's mail to it. */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const id = pathParameter(event, 'id');
    const body = parseJsonBody(rawBody(event));
    const parsed = AccountSchema.safeParse({ ...(typeof body === 'object' && body ? body : {}), id });
    if (!parsed.success) throw new ValidationFailedError(toIssues(parsed.error.issues));
    try {
      await accounts.upsert(parsed.data, clock.now());
    } catch (e: unknown) {
      if (e instanceof DomainTakenError)
        throw new HttpError(409, 'domain_taken', e.message, { domains: e.domains });
      throw e;
    }
    return json(200, { account: parsed.data });
  });
