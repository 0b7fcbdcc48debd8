import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { exportAdminPorts } from '../../shared/adapters/privacy-ports';
import { authorize } from '../../shared/http/access';
import { ExportBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { exportStatus, requestExport } from '../../shared/use-cases/privacy-export';

const ports = exportAdminPorts();

/**
 * `POST /v1/privacy/exports` `{ email }` (admins): 202 `{ exportId, state: "queued" }`; everything about
 * that requester is exported in the background (the privacy-exports queue, build-export), and the request
 * is audited. `GET /v1/privacy/exports/{id}`: its state and progress and, once done, a 15-minute
 * download link per file (`export.json` and the attachments).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    if (event.routeKey.startsWith('POST')) {
      const { email } = jsonBody(event, ExportBody);
      const by = caller.email ?? caller.sub;
      const queued = await requestExport({ email, by: { kind: 'agent', id: by } }, ports);
      // No requester address in the log: the job item holds it, the log names the job.
      logger.info('privacy export requested', { exportId: queued.exportId, by });
      return json(202, queued);
    }
    return json(200, await exportStatus(pathParameter(event, 'id'), ports));
  });
