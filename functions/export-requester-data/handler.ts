import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { privacyAdminPorts } from '../../shared/adapters/privacy-admin-ports';
import { authorize } from '../../shared/http/access';
import { ErasureBody, ExportBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { erasureStatus, requestErasure } from '../../shared/use-cases/privacy-erasure';
import { exportStatus, requestExport } from '../../shared/use-cases/privacy-export';

const ports = privacyAdminPorts();

/**
 * A requester's data (admins). `POST /v1/privacy/exports` `{ email }`: 202 `{ exportId, state: "queued" }`;
 * everything about that requester is exported in the background (the privacy-exports queue,
 * build-export), and the request is audited. `GET /v1/privacy/exports/{id}`: its state and progress and,
 * once done, a 15-minute download link per file (`export.json` and the attachments).
 * `POST /v1/privacy/erasures` `{ email, reason }`: 202 `{ erasureId, reference, state: "awaiting_approval",
 * approvalId, tickets }`; a ticket tracks it and a `data_change` approval is asked on it; approved, it runs
 * (erase-requester-data). `GET /v1/privacy/erasures/{id}`: its state, progress, counts and audit trail.
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const by = { kind: 'agent', id: caller.email ?? caller.sub } as const;
    // No requester address in the log: the job item holds it, the log names the job.
    switch (event.routeKey) {
      case 'POST /v1/privacy/exports': {
        const { email } = jsonBody(event, ExportBody);
        const queued = await requestExport({ email, by }, ports);
        logger.info('privacy export requested', { exportId: queued.exportId, by: by.id });
        return json(202, queued);
      }
      case 'POST /v1/privacy/erasures': {
        const { email, reason } = jsonBody(event, ErasureBody);
        const asked = await requestErasure({ email, reason, by }, ports);
        logger.info('privacy erasure requested', { erasureId: asked.erasureId, by: by.id });
        return json(202, asked);
      }
      case 'GET /v1/privacy/erasures/{id}':
        return json(200, await erasureStatus(pathParameter(event, 'id'), ports));
      default:
        return json(200, await exportStatus(pathParameter(event, 'id'), ports));
    }
  });
