import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { authorize, queuesOf } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';

/** `GET /v1/me`: who the token says the caller is, their roles and the queues they work (the UI shows what they may do). */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    return json(200, {
      email: caller.email ?? null,
      sub: caller.sub,
      groups: caller.groups,
      roles: caller.roles,
      queues: queuesOf(caller),
      // Every queue, for handoff targets (handing a ticket to a queue one does not work is allowed).
      allQueues: Object.entries(workflowConfig.queues).map(([id, q]) => ({ id, name: q.name, tier: q.tier })),
    });
  });
