import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { logger } from '../../shared/adapters/logger';
import { metricPorts } from '../../shared/adapters/store-ports';
import { workflowConfig } from '../../shared/config';
import { authorize } from '../../shared/http/access';
import { FlowQuery, KbGapsQuery } from '../../shared/http/contracts';
import { type HttpResult, httpErrors, json, toIssues, ValidationFailedError } from '../../shared/http/errors';
import { costPerThousandLifecycles } from '../../shared/use-cases/cost-report';
import { MetricsRangeError, readFlowMetrics, readKbGaps } from '../../shared/use-cases/metrics';

const ports = metricPorts();

/**
 * `GET /v1/metrics/flow?from=&to=&queue=&requestType=` (leads, admins): per-day flow numbers and range
 * totals (created, resolved, reopened, FRT and resolution p50/p90, time blocked by kind, SLA attainment,
 * escalations by tier, CSAT, credits, closures by who closed, time to close p50/p90, reminders and status
 * updates the clock sent), the backlog and its aging now, top drivers.
 * `GET /v1/metrics/kb-gaps?days=30&threshold=20`: drivers seen more than `threshold` times in the window.
 * `GET /v1/metrics/cost`: dollars per 1,000 ticket lifecycles (the measured operation profile × list prices).
 */
export const handler = middy<APIGatewayProxyEventV2WithJWTAuthorizer, HttpResult>()
  .use(httpErrors(logger))
  .handler(async (event) => {
    authorize(event);
    const now = ports.clock.now();
    if (event.routeKey.endsWith('/cost')) return json(200, costPerThousandLifecycles());
    if (event.routeKey.endsWith('/kb-gaps')) {
      const q = KbGapsQuery.safeParse(event.queryStringParameters ?? {});
      if (!q.success) throw new ValidationFailedError(toIssues(q.error.issues));
      return json(
        200,
        await readKbGaps({ windowDays: q.data.days, threshold: q.data.threshold, now }, ports),
      );
    }
    const q = FlowQuery.safeParse(event.queryStringParameters ?? {});
    if (!q.success) throw new ValidationFailedError(toIssues(q.error.issues));
    const to = q.data.to ?? now.toISOString().slice(0, 10);
    const from =
      q.data.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    if (q.data.queue && !Object.hasOwn(workflowConfig.queues, q.data.queue))
      throw new ValidationFailedError([{ path: 'queue', message: `unknown queue ${q.data.queue}` }]);
    try {
      return json(
        200,
        await readFlowMetrics(
          {
            from,
            to,
            queue: q.data.queue,
            requestType: q.data.requestType,
            now,
            queues: Object.keys(workflowConfig.queues),
          },
          ports,
        ),
      );
    } catch (e: unknown) {
      if (e instanceof MetricsRangeError)
        throw new ValidationFailedError([{ path: 'from', message: e.message }]);
      throw e;
    }
  });
