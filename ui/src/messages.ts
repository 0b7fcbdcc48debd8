import { ApiError, NetworkError } from './api';
import { h } from './dom';

/**
 * One clear sentence for every refused or failed action, naming the rule when the API names one, so an
 * agent never has to guess why a button did nothing.
 */
export interface Explained {
  text: string;
  /** A stale write (409): offer to reload, keep what the agent typed. */
  stale: boolean;
  status: number;
}

export function explain(error: unknown, action: string, thing = 'ticket'): Explained {
  if (error instanceof NetworkError) {
    return {
      text: `Could not ${action}: Frontdoor did not answer. Check your connection and try again.`,
      stale: false,
      status: 0,
    };
  }
  if (!(error instanceof ApiError)) {
    return {
      text: `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
      stale: false,
      status: 0,
    };
  }
  const { status, body } = error;
  const detail = body.message ?? '';
  switch (status) {
    case 400: {
      const issues = body.issues?.map((i) => `${i.path} ${i.message}`).join('; ');
      return {
        text: `Could not ${action}: ${issues || detail || 'the request was not valid'}.`,
        stale: false,
        status,
      };
    }
    case 401:
      return { text: 'Your sign-in has expired. Please sign in again.', stale: false, status };
    case 403:
      return {
        text: `Not allowed to ${action}${body.rule ? ` (rule ${body.rule})` : ''}: ${stripRule(detail) || 'your role does not permit it'}.`,
        stale: false,
        status,
      };
    case 404:
      return { text: `Could not ${action}: ${detail || 'not found'}.`, stale: false, status };
    case 409:
      if (body.currentVersion !== undefined || body.error === 'stale_version') {
        return {
          text: `Not saved: someone else changed this ${thing} while you had it open${body.currentVersion !== undefined ? ` (it is now at version ${body.currentVersion})` : ''}. Nothing of theirs was overwritten and what you typed is still here. Reload the ${thing} to see their change, then try again.`,
          stale: true,
          status,
        };
      }
      // A conflict that is a rule (an incident that cannot close while linked tickets are open) names it.
      return {
        text: `${body.rule ? `Refused to ${action} (rule ${body.rule})` : `Could not ${action}`}: ${stripRule(detail) || 'it was already changed'}.`,
        stale: false,
        status,
      };
    case 422:
      return {
        text: `Refused to ${action}${body.rule ? ` (rule ${body.rule})` : body.guard ? ` (guard ${body.guard})` : ''}: ${detail}.`,
        stale: false,
        status,
      };
    case 428:
      return {
        text: `Could not ${action}: the ticket version was missing. Reload and try again.`,
        stale: false,
        status,
      };
    default:
      return {
        text: `Could not ${action}: something went wrong on the server (HTTP ${status}). Try again in a moment.`,
        stale: false,
        status,
      };
  }
}

function stripRule(message: string): string {
  return message.replace(/^refused by rule [^:]+:\s*/, '').replace(/\.$/, '');
}

/** The page-wide polite live region: success notes ("Reply sent") are announced without moving focus. */
let liveRegion: HTMLElement | undefined;
export function liveRegionElement(): HTMLElement {
  liveRegion ??= h('div', { class: 'live-region', role: 'status', 'aria-live': 'polite', id: 'live-region' });
  return liveRegion;
}

let clearTimer: number | undefined;
export function announce(text: string): void {
  const region = liveRegionElement();
  // Re-setting the same text would not be announced again; clear first.
  region.textContent = '';
  window.clearTimeout(clearTimer);
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
  // The banner is for the moment it happened; it must not linger into the next task.
  clearTimer = window.setTimeout(() => {
    region.textContent = '';
  }, 12_000);
}

/**
 * Shows an action's failure where it happened: `role="alert"` is announced at once. A 409 adds a button
 * that reloads the ticket (or the article: `thing`) while keeping drafts.
 */
export function showError(
  slot: HTMLElement,
  error: unknown,
  action: string,
  onReload?: () => void,
  thing = 'ticket',
): Explained {
  const explained = explain(error, action, thing);
  slot.replaceChildren(
    h(
      'div',
      { class: `alert alert-error${explained.stale ? ' alert-stale' : ''}`, role: 'alert' },
      h('p', {}, explained.text),
      explained.stale && onReload
        ? h('button', { type: 'button', class: 'button', onclick: () => onReload() }, `Reload ${thing}`)
        : null,
    ),
  );
  return explained;
}

export function clearError(slot: HTMLElement): void {
  slot.replaceChildren();
}
