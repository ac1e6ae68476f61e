// POST /webhooks/stripe: the payment provider's notifications. The signature is checked on the raw
// body (so it is read here, not by the JSON API), then the event is applied exactly once. A bad
// signature or body answers 400 and changes nothing; a store failure answers 500 so the provider
// retries.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { WebhookRejected } from './payments/PaymentProvider.js';
import type { TicketService } from './TicketService.js';

export const WEBHOOK_PATH = '/webhooks/stripe';
const MAX_WEBHOOK_BYTES = 512 * 1024;

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readRaw(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function paymentWebhookRoute(tickets: TicketService, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== WEBHOOK_PATH) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      answer(res, 405, { error: { code: 'method_not_allowed', message: 'webhooks are POSTed' } });
      return true;
    }
    const raw = await readRaw(req);
    if (!raw) {
      answer(res, 413, { error: { code: 'too_large', message: `webhooks are limited to ${MAX_WEBHOOK_BYTES} bytes` } });
      return true;
    }
    let event;
    try {
      event = tickets.provider.readWebhook(raw, req.headers);
    } catch (error) {
      if (error instanceof WebhookRejected) {
        logger.warn('a webhook was refused', { reason: error.message });
        answer(res, 400, { error: { code: 'bad_signature', message: error.message } });
        return true;
      }
      throw error;
    }
    try {
      const outcome = await tickets.applyEvent(event);
      answer(res, 200, { received: true, outcome });
    } catch (error) {
      logger.error('applying a payment notification failed; the provider will retry', { eventId: event.eventId, error });
      answer(res, 500, { error: { code: 'internal', message: 'try again' } });
    }
    return true;
  };
}
