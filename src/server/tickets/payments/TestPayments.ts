// Test payments, the embedded default: the same hold → paid / expired → refunded lifecycle as Stripe,
// with no money. The checkout is Hostline's own page (/tickets/checkout/<ticket>), labelled as a
// rehearsal, whose buttons call the ticket service directly; there are no webhooks.
import { randomBytes } from 'node:crypto';
import { WebhookRejected, type Checkout, type CheckoutRequest, type PaymentEvent, type PaymentProvider, type RefundRequest } from './PaymentProvider.js';

export class TestPayments implements PaymentProvider {
  readonly name = 'test' as const;
  readonly label = 'Test payments: no money moves (a rehearsal of a ticketed show)';
  readonly #baseUrl: () => string;

  constructor(baseUrl: () => string) {
    this.#baseUrl = baseUrl;
  }

  startCheckout(request: CheckoutRequest): Promise<Checkout> {
    return Promise.resolve({
      checkoutId: `test_cs_${request.ticketId}`,
      url: `${this.#baseUrl()}/tickets/checkout/${encodeURIComponent(request.ticketId)}`,
    });
  }

  refund(_request: RefundRequest): Promise<{ refundId: string }> {
    return Promise.resolve({ refundId: `test_re_${randomBytes(8).toString('hex')}` });
  }

  readWebhook(): PaymentEvent {
    throw new WebhookRejected('test payments send no webhooks');
  }
}
