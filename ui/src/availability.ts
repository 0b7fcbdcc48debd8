/**
 * The signed-in agent's availability (issue 17), in the top bar: available (the queues that assign
 * automatically give them tickets) or away (they get none; queues that say so take their open tickets
 * back). Read from and written to `GET`/`PUT /v1/agents/me`; a server without the route shows nothing.
 */
import type { Api } from './api';
import { ApiError } from './api';
import { h } from './dom';
import { announce, explain } from './messages';
import type { AgentView, Availability, ProfileChanged } from './types';

const LABELS: Record<Availability, string> = { available: 'Available', away: 'Away' };

/** What changing it did, in one sentence: the tickets handed back or assigned as a result. */
export function availabilityNews(answer: ProfileChanged): string {
  const { availability } = answer.agent;
  const parts = [`You are ${LABELS[availability].toLowerCase()}.`];
  if (answer.handedBack.length)
    parts.push(
      `${answer.handedBack.length === 1 ? 'One ticket' : `${answer.handedBack.length} tickets`} went back to the queue: ${answer.handedBack.join(', ')}.`,
    );
  if (answer.assigned.length)
    parts.push(`Assigned to you: ${answer.assigned.map((a) => a.reference).join(', ')}.`);
  return parts.join(' ');
}

/**
 * The control, once the profile is read (undefined when the API has no agent profiles). Changing it writes
 * at once; a refusal puts the select back and says why (naming the rule) in an alert beside it.
 */
export async function availabilityControl(api: Api): Promise<HTMLElement | undefined> {
  let agent: AgentView;
  try {
    agent = (await api.myAgentProfile()).agent;
  } catch (e: unknown) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
    throw e;
  }
  const select = h(
    'select',
    { id: 'availability', name: 'availability', 'aria-describedby': 'availability-hint' },
    (Object.keys(LABELS) as Availability[]).map((a) => h('option', { value: a }, LABELS[a])),
  );
  select.value = agent.availability;
  const slot = h('div', { class: 'availability-error', role: 'alert' });
  const control = h(
    'div',
    { class: 'availability', 'data-availability': agent.availability },
    h('label', { for: 'availability' }, 'Availability'),
    select,
    h(
      'span',
      { id: 'availability-hint', class: 'visually-hidden' },
      'Away: no tickets are assigned to you automatically.',
    ),
    slot,
  );
  select.addEventListener('change', async () => {
    const availability = select.value as Availability;
    select.disabled = true;
    slot.replaceChildren();
    try {
      const answer = await api.setAvailability(availability);
      agent = answer.agent;
      announce(availabilityNews(answer));
    } catch (e: unknown) {
      slot.textContent = explain(e, `set you ${LABELS[availability].toLowerCase()}`).text;
    }
    select.value = agent.availability;
    control.dataset.availability = agent.availability;
    select.disabled = false;
  });
  return control;
}
