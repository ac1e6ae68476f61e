// A local HTTP stand-in for the few Stripe API endpoints Hostline uses (this machine cannot reach
// Stripe): POST /v1/checkout/sessions and POST /v1/refunds, with idempotency keys honoured as Stripe
// does (same key, same answer). The real `stripe` SDK talks to it; webhooks are signed with the SDK's
// own test-header helper and POSTed to the service as Stripe would.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface StandInRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey: string | undefined;
}

export interface StripeStandIn {
  url: string;
  requests: StandInRequest[];
  sessions: Map<string, Record<string, unknown>>;
  /** Called while a checkout create is being answered (to deliver a webhook before the answer). */
  onCheckoutCreated: ((session: Record<string, unknown>) => Promise<void>) | undefined;
  close(): Promise<void>;
}

let seq = 0;
const id = (prefix: string) => `${prefix}_test_${Date.now().toString(36)}${(++seq).toString(36)}`;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const requests: StandInRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const byKey = new Map<string, unknown>();
  const standIn: StripeStandIn = { url: '', requests, sessions, onCheckoutCreated: undefined, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const params = new URLSearchParams(await body(req));
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const key = req.headers['idempotency-key'] as string | undefined;
      requests.push({ method: req.method ?? '', path, params, idempotencyKey: key });
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
        res.end(JSON.stringify(value));
      };
      if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) return reply(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      if (key && byKey.has(`${path}|${key}`)) return reply(200, byKey.get(`${path}|${key}`));
      let value: Record<string, unknown>;
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        const sessionId = id('cs');
        value = {
          id: sessionId,
          object: 'checkout.session',
          mode: 'payment',
          url: `${standIn.url}/pay/${sessionId}`,
          client_reference_id: params.get('client_reference_id'),
          metadata: { ticketId: params.get('metadata[ticketId]') },
          amount_total: Number(params.get('line_items[0][price_data][unit_amount]')),
          currency: params.get('line_items[0][price_data][currency]'),
          expires_at: Number(params.get('expires_at')),
          payment_status: 'unpaid',
          status: 'open',
          payment_intent: null,
        };
        sessions.set(sessionId, value);
        await standIn.onCheckoutCreated?.(value);
      } else if (req.method === 'POST' && path === '/v1/refunds') {
        value = {
          id: id('re'),
          object: 'refund',
          status: 'succeeded',
          amount: Number(params.get('amount')),
          payment_intent: params.get('payment_intent'),
          metadata: { ticketId: params.get('metadata[ticketId]') },
        };
      } else {
        return reply(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method} ${path})` } });
      }
      if (key) byKey.set(`${path}|${key}`, value);
      reply(200, value);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}

const signer = new Stripe('sk_test_signer_only');

/** A Stripe event as its webhook delivers it, signed with `secret` by the SDK's own helper. */
export function signedEvent(secret: string, type: string, object: Record<string, unknown>, eventId = id('evt'), timestamp?: number): { eventId: string; body: string; signature: string } {
  const body = JSON.stringify({ id: eventId, object: 'event', api_version: '2025-01-01', created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
  const signature = signer.webhooks.generateTestHeaderString({ payload: body, secret, ...(timestamp !== undefined ? { timestamp } : {}) });
  return { eventId, body, signature };
}

/** The completed Checkout Session Stripe sends once the buyer paid. */
export function paidSession(session: Record<string, unknown>, paymentIntent: string): Record<string, unknown> {
  return { ...session, status: 'complete', payment_status: 'paid', payment_intent: paymentIntent };
}
