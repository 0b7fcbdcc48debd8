import './styles.css';
import { Api, ApiError, rolesFromGroups } from './api';
import type { App, Screen } from './app';
import {
  devLogin,
  finishCognitoLogin,
  forgetToken,
  signOut,
  startCognitoLogin,
  storedToken,
  tokenIdentity,
} from './auth';
import { availabilityControl } from './availability';
import { h } from './dom';
import { announce, liveRegionElement } from './messages';
import { parseRoute, type Route } from './router';
import type { AppConfig, Me } from './types';
import { approvalsScreen } from './views/approvals';
import { incidentScreen, incidentsScreen } from './views/incidents';
import { articleScreen, kbScreen } from './views/kb';
import { articleEditScreen } from './views/kb-editor';
import { metricsScreen } from './views/metrics/screen';
import { privacyScreen } from './views/privacy';
import { queueScreen } from './views/queue';
import { queuesScreen } from './views/queues';
import { ticketScreen } from './views/ticket/screen';

const root = document.getElementById('app') as HTMLElement;
/** Ends the signed-in session's listeners and timers (sign-out, expiry). */
let endSession: (() => void) | undefined;
/** The first screen of a page load leaves focus where the browser puts it (the skip link comes first). */
let pageJustLoaded = true;

async function loadConfig(): Promise<AppConfig> {
  const res = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  return (await res.json()) as AppConfig;
}

function mainElement(...children: Node[]): HTMLElement {
  return h('main', { id: 'main', tabindex: -1 }, ...children);
}

// The skip link targets #main, which is also how the hash router spells routes: move focus, not the hash.
document.addEventListener('click', (e) => {
  const link = (e.target as Element | null)?.closest?.('a.skip-link');
  if (!link) return;
  e.preventDefault();
  document.getElementById('main')?.focus();
});

function showFatal(message: string): void {
  root.replaceChildren(
    mainElement(
      h('h1', { tabindex: -1 }, 'Frontdoor'),
      h('div', { class: 'alert alert-error', role: 'alert' }, message),
    ),
  );
}

/** The sign-in screen: seeded users locally, Cognito's hosted login in AWS. */
function showLogin(config: AppConfig, problem?: string): void {
  endSession?.();
  endSession = undefined;
  document.title = 'Sign in — Frontdoor';
  const slot = h('div', { class: 'error-slot' });
  if (problem) slot.append(h('div', { class: 'alert alert-error', role: 'alert' }, problem));
  let body: HTMLElement;
  if (config.auth.mode === 'dev') {
    const auth = config.auth;
    body = h(
      'section',
      { 'aria-labelledby': 'dev-users-title' },
      h('h2', { id: 'dev-users-title' }, 'Development sign-in'),
      h(
        'p',
        {},
        'This is the local runtime: pick a seeded user. In AWS this screen is Cognito’s hosted login.',
      ),
      h(
        'ul',
        { class: 'user-list' },
        auth.users.map((u) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'user-button',
                'data-email': u.email,
                onclick: async (e: Event) => {
                  const button = e.currentTarget as HTMLButtonElement;
                  button.disabled = true;
                  try {
                    await devLogin(config, u.email);
                    await startSession(config);
                  } catch (err: unknown) {
                    button.disabled = false;
                    slot.replaceChildren(
                      h(
                        'div',
                        { class: 'alert alert-error', role: 'alert' },
                        `Could not sign in as ${u.email}: ${err instanceof Error ? err.message : String(err)}`,
                      ),
                    );
                  }
                },
              },
              h('span', { class: 'user-name' }, u.name),
              ' ',
              h('span', { class: 'user-email' }, u.email),
              ' ',
              h('span', { class: 'user-groups' }, u.groups.join(', ')),
            ),
          ),
        ),
      ),
    );
  } else {
    const auth = config.auth;
    body = h(
      'section',
      {},
      h('p', {}, 'Sign in with your support account.'),
      h(
        'button',
        {
          type: 'button',
          class: 'button button-primary',
          onclick: () => void startCognitoLogin(auth, location.hash || '#/queues'),
        },
        'Sign in',
      ),
    );
  }
  root.replaceChildren(
    h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Frontdoor')),
    liveRegionElement(),
    mainElement(h('div', { class: 'login' }, h('h1', { tabindex: -1 }, 'Sign in'), slot, body)),
  );
  if (problem || !pageJustLoaded)
    (root.querySelector(problem ? '[role=alert]' : 'h1') as HTMLElement | null)?.focus();
  pageJustLoaded = false;
}

