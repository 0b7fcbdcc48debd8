import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { articlePorts } from '../../shared/adapters/article-ports';
import { logger } from '../../shared/adapters/logger';
import { metricPorts } from '../../shared/adapters/store-ports';
import { workflowConfig } from '../../shared/config/workflow';
import { InvalidInputError } from '../../shared/domain';
import { authorize } from '../../shared/http/access';
import { FlowQuery, KbGapsQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json } from '../../shared/http/errors';
import { parseWith } from '../../shared/http/request';
import { costPerThousandLifecycles } from '../../shared/use-cases/cost-report';
import { readFlowMetrics, readKbGaps } from '../../shared/use-cases/metrics';

const ports = { ...metricPorts(), search: articlePorts().search };

/**
 * `GET /v1/metrics/flow?from=&to=&queue=&requestType=` (leads, admins): per-day flow numbers and range
 * totals (created, resolved, reopened, FRT and resolution p50/p90, time blocked by kind, SLA attainment,
 * escalations by tier, CSAT, credits, closures by who closed, time to close p50/p90, reminders and status
 * updates the clock sent), the backlog and its aging now, top drivers.
 * `GET /v1/metrics/kb-gaps?days=30&threshold=20`: drivers seen more than `threshold` times in the window,
 * each with `coverage` { status: missing | exists_not_deflecting, bestMatch: { slug, score } | null }.
 * `GET /v1/metrics/cost`: dollars per 1,000 ticket lifecycles (the measured operation profile × list prices).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const now = ports.clock.now();
    if (event.routeKey.endsWith('/cost')) return json(200, costPerThousandLifecycles());
    if (event.routeKey.endsWith('/kb-gaps')) {
      const q = parseWith(KbGapsQuery, event.queryStringParameters ?? {});
      return json(200, await readKbGaps({ windowDays: q.days, threshold: q.threshold, now }, ports));
    }
    const q = parseWith(FlowQuery, event.queryStringParameters ?? {});
    const to = q.to ?? now.toISOString().slice(0, 10);
    const from =
      q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    if (q.queue && !Object.hasOwn(workflowConfig.queues, q.queue))
      throw new InvalidInputError([{ path: 'queue', message: `unknown queue ${q.queue}` }]);
    const flow = await readFlowMetrics(
      {
        from,
        to,
        queue: q.queue,
        requestType: q.requestType,
        now,
        queues: Object.keys(workflowConfig.queues),
      },
      ports,
    );
    return json(200, flow);
  });
