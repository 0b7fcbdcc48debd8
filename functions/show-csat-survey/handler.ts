import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { verifyCsatLink } from '../../shared/http/csat-link';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import { alreadyRated, csatPage, linkRefusedPage, questionPage } from '../../shared/http/link-pages';
import { pathParameter } from '../../shared/http/request';
import { csatSurvey } from '../../shared/use-cases/submit-csat';

const ports = storePorts();

/**
 * The survey link of the resolution mail: `GET /csat/{token}?score=n` only SHOWS a confirmation page with
 * that score preselected; it never records: mail scanners and link previews fetch every link in a mail,
 * and would otherwise rate every ticket for the customer. The page's form posts to `submit-csat`.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyCsatLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) return linkRefusedPage('csat', check.reason);
    const preselected = Number(event.queryStringParameters?.score);
    return questionPage('csat', await csatSurvey(check.link, ports), {
      answered: ({ score }) => alreadyRated(score),
      open: (ticket) =>
        csatPage(200, ticket, token, { score: Number.isInteger(preselected) ? preselected : undefined }),
    });
  });