async function whoAmI(api: Api, token: string): Promise<Me> {
  try {
    return await api.me();
  } catch (e: unknown) {
    // Until `GET /v1/me` exists everywhere, the token's groups say the same (the API re-checks every call).
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    const id = tokenIdentity(token);
    const roles = rolesFromGroups(id.groups);
    return {
      ...id,
      roles,
      queues:
        roles.includes('lead') || roles.includes('admin')
          ? 'all'
          : id.groups.filter((g) => g.startsWith('queue-')).map((g) => g.slice(6)),
    };
  }
}

const screens: Record<Route['name'], Screen> = {
  queues: queuesScreen,
  queue: queueScreen,
  mine: queueScreen,
  ticket: ticketScreen,
  approvals: approvalsScreen,
  incidents: incidentsScreen,
  incident: incidentScreen,
  metrics: metricsScreen,
  privacy: privacyScreen,
  kb: kbScreen,
  article: articleScreen,
  article_edit: articleEditScreen,
  not_found: async (_app, host) => {
    host.append(
      h('h1', { tabindex: -1 }, 'Page not found'),
      h(
        'p',
        {},
        'There is no screen at this address. ',
        h('a', { href: '#/queues' }, 'Go to the queues'),
        '.',
      ),
    );
    return undefined;
  },
};

