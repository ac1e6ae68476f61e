// How the TicketService takes money: start a checkout for a held ticket, refund a paid one, and read
// the provider's notifications. Two implementations: TestPayments (the embedded default, no money) and
// StripePayments (Checkout Sessions with destination charges, verified webhooks).

export type ProviderName = 'test' | 'stripe';

export interface CheckoutRequest {
  ticketId: string;
  spaceTitle: string;
  currency: string;
  amountMinor: number;
  /** The platform's commission (Stripe: the application fee). */
  feeMinor: number;
  /** The host's connected account the rest goes to (Stripe destination charge); null with test payments. */
  destination: string | null;
  /** When the hold ends and the checkout expires (ms). */
  expiresAt: number;
  /** Where the buyer returns after paying, and after giving up. */
  successUrl: string;
  cancelUrl: string;
}

export interface Checkout {
  /** The provider's id for it (Stripe: cs_…). */
  checkoutId: string;
  /** Where to send the buyer to pay. */
  url: string;
}

export interface RefundRequest {
  ticketId: string;
  /** The provider's payment (Stripe: the PaymentIntent id). */
  paymentRef: string;
  amountMinor: number;
}

/** What a provider's notification means for a ticket, once verified and read. */
export type PaymentEvent =
  | { kind: 'paid'; eventId: string; ticketId: string; checkoutId: string; paymentRef: string }
  | { kind: 'expired'; eventId: string; ticketId: string; checkoutId: string }
  | { kind: 'refunded'; eventId: string; ticketId: string | undefined; paymentRef: string }
  /** Verified, but nothing a ticket follows (recorded so a redelivery is a duplicate too). */
  | { kind: 'ignored'; eventId: string; type: string };

export class WebhookRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Shown beside the Buy button: test payments say clearly that no money moves. */
  readonly label: string;
  startCheckout(request: CheckoutRequest): Promise<Checkout>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
  /**
   * Verifies a notification on its raw body and headers and reads it; throws WebhookRejected for a
   * bad signature or a body that is not an event. Providers without webhooks always throw.
   */
  readWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): PaymentEvent;
}
