import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { linkSecret } from '../../shared/adapters/link-secret';
import { logger } from '../../shared/adapters/logger';
import { storePorts } from '../../shared/adapters/store-ports';
import { type HttpResult, httpErrors } from '../../shared/http/errors';
import {
  linkRefusedPage,
  questionPage,
  resolutionMessage,
  resolutionPage,
} from '../../shared/http/link-pages';
import { pathParameter } from '../../shared/http/request';
import { verifyResolutionLink } from '../../shared/http/resolution-link';
import { resolutionQuestion } from '../../shared/use-cases/confirm-resolution';

const ports = storePorts();

/**
 * The "Yes, it's solved" / "No, still a problem" links of the resolution mail: `GET /resolution/{token}
 * ?answer=…` only SHOWS a page with that answer preselected; it never records (mail scanners and link
 * previews fetch every link in a mail, and would otherwise close every ticket for the customer). The
 * page's form posts to `confirm-resolution`.
 */
export const handler = middy<APIGatewayProxyEventV2, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    const token = pathParameter(event, 'token');
    const check = verifyResolutionLink(await linkSecret(), token, ports.clock.now());
    if (!check.ok) return linkRefusedPage('resolution', check.reason);
    return questionPage('resolution', await resolutionQuestion(check.link, ports), {
      answered: ({ answer }) => resolutionMessage(answer, false),
      open: (ticket) => resolutionPage(200, ticket, token, { answer: event.queryStringParameters?.answer }),
    });
  });
