import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { agentPorts } from '../../shared/adapters/agent-ports';
import { logger } from '../../shared/adapters/logger';
import { authorize } from '../../shared/http/access';
import { AgentProfileBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody } from '../../shared/http/request';
import { agentRoster, myProfile, setMyProfile } from '../../shared/use-cases/assignment-agents';

const ports = agentPorts();

/**
 * `GET /v1/agents/me`: the caller's availability, skills, queues and open tickets (`saved: false` before they
 * wrote one: away). `PUT /v1/agents/me` `{ availability, skills? }`: sets them (queues from the token's
 * `queue-<id>` groups); away hands open tickets back where the queue says so, available serves the queues.
 * `GET /v1/agents` (leads, admins): the roster, every agent who wrote a profile.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    if (event.routeKey === 'GET /v1/agents') return json(200, { agents: await agentRoster(ports) });
    const me = {
      id: (caller.email ?? caller.sub).toLowerCase(),
      queues: caller.groups.filter((g) => g.startsWith('queue-')).map((g) => g.slice('queue-'.length)),
    };
    if (event.requestContext.http.method === 'GET') return json(200, { agent: await myProfile(me, ports) });
    const body = jsonBody(event, AgentProfileBody);
    return json(200, await setMyProfile(me, body, ports));
  });
