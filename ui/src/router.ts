/**
 * A tiny hash router: `#/queues`, `#/queues/<id>`, `#/mine`, `#/tickets/<FD-n>`, `#/approvals`,
 * `#/incidents`, `#/incidents/<FD-n>`, and
 * `#/metrics?from=&to=&queue=&requestType=` (the dashboard keeps its filters in the address, so a view can be shared).
 */
export type Route =
  | { name: 'queues' }
  | { name: 'queue'; queue: string }
  | { name: 'mine' }
  | { name: 'ticket'; id: string }
  | { name: 'approvals' }
  | { name: 'incidents' }
  | { name: 'incident'; id: string }
  | { name: 'metrics'; query: string }
  | { name: 'not_found'; hash: string };

export function parseRoute(hash: string): Route {
  const [rawPath = '', query = ''] = hash.replace(/^#/, '').split('?', 2);
  const path = rawPath || '/queues';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (rest.length === 0) {
    if (first === 'queues' && second === undefined) return { name: 'queues' };
    if (first === 'queues' && second) return { name: 'queue', queue: second };
    if (first === 'mine' && second === undefined) return { name: 'mine' };
    if (first === 'tickets' && second) return { name: 'ticket', id: second };
    if (first === 'approvals' && second === undefined) return { name: 'approvals' };
    if (first === 'incidents' && second === undefined) return { name: 'incidents' };
    if (first === 'incidents' && second) return { name: 'incident', id: second };
    if (first === 'metrics' && second === undefined) return { name: 'metrics', query };
  }
  return { name: 'not_found', hash };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'queues':
      return '#/queues';
    case 'queue':
      return `#/queues/${encodeURIComponent(route.queue)}`;
    case 'mine':
      return '#/mine';
    case 'ticket':
      return `#/tickets/${encodeURIComponent(route.id)}`;
    case 'approvals':
      return '#/approvals';
    case 'incidents':
      return '#/incidents';
    case 'incident':
      return `#/incidents/${encodeURIComponent(route.id)}`;
    case 'metrics':
      return route.query ? `#/metrics?${route.query}` : '#/metrics';
    case 'not_found':
      return route.hash;
  }
}
