import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { approvalDecisionPorts } from '../../shared/adapters/ports';
import { NotFoundError } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { publicApproval } from '../../shared/http/approvals';
import { DecisionBody } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { jsonBody, pathParameter } from '../../shared/http/request';
import { decideApprovalAsApprover } from '../../shared/use-cases/approvals';

const ports = approvalDecisionPorts();

/**
 * `POST /v1/approvals/{approvalId}/decision` `{ decision: approve|reject, reason }`: 200 `{ approval, ticket }`;
 * 403 naming the separation-of-duties rule that refused (approver-group, not-own-request, not-the-customer,
 * one-vote-each); 409 when it is already decided; 404 unknown approval; 400 without a reason. The approval's
 * state guards concurrent decisions, so no If-Match is needed (a second decision gets the 409).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const caller = authorize(event);
    const approvalId = pathParameter(event, 'approvalId');
    const decision = jsonBody(event, DecisionBody);
    const result = await decideApprovalAsApprover(
      {
        approvalId,
        ...decision,
        approver: { id: caller.email ?? caller.sub, email: caller.email, groups: caller.groups },
      },
      ports,
    );
    switch (result.kind) {
      case 'not_found':
        throw new NotFoundError('APPROVAL.NOT_FOUND', `approval ${approvalId} not found`);
      case 'refused':
        throw result.error;
      case 'recorded':
        logger.info('approval vote', { approvalId, state: result.approval.state, decided: result.decided });
        return json(200, { approval: publicApproval(result.approval), ticket: result.ticket });
    }
  });
