import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { intentAdminPorts } from '../../shared/adapters/intent-ports';
import { logger } from '../../shared/adapters/logger';
import { workflowConfig } from '../../shared/config/workflow';
import { authorize } from '../../shared/http/access';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { intentOverview } from '../../shared/use-cases/intent';

const ports = { ...intentAdminPorts(), config: workflowConfig };

/**
 * `GET /v1/intent` (leads, admins): the model in force (version, trained at, examples, intents, held-out
 * figures), the confidence rules act on, how many labels agents gave and the live precision and recall of
 * the predictions they judged. `POST /v1/intent/training`: 202, a new model is trained in the background
 * (the intent-training queue; `GET /v1/intent` shows its version once it is in force).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    if (event.routeKey.startsWith('POST')) {
      await ports.training.request(caller.email ?? caller.sub);
      logger.info('intent training requested', { by: caller.email ?? caller.sub });
      return json(202, { requested: true });
    }
    return json(200, await intentOverview(ports));
  });
