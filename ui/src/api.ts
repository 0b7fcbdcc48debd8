import type {
  AgentView,
  AppConfig,
  Approval,
  Article,
  ArticleDraft,
  Availability,
  BulkRequest,
  BulkResult,
  Decision,
  ErasureRequested,
  ErasureView,
  ErrorBody,
  ExportView,
  IncidentSummary,
  IncidentView,
  IntentLabelBody,
  IntentStatus,
  KbSuggestions,
  LinkResult,
  MacroApplied,
  MacroPreview,
  MacroSummary,
  Me,
  OpenIncident,
  ProfileChanged,
  QueueSummary,
  Role,
  Ticket,
  TicketPage,
  TicketView,
  TicketWrites,
} from './types';

/** An answer other than 2xx, with the API's error body (`{ error, message, rule?, currentVersion? }`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly path: string,
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

/** The network itself failed (server down, offline): status 0 in the messages. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

type Query = Record<string, string | number | boolean | undefined>;

export class Api {
  constructor(
    private readonly config: AppConfig,
    private readonly token: () => string | undefined,
    /** Called on 401: the token expired or was revoked. */
    private readonly onUnauthorized: () => void,
  ) {}

  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; version?: number; query?: Query } = {},
  ): Promise<T> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = `${this.config.apiBaseUrl}${path}${qs.size ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    // Every write to a ticket names the version it was based on; a stale one answers 409, never a lost update.
    if (opts.version !== undefined) headers['if-match'] = `"${opts.version}"`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
    } catch (e: unknown) {
      throw new NetworkError(e instanceof Error ? e.message : String(e));
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text.slice(0, 300) };
    }
    if (!res.ok) {
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(res.status, (body ?? {}) as ErrorBody, path);
    }
    return body as T;
  }

  me = () => this.request<Me>('GET', '/v1/me');
  queues = () => this.request<{ queues: QueueSummary[] }>('GET', '/v1/queues');
  queueTickets = (queue: string, query: Query) =>
    this.request<TicketPage>('GET', `/v1/queues/${encodeURIComponent(queue)}/tickets`, { query });
  searchTickets = (query: Query) => this.request<TicketPage>('GET', '/v1/tickets', { query });
  ticket = (id: string) => this.request<TicketView>('GET', `/v1/tickets/${encodeURIComponent(id)}`);
  ticketApprovals = (id: string) =>
    this.request<{ approvals: Approval[] }>('GET', '/v1/approvals', { query: { ticket: id } });
  approvals = () => this.request<{ groups: string[]; approvals: Approval[] }>('GET', '/v1/approvals');
  decide = (approvalId: string, decision: Decision['decision'], reason: string) =>
    this.request<{ approval: Approval; ticket: Ticket }>(
      'POST',
      `/v1/approvals/${encodeURIComponent(approvalId)}/decision`,
      { body: { decision, reason } satisfies Decision },
    );
  // Issue 17: availability, macros, bulk actions, incidents.
  myAgentProfile = () => this.request<{ agent: AgentView }>('GET', '/v1/agents/me');
  setAvailability = (availability: Availability) =>
    this.request<ProfileChanged>('PUT', '/v1/agents/me', { body: { availability } });
  macros = () => this.request<{ macros: MacroSummary[] }>('GET', '/v1/macros');
  previewMacro = (ticketId: string, macroId: string) =>
    this.request<MacroPreview>('POST', `${macroPath(ticketId, macroId)}/preview`, { body: {} });
  /** One write with If-Match: the macro's reply and changes, at the version the agent saw. */
  applyMacro = (ticket: Pick<Ticket, 'id' | 'version'>, macroId: string) =>
    this.request<MacroApplied>('POST', macroPath(ticket.id, macroId), { body: {}, version: ticket.version });
  bulk = (body: BulkRequest) => this.request<{ results: BulkResult[] }>('POST', '/v1/tickets/bulk', { body });
  incidents = () => this.request<{ incidents: IncidentSummary[] }>('GET', '/v1/incidents');
  incident = (id: string) => this.request<IncidentView>('GET', `/v1/incidents/${encodeURIComponent(id)}`);
  openIncident = (body: OpenIncident) =>
    this.request<{ incident: Ticket; results: LinkResult[] }>('POST', '/v1/incidents', { body });
  /** Links (or unlinks) tickets to an incident, one result per ticket. */
  linkIncident = (id: string, tickets: string[], unlink = false) =>
    this.request<{ incident: Ticket; results: LinkResult[] }>(
      'POST',
      `/v1/incidents/${encodeURIComponent(id)}/${unlink ? 'unlink' : 'links'}`,
      { body: { tickets } },
    );
  // Issue 22: a requester's data, exported or erased (admins).
  requestExport = (email: string) =>
    this.request<{ exportId: string; state: 'queued' }>('POST', '/v1/privacy/exports', { body: { email } });
  exportStatus = (id: string) =>
    this.request<ExportView>('GET', `/v1/privacy/exports/${encodeURIComponent(id)}`);
  requestErasure = (email: string, reason: string) =>
    this.request<ErasureRequested>('POST', '/v1/privacy/erasures', { body: { email, reason } });
  erasureStatus = (id: string) =>
    this.request<ErasureView>('GET', `/v1/privacy/erasures/${encodeURIComponent(id)}`);
  // Issue 18: the knowledge base.
  articles = () => this.request<{ articles: Article[] }>('GET', '/v1/kb/articles');
  /** One article with its body rendered and sanitised by the server (`html`). */
  article = (slug: string) => this.request<{ article: Article; html: string }>('GET', articlePath(slug));
  /** Creates or updates an article; an update names the version it was based on (If-Match). */
  putArticle = ({ slug, ...input }: ArticleDraft, version?: number) =>
    this.request<{ article: Article }>('PUT', articlePath(slug), {
      body: input,
      ...(version !== undefined ? { version } : {}),
    });
  /** Markdown → the server's sanitised HTML; nothing is stored. */
  previewArticle = (body: string) =>
    this.request<{ html: string }>('POST', '/v1/kb/preview', { body: { body } });
  kbSuggestions = (ticketId: string) =>
    this.request<KbSuggestions>('GET', `/v1/tickets/${encodeURIComponent(ticketId)}/kb-suggestions`);
  formSchema = (requestType: string) =>
    this.request<FormSchema>('GET', `/v1/forms/${encodeURIComponent(requestType)}`);
  /** The request types with a form, and their labels. */
  forms = () => this.request<{ forms: Array<{ requestType: string; label: string }> }>('GET', '/v1/forms');
  // Issue 19: the predicted intent, the agents' labels, the model's quality and retraining.
  /**
   * Confirms the predicted intent (its own name) or corrects it (another name), with If-Match like every
   * write to a ticket: a label for the next training. Answers the ticket with its label.
   */
  labelIntent = (ticket: Pick<Ticket, 'id' | 'version'>, intent: string) =>
    this.request<{ ticket: Ticket }>('PUT', `/v1/tickets/${encodeURIComponent(ticket.id)}/intent`, {
      body: { intent } satisfies IntentLabelBody,
      version: ticket.version,
    });
  intentStatus = () => this.request<IntentStatus>('GET', '/v1/intent');
  /** Asks for a retraining in the background (202). */
  retrainIntent = () => this.request<{ requested: boolean }>('POST', '/v1/intent/training', { body: {} });

  /**
   * A write to one ticket (`POST /v1/tickets/{id}/<action>` or `PATCH /v1/tickets/{id}`) with If-Match; the
   * body is typed by the route's contract.
   */
  writeTicket<A extends keyof TicketWrites>(
    ticket: Pick<Ticket, 'id' | 'version'>,
    method: A extends '' ? 'PATCH' : 'POST',
    action: A,
    body: TicketWrites[A],
  ): Promise<{ ticket: Ticket }> {
    const path = `/v1/tickets/${encodeURIComponent(ticket.id)}${action ? `/${action}` : ''}`;
    return this.request<{ ticket: Ticket }>(method, path, { body, version: ticket.version });
  }
}

const articlePath = (slug: string) => `/v1/kb/articles/${encodeURIComponent(slug)}`;

const macroPath = (ticketId: string, macroId: string) =>
  `/v1/tickets/${encodeURIComponent(ticketId)}/macros/${encodeURIComponent(macroId)}`;

/** The JSON Schema `GET /v1/forms/{requestType}` serves; the UI reads field labels and which are required. */
export interface FormSchema {
  title?: string;
  properties?: {
    fields?: {
      properties?: Record<string, { title?: string; description?: string; enum?: string[] }>;
      required?: string[];
    };
  };
}

/** Roles from groups, exactly as the API's access table derives them (shared/http/access.ts). */
export function rolesFromGroups(groups: readonly string[]): Role[] {
  const roles: Role[] = [];
  if (groups.includes('agent')) roles.push('agent');
  if (groups.includes('lead')) roles.push('lead');
  if (groups.some((g) => g.startsWith('approver-'))) roles.push('approver');
  if (groups.includes('admin')) roles.push('admin');
  return roles;
}
