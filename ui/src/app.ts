import type { Api } from './api';
import type { AppConfig, Me } from './types';

/** What every screen gets: the API client, who is signed in, and a few shared bits of state. */
export interface App {
  readonly config: AppConfig;
  readonly api: Api;
  readonly me: Me;
  /** The composer drafts by ticket id, kept across reloads and route changes (never lost on a 409). */
  readonly drafts: Map<string, { visibility: 'public' | 'internal'; body: string }>;
  /** Queue id → display name, from the last `GET /v1/queues`. */
  readonly queueNames: Map<string, string>;
  /** Re-renders the current route in place, keeping focus where it was. */
  refresh(): Promise<void>;
  has(role: Me['roles'][number]): boolean;
}

/** A screen renders into `host` and may return a cleanup (timers) run when the route changes. */
export type Screen = (app: App, host: HTMLElement) => Promise<(() => void) | undefined>;
