/**
 * The ticket screen: reads the ticket (with its approvals and its request type's form schema) and lays out
 * its sections, each from its own module: the header, the conversation and composer, the history, and beside
 * them state, the clock, assignment, details, approvals and the moves to other queues or tickets.
 */
import type { FormSchema } from '../../api';
import type { App, Screen } from '../../app';
import { append, h } from '../../dom';
import { approvalsSection } from './approvals';
import { slaSection, upcomingSection } from './clock';
import { composer, conversation } from './conversation';
import { detailsSection } from './details';
import { breadcrumb, heading, summary } from './header';
import { incidentBanner, incidentLinks, incidentSection } from './incident';
import { intentSection, labelWithoutPrediction, ticketIntent } from './intent';
import { kbSuggestionsSection } from './kb';
import { macrosSection } from './macros';
import { escalationSection, handoffSection, linksSection, mergeSection } from './routing';
import type { Ctx } from './section';
import { assignmentSection, stateSection } from './state';
import { timeline } from './timeline';

/** Form schemas by request type, read once (the details panel's field labels and required fields). */
const schemas = new Map<string, Promise<FormSchema | undefined>>();

function fieldSchema(app: App, requestType: string): Promise<FormSchema | undefined> {
  let schema = schemas.get(requestType);
  if (!schema) {
    schema = app.api.formSchema(requestType).catch(() => undefined);
    schemas.set(requestType, schema);
  }
  return schema;
}

/**
 * The request types and their labels (`GET /v1/forms`), read once: the names an intent may be corrected to.
 * A server without the route offers the prediction's own guesses only.
 */
let requestTypes: Promise<ReadonlyMap<string, string>> | undefined;

function requestTypeLabels(app: App): Promise<ReadonlyMap<string, string>> {
  requestTypes ??= app.api.forms().then(
    ({ forms }) => new Map(forms.map((f) => [f.requestType, f.label])),
    () => {
      requestTypes = undefined;
      return new Map();
    },
  );
  return requestTypes;
}

/**
 * One ticket: conversation and composer, fields with their required-context status, state buttons,
 * assignment and handoff, SLA countdowns, approvals, and the audit timeline. Every write sends the
 * version this screen was rendered from; a 409 says so and offers a reload that keeps the draft.
 */
export const ticketScreen: Screen = async (app, host) => {
  const id = host.dataset.ticket ?? '';
  const view = await app.api.ticket(id);
  const { ticket } = view;
  const approvals =
    view.approvals ?? (await app.api.ticketApprovals(ticket.id).catch(() => ({ approvals: [] }))).approvals;
  const schema = await fieldSchema(app, ticket.requestType);
  for (const q of app.me.allQueues ?? []) app.queueNames.set(q.id, q.name);
  if (!app.queueNames.size) {
    await app.api
      .queues()
      .then(({ queues }) => {
        for (const q of queues) app.queueNames.set(q.id, q.name);
      })
      .catch(() => undefined);
  }

  // Agents work the tickets of their own queues; one they may only read (an approval's, say) offers no action.
  const mayWork = app.has('agent') || app.has('lead');
  const mine = app.me.queues === 'all' || app.me.queues.includes(ticket.queue);
  const works = mayWork && mine;
  const open = ticket.state !== 'closed';
  const ctx: Ctx = {
    app,
    ticket,
    works: works && open,
  };
  // Whoever works the ticket's queue, and admins, confirm or correct its predicted intent (issue 19); a
  // closed ticket's label still teaches the model.
  const mayLabel = (mayWork && mine) || app.has('admin');
  // Macros and the open incidents (issue 17), suggested articles (issue 18), the names an intent may be
  // corrected or labelled to (issue 19); a server without them shows none.
  const [macros, incidents, suggestions, typeLabels] = await Promise.all([
    ctx.works
      ? app.api.macros().then(
          (r) => r.macros,
          () => [],
        )
      : [],
    ctx.works || incidentLinks(ticket).length
      ? app.api.incidents().then(
          (r) => r.incidents,
          () => [],
        )
      : [],
    ctx.works ? app.api.kbSuggestions(ticket.id).catch(() => undefined) : undefined,
    ticketIntent(ticket) || labelWithoutPrediction(ticket) || mayLabel
      ? requestTypeLabels(app)
      : new Map<string, string>(),
  ]);

  const slaList = slaSection(ticket);
  const scheduled = upcomingSection(view.upcoming ?? []);
  append(host, [
    breadcrumb(app, ticket),
    heading(ticket),
    summary(app, ticket, schema),
    incidentBanner(ticket, incidents),
    works
      ? null
      : h(
          'p',
          { class: 'note', 'data-testid': 'read-only' },
          mayWork
            ? `You can read this ticket. It is in ${app.queueNames.get(ticket.queue) ?? ticket.queue}, which is not one of your queues, so only that queue’s agents and leads change it.`
            : 'You can read this ticket. Replying and changing it is for agents and leads.',
        ),
    !open
      ? h('p', { class: 'note' }, 'This ticket is closed. A customer reply opens a linked follow-up ticket.')
      : null,
    h(
      'div',
      { class: 'ticket-layout' },
      h(
        'div',
        { class: 'ticket-main' },
        conversation(view.messages, ticket),
        ctx.works ? composer(ctx) : null,
        kbSuggestionsSection(ctx, suggestions),
        macrosSection(ctx, macros),
        timeline(view.audit),
      ),
      h(
        'div',
        { class: 'ticket-side' },
        stateSection(ctx, view),
        intentSection(ctx, { labels: typeLabels }, mayLabel),
        scheduled.section,
        slaList.section,
        assignmentSection(ctx),
        detailsSection(ctx, schema),
        approvalsSection(ctx, approvals),
        ctx.works ? handoffSection(ctx) : null,
        ctx.works ? escalationSection(ctx) : null,
        incidentSection(ctx, incidents),
        ctx.works && app.has('lead') ? mergeSection(ctx) : null,
        linksSection(ticket),
      ),
    ),
  ]);

  // SLA countdowns and the clock's next actions tick on their own; the rest changes only when someone acts.
  const timer = window.setInterval(() => {
    slaList.tick();
    scheduled.tick();
  }, 30_000);
  return () => window.clearInterval(timer);
};