async function startSession(config: AppConfig): Promise<void> {
  const token = storedToken();
  if (!token) return showLogin(config);
  let expired = false;
  const api = new Api(
    config,
    () => storedToken(),
    () => {
      if (expired) return;
      expired = true;
      forgetToken();
      showLogin(config, 'Your sign-in has expired. Please sign in again.');
    },
  );
  let me: Me;
  try {
    me = await whoAmI(api, token);
    // `GET /v1/me` names no display name; the id token does.
    me = { ...me, name: me.name ?? tokenIdentity(token).name, email: me.email ?? tokenIdentity(token).email };
  } catch (e: unknown) {
    if (expired) return;
    forgetToken();
    return showLogin(config, `Could not load your profile: ${e instanceof Error ? e.message : String(e)}`);
  }

  const main = mainElement();
  // Queues and ticket lists are for agents, leads and admins; an approver-only user starts at the inbox.
  const works = me.roles.some((r) => r === 'agent' || r === 'lead' || r === 'admin');
  const home = works || !me.roles.includes('approver') ? '#/queues' : '#/approvals';
  const navLinks: Array<[string, string, (r: Route) => boolean]> = works
    ? [
        ['#/queues', 'Queues', (r) => r.name === 'queues' || r.name === 'queue'],
        ['#/mine', 'My tickets', (r) => r.name === 'mine'],
        ['#/incidents', 'Incidents', (r) => r.name === 'incidents' || r.name === 'incident'],
        [
          '#/kb',
          'Knowledge base',
          (r) => r.name === 'kb' || r.name === 'article' || r.name === 'article_edit',
        ],
      ]
    : [];
  if (me.roles.includes('approver'))
    navLinks.push(['#/approvals', 'Approvals', (r) => r.name === 'approvals']);
  // The flow-metrics dashboard is for leads and admins (the API refuses everyone else).
  if (me.roles.includes('lead') || me.roles.includes('admin'))
    navLinks.push(['#/metrics', 'Metrics', (r) => r.name === 'metrics']);
  // A requester's data, exported or erased: admins only (the API refuses everyone else).
  if (me.roles.includes('admin')) navLinks.push(['#/privacy', 'Personal data', (r) => r.name === 'privacy']);
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    h(
      'ul',
      {},
      navLinks.map(([href, label]) => h('li', {}, h('a', { href }, label))),
    ),
  );
  const jump = h('input', {
    id: 'jump-reference',
    name: 'reference',
    autocomplete: 'off',
    placeholder: 'FD-12',
    pattern: '\\s*[Ff][Dd]-\\d+\\s*',
    'aria-describedby': 'jump-hint',
  });
  const whoami = h(
    'div',
    { class: 'whoami' },
    h('span', { class: 'whoami-name' }, me.name ?? me.email),
    ' ',
    h('span', { class: 'whoami-roles', 'data-testid': 'roles' }, me.roles.join(', ') || 'no support role'),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'button button-quiet',
        onclick: () => {
          signOut(config);
          if (config.auth.mode === 'dev') showLogin(config);
        },
      },
      'Sign out',
    ),
  );
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: home }, 'Frontdoor'),
    nav,
    h(
      'form',
      {
        class: 'jump',
        role: 'search',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const ref = jump.value.trim().toUpperCase();
          if (/^FD-\d+$/.test(ref)) location.hash = `#/tickets/${ref}`;
          else announce('Type a ticket reference like FD-12.');
        },
      },
      h('label', { for: 'jump-reference' }, 'Open ticket'),
      jump,
      h('span', { id: 'jump-hint', class: 'visually-hidden' }, 'A reference such as FD-12'),
      h('button', { type: 'submit', class: 'button' }, 'Open'),
    ),
    whoami,
  );
  root.replaceChildren(header, liveRegionElement(), main);
  // Agents say whether they take tickets now (automatic assignment); it loads beside the rest.
  if (me.roles.includes('agent'))
    void availabilityControl(api)
      .then((control) => control && whoami.prepend(control))
      .catch(() => undefined);

  let cleanup: (() => void) | undefined;
  let seq = 0;
  const render = async (moveFocus: boolean): Promise<void> => {
    const mine = ++seq;
    const route = parseRoute(location.hash);
    for (const a of nav.querySelectorAll('a')) {
      const entry = navLinks.find(([href]) => href === a.getAttribute('href'));
      if (entry?.[2](route)) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const host = h('div', { class: `screen screen-${route.name}` });
    if (route.name === 'mine') host.dataset.mine = 'true';
    if (route.name === 'queue') host.dataset.queue = route.queue;
    if (route.name === 'ticket' || route.name === 'incident') host.dataset.ticket = route.id;
    if ((route.name === 'article' || route.name === 'article_edit') && route.slug)
      host.dataset.slug = route.slug;
    main.setAttribute('aria-busy', 'true');
    if (moveFocus) main.replaceChildren(h('p', { class: 'loading' }, 'Loading …'));
    let next: (() => void) | undefined;
    try {
      next = await screens[route.name](app, host);
    } catch (e: unknown) {
      if (expired) return;
      host.replaceChildren(
        h('h1', { tabindex: -1 }, 'Something went wrong'),
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          e instanceof ApiError && e.status === 404
            ? `Not found: ${e.message}`
            : e instanceof ApiError && e.status === 403
              ? `Not allowed${e.body.rule ? ` (rule ${e.body.rule})` : ''}: ${e.message}`
              : `Could not load this screen: ${e instanceof Error ? e.message : String(e)}`,
        ),
        h('p', {}, h('a', { href: home }, 'Back to the start')),
      );
    }
    if (mine !== seq) {
      next?.();
      return;
    }
    cleanup?.();
    cleanup = next;
    main.replaceChildren(host);
    main.removeAttribute('aria-busy');
    const title = host.querySelector('h1')?.textContent;
    document.title = title ? `${title} — Frontdoor` : 'Frontdoor';
    if (moveFocus && !pageJustLoaded) (host.querySelector('h1') as HTMLElement | null)?.focus();
    pageJustLoaded = false;
  };

  const app: App = {
    config,
    api,
    me,
    drafts: new Map(),
    queueNames: new Map(),
    has: (role) => me.roles.includes(role),
    refresh: async () => {
      const focusedId = document.activeElement?.id;
      const scroll = window.scrollY;
      await render(false);
      window.scrollTo(0, scroll);
      // Keep focus on the same control; if it is gone (a button that no longer applies), stay in the content.
      const again = focusedId ? document.getElementById(focusedId) : null;
      if (again) again.focus({ preventScroll: true });
      else if (focusedId) main.focus({ preventScroll: true });
    },
  };
  const onHashChange = () => void render(true);
  window.addEventListener('hashchange', onHashChange);
  endSession = () => {
    window.removeEventListener('hashchange', onHashChange);
    seq += 1;
    cleanup?.();
    cleanup = undefined;
  };
  if (!location.hash || location.hash === '#' || location.hash === '#main') location.hash = home;
  else await render(true);
}

async function boot(): Promise<void> {
  let config: AppConfig;
  try {
    config = await loadConfig();
  } catch (e: unknown) {
    return showFatal(
      `Could not load the app’s configuration (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`,
    );
  }
  if (config.auth.mode === 'cognito') {
    try {
      const back = await finishCognitoLogin(config.auth);
      if (back) history.replaceState(null, '', `${location.pathname}${back}`);
    } catch (e: unknown) {
      return showLogin(config, e instanceof Error ? e.message : String(e));
    }
  }
  if (!storedToken()) return showLogin(config);
  await startSession(config);
}

void boot();
