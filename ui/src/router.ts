/**
 * A tiny hash router: `#/queues`, `#/queues/<id>`, `#/mine`, `#/tickets/<FD-n>`, `#/approvals`,
 * `#/incidents`, `#/incidents/<FD-n>`, `#/privacy` (admins), the knowledge base `#/kb`, `#/kb/<slug>`, `#/kb/<slug>/edit` and
 * `#/new-article` (a path no kebab-case slug can take), and
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
  | { name: 'privacy' }
  | { name: 'kb' }
  | { name: 'article'; slug: string }
  | { name: 'article_edit'; slug?: string }
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
    if (first === 'privacy' && second === undefined) return { name: 'privacy' };
    if (first === 'kb' && second === undefined) return { name: 'kb' };
    if (first === 'kb' && second) return { name: 'article', slug: second };
    if (first === 'new-article' && second === undefined) return { name: 'article_edit' };
  }
  if (first === 'kb' && second && rest.length === 1 && rest[0] === 'edit')
    return { name: 'article_edit', slug: second };
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
    case 'privacy':
      return '#/privacy';
    case 'incidents':
      return '#/incidents';
    case 'incident':
      return `#/incidents/${encodeURIComponent(route.id)}`;
    case 'metrics':
      return route.query ? `#/metrics?${route.query}` : '#/metrics';
    case 'kb':
      return '#/kb';
    case 'article':
      return `#/kb/${encodeURIComponent(route.slug)}`;
    case 'article_edit':
      return route.slug ? `#/kb/${encodeURIComponent(route.slug)}/edit` : '#/new-article';
    case 'not_found':
      return route.hash;
  }
}
