/**
 * What every section of the ticket screen shares: the context it renders from, the panel it sits in, and
 * `act`, which runs one write the same way everywhere (busy button, announcement, re-render, the reason for
 * a refusal next to the control).
 */
import type { App } from '../../app';
import { h, uid } from '../../dom';
import { announce, clearError, showError } from '../../messages';
import type { Ticket } from '../../types';

export interface Ctx {
  app: App;
  ticket: Ticket;
  /** May write: an agent or lead, and the ticket is not closed. */
  works: boolean;
}

export function panel(title: string, ...children: Array<Node | null | string>): HTMLElement {
  const id = uid('panel');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/**
 * Runs one write: disables the button while it runs, announces success and re-renders the ticket;
 * a failure stays next to the control with its reason (and for a 409 a reload button). The system's own
 * bookkeeping since this screen was rendered (e.g. the mail for the reply just sent being recorded) never
 * makes the version stale (the API compares `If-Match` with what people changed), so a 409 is always a
 * real conflict.
 */
export async function act(
  ctx: Ctx,
  button: HTMLButtonElement,
  slot: HTMLElement,
  action: string,
  run: (target: Pick<Ticket, 'id' | 'version'>) => Promise<unknown>,
  done: string,
): Promise<boolean> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  clearError(slot);
  try {
    await run(ctx.ticket);
  } catch (e: unknown) {
    showError(slot, e, action, () => void ctx.app.refresh().then(() => announce('Ticket reloaded.')));
    button.disabled = false;
    button.removeAttribute('aria-busy');
    return false;
  }
  announce(done);
  await ctx.app.refresh();
  return true;
}

/**
 * A form whose submit runs one write through `act`; `action` and `done` are read at submit time (they
 * name what the agent chose).
 */
export function actForm(
  ctx: Ctx,
  attrs: { class?: string },
  write: {
    button: HTMLButtonElement;
    slot: HTMLElement;
    action: () => string;
    run: (target: Pick<Ticket, 'id' | 'version'>) => Promise<unknown>;
    done: () => string;
  },
  ...children: Node[]
): HTMLFormElement {
  return h(
    'form',
    {
      ...attrs,
      onsubmit: (e: Event) => {
        e.preventDefault();
        void act(ctx, write.button, write.slot, write.action(), write.run, write.done());
      },
    },
    ...children,
  );
}
