import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { ticketPorts } from '../../shared/adapters/ports';
import { workflowConfig } from '../../shared/config/workflow';
import { NotFoundError } from '../../shared/domain';
import { authorize, queuesOf, requireQueue } from '../../shared/http/access';
import { QueueViewQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { parseWith } from '../../shared/http/request';
import { OPEN_STATES, queueOverview, queueView } from '../../shared/use-cases/queues';

const ports = ticketPorts();

/**
 * `GET /v1/queues`: the caller's queues with counts per open state and SLA risk (queue index, never a Scan).
 * `GET /v1/queues/{queue}/tickets?state=&priority=&assignee=&blocked=&slaDueBefore=&limit=&cursor=`: one
 * queue's tickets, urgent first then oldest (all open states when no state is given), cursor-paginated.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const queue = event.pathParameters?.queue;
    if (!queue) {
      const mine = queuesOf(caller);
      const ids = Object.keys(workflowConfig.queues).filter((q) => mine === 'all' || mine.includes(q));
      return json(200, { queues: await queueOverview(ids, ports) });
    }
    if (!Object.hasOwn(workflowConfig.queues, queue))
      throw new NotFoundError('QUEUE.NOT_FOUND', `queue ${queue} not found`);
    requireQueue(caller, queue);
    const q = parseWith(QueueViewQuery, event.queryStringParameters ?? {});
    const page = await queueView(
      {
        queue,
        states: q.state ? [q.state] : OPEN_STATES,
        limit: q.limit,
        cursor: q.cursor,
        filter: {
          priority: q.priority,
          assignee: q.assignee === 'me' ? (caller.email ?? caller.sub) : q.assignee,
          blocked: q.blocked === undefined ? undefined : q.blocked === 'true',
        },
        slaDueBefore: q.slaDueBefore,
      },
      ports,
    );
    return json(200, page);
  });
