import { signWebhook } from '../../shared/http/webhook-signature';

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Posts a payload to a running Frontdoor as a webhook sender would, signed unless told otherwise. */
export async function postWebhook(
  baseUrl: string,
  source: string,
  payload: unknown,
  opts: { secret?: string; timestamp?: number; signature?: string; rawBody?: string | Buffer } = {},
): Promise<WebhookAnswer> {
  const body = opts.rawBody ?? JSON.stringify(payload);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${baseUrl}/v1/webhooks/${source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-frontdoor-timestamp': String(timestamp),
      'x-frontdoor-signature':
        opts.signature ?? signWebhook(opts.secret ?? `local-${source}-secret`, timestamp, body),
    },
    // A copy as Uint8Array: the DOM lib's fetch types (shared/http/form-page/browser.ts) take no Buffer.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `POST /v1/events/{source}` as another system sends it: JSON text signed like a webhook. */
export async function postSignedEvent(baseUrl: string, source: string, raw: string): Promise<WebhookAnswer> {
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`${baseUrl}/v1/events/${source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-frontdoor-timestamp': String(timestamp),
      'x-frontdoor-signature': signWebhook(`local-${source}-secret`, timestamp, raw),
    },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
