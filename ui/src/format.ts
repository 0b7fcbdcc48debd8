import type { Priority, SlaTarget, Ticket, TicketState, UpcomingAction } from './types';

export const STATE_LABELS: Record<TicketState, string> = {
  new: 'New',
  needs_info: 'Needs info',
  in_progress: 'In progress',
  waiting_on_customer: 'Waiting on customer',
  waiting_on_team: 'Waiting on team',
  resolved: 'Resolved',
  closed: 'Closed',
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state as TicketState] ?? state;
}

export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function priorityLabel(priority: string): string {
  return priority.charAt(0).toUpperCase() + priority.slice(1);
}

export const TARGET_LABELS: Record<SlaTarget['target'], string> = {
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** "3 h 5 min", "2 d 4 h", "45 s": short, exact enough for a countdown. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h${min % 60 ? ` ${min % 60} min` : ''}`;
  const days = Math.floor(hours / 24);
  return `${days} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

export function relativeTime(iso: string, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  if (Number.isNaN(diff)) return iso;
  return diff >= 0 ? `in ${formatDuration(diff)}` : `${formatDuration(diff)} ago`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "in 2 days", "in 3 hours", "in 45 minutes", "any moment now" (due, the clock has yet to act). */
export function timeFromNow(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return iso;
  if (ms < 60_000) return 'any moment now';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${plural(minutes, 'minute')}`;
  const hours = Math.round(ms / 3_600_000);
  if (hours < 24) return `in ${plural(hours, 'hour')}`;
  return `in ${plural(Math.round(ms / 86_400_000), 'day')}`;
}

const ORDINALS = ['', 'First', 'Second', 'Third', 'Fourth', 'Fifth'];

/** What the clock will do, in words: "Reminder to the requester", "Closes by itself". */
export function upcomingLabel(u: Pick<UpcomingAction, 'action' | 'round'>): string {
  switch (u.action) {
    case 'reminder':
      // The first one is just "Reminder"; later rounds say which ("Second reminder to the requester").
      if (!u.round || u.round < 2) return 'Reminder to the requester';
      return ORDINALS[u.round]
        ? `${ORDINALS[u.round]} reminder to the requester`
        : `Reminder ${u.round} to the requester`;
    case 'status_update':
      return 'Status update to the requester';
    case 'team_nudge':
      return 'Team nudge to the queue owner';
    case 'follow_up':
      return 'Follow-up mail to the requester';
    case 'auto_resolved':
      return "Resolves as 'no reply'";
    case 'auto_closed':
      return 'Closes by itself';
    case 'idle':
      return 'Idle notice to the queue owner';
    default:
      return String(u.action).replace(/_/g, ' ');
  }
}

/** One scheduled action as a sentence: "Reminder to the requester in 2 days". */
export function upcomingText(u: Pick<UpcomingAction, 'action' | 'round' | 'at'>, now = Date.now()): string {
  const when = timeFromNow(u.at, now);
  return when === 'any moment now' ? `${upcomingLabel(u)}: any moment now` : `${upcomingLabel(u)} ${when}`;
}

export type SlaLevel = 'breached' | 'warning' | 'ok' | 'paused' | 'none';

/** The target that matters most now: a breach, else the soonest running one. */
export function slaFocus(ticket: Pick<Ticket, 'sla'>): { target?: SlaTarget; level: SlaLevel } {
  const targets = ticket.sla?.targets ?? [];
  const breached = targets.find((t) => t.status === 'breached');
  if (breached) return { target: breached, level: 'breached' };
  const live = targets
    .filter((t) => (t.status === 'running' || t.status === 'warning') && t.dueAt)
    .toSorted((a, b) => (a.dueAt ?? '').localeCompare(b.dueAt ?? ''));
  const first = live[0];
  if (first) return { target: first, level: first.status === 'warning' ? 'warning' : 'ok' };
  if (targets.some((t) => t.status === 'paused')) return { level: 'paused' };
  return { level: 'none' };
}

/** A countdown sentence for one target: "due in 2 h 5 min", "overdue by 4 min", "met", "paused". */
export function slaText(target: SlaTarget, now = Date.now()): string {
  switch (target.status) {
    case 'met':
      return target.metAt ? `met ${formatDateTime(target.metAt)}` : 'met';
    case 'paused':
      return 'paused while waiting';
    case 'breached':
      return target.dueAt
        ? `breached, overdue by ${formatDuration(now - new Date(target.dueAt).getTime())}`
        : 'breached';
    default: {
      if (!target.dueAt) return target.status;
      const left = new Date(target.dueAt).getTime() - now;
      const prefix = target.status === 'warning' ? 'at risk, ' : '';
      return left >= 0 ? `${prefix}due in ${formatDuration(left)}` : `overdue by ${formatDuration(left)}`;
    }
  }
}

export function personName(email: string | null | undefined): string {
  return email ?? 'nobody';
}

/**
 * An intent's name for people (issue 19): a request type by its form's label ("Billing dispute"), any other
 * intent in words, capitalised ("card_arrival" → "Card arrival").
 */
export function intentName(name: string, requestTypeLabels: ReadonlyMap<string, string>): string {
  const label = requestTypeLabels.get(name);
  if (label) return label;
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : name;
}
