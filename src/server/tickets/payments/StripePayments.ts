// Payments through Stripe with the real `stripe` SDK: a Checkout Session per held ticket (expiring with
// the hold, `expires_at`), the platform's commission as the application fee of a destination charge to
// the host's connected account, refunds through the Refunds API (the fee and transfer returned with
// them), an idempotency key on every create call, and webhooks verified with the SDK's signature check
// on the raw body (tolerance 300 s).
//
// This machine cannot reach Stripe: the tests point the SDK (`apiUrl`) at a local HTTP stand-in for the
// few endpoints used (tests/support/stripeStandIn.ts) and sign webhook payloads with the SDK's own
// test-header helper. Against Stripe itself, leave `apiUrl` unset.
import Stripe from 'stripe';
import { WebhookRejected, type Checkout, type CheckoutRequest, type PaymentEvent, type PaymentProvider, type RefundRequest } from './PaymentProvider.js';

export interface StripeOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another API address than api.stripe.com (the tests' stand-in), e.g. http://127.0.0.1:12111. */
  apiUrl?: string;
}

/** How old a signed webhook may be, seconds (Stripe's own default). */
export const WEBHOOK_TOLERANCE_S = 300;

export class StripePayments implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly label = 'Secure payment with Stripe';
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;

  constructor(options: StripeOptions) {
    const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.#stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      ...(api ? { host: api.hostname, port: api.port || (api.protocol === 'https:' ? 443 : 80), protocol: api.protocol === 'https:' ? 'https' : 'http' } : {}),
    });
    this.#webhookSecret = options.webhookSecret;
  }

  async startCheckout(request: CheckoutRequest): Promise<Checkout> {
    const paymentIntent: Stripe.Checkout.SessionCreateParams.PaymentIntentData = {
      application_fee_amount: request.feeMinor,
      metadata: { ticketId: request.ticketId },
      ...(request.destination ? { transfer_data: { destination: request.destination } } : {}),
    };
    const session = await this.#stripe.checkout.sessions.create(
      {
        mode: 'payment',
        client_reference_id: request.ticketId,
        metadata: { ticketId: request.ticketId },
        line_items: [
          {
            quantity: 1,
            price_data: { currency: request.currency.toLowerCase(), unit_amount: request.amountMinor, product_data: { name: `Ticket: ${request.spaceTitle}` } },
          },
        ],
        expires_at: Math.floor(request.expiresAt / 1000),
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        payment_intent_data: paymentIntent,
      },
      // One ticket, one checkout: a retried create returns the same session.
      { idempotencyKey: `checkout-${request.ticketId}` },
    );
    if (!session.url) throw new Error(`Stripe answered checkout session ${session.id} without a URL`);
    return { checkoutId: session.id, url: session.url };
  }

  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    const refund = await this.#stripe.refunds.create(
      {
        payment_intent: request.paymentRef,
        amount: request.amountMinor,
        refund_application_fee: true,
        reverse_transfer: true,
        metadata: { ticketId: request.ticketId },
      },
      { idempotencyKey: `refund-${request.ticketId}` },
    );
    return { refundId: refund.id };
  }

  readWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): PaymentEvent {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string' || signature.length === 0 || signature.length > 2048) throw new WebhookRejected('missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(rawBody, signature, this.#webhookSecret, WEBHOOK_TOLERANCE_S);
    } catch (error) {
      throw new WebhookRejected(`signature check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return readEvent(event);
  }
}

const idOf = (value: string | { id: string } | null | undefined): string | undefined => (typeof value === 'string' ? value : value?.id);

/** What a verified Stripe event means for a ticket. */
function readEvent(event: Stripe.Event): PaymentEvent {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      const ticketId = session.client_reference_id ?? session.metadata?.ticketId;
      const paymentRef = idOf(session.payment_intent);
      // Completed but not yet paid (a delayed method): wait for async_payment_succeeded.
      if (session.payment_status !== 'paid' || !ticketId || !paymentRef) return { kind: 'ignored', eventId: event.id, type: event.type };
      return { kind: 'paid', eventId: event.id, ticketId, checkoutId: session.id, paymentRef };
    }
    case 'checkout.session.expired': {
      const session = event.data.object;
      const ticketId = session.client_reference_id ?? session.metadata?.ticketId;
      if (!ticketId) return { kind: 'ignored', eventId: event.id, type: event.type };
      return { kind: 'expired', eventId: event.id, ticketId, checkoutId: session.id };
    }
    case 'refund.created':
    case 'refund.updated': {
      const refund = event.data.object;
      const paymentRef = idOf(refund.payment_intent);
      if (refund.status !== 'succeeded' || !paymentRef) return { kind: 'ignored', eventId: event.id, type: event.type };
      return { kind: 'refunded', eventId: event.id, ticketId: refund.metadata?.ticketId, paymentRef };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentRef = idOf(charge.payment_intent);
      if (!charge.refunded || !paymentRef) return { kind: 'ignored', eventId: event.id, type: event.type };
      return { kind: 'refunded', eventId: event.id, ticketId: charge.metadata?.ticketId, paymentRef };
    }
    default:
      return { kind: 'ignored', eventId: event.id, type: event.type };
  }
}
