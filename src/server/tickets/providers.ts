// Picks the payment provider and ticket rules from the server's configuration.
import type { ServerConfig } from '../config.js';
import type { PaymentProvider } from './payments/PaymentProvider.js';
import { StripePayments } from './payments/StripePayments.js';
import { TestPayments } from './payments/TestPayments.js';
import type { TicketRules } from './TicketService.js';

export function paymentProviderFor(config: ServerConfig, baseUrl: () => string): PaymentProvider {
  if (config.payments === 'stripe') {
    // The config schema insists on both keys when payments are Stripe's.
    return new StripePayments({ secretKey: config.stripeSecretKey!, webhookSecret: config.stripeWebhookSecret!, apiUrl: config.stripeApiUrl });
  }
  return new TestPayments(baseUrl);
}

export function ticketRulesFor(config: ServerConfig): TicketRules {
  return {
    priceMinMinor: config.ticketPriceMin,
    priceMaxMinor: config.ticketPriceMax,
    commission: { lowRateBp: config.commissionLowBp, highRateBp: config.commissionHighBp, thresholdMinor: config.commissionThreshold },
    holdMs: config.ticketHoldMinutes * 60_000,
    // Stripe sends checkout.session.expired itself; a minute's grace lets it arrive first.
    expiryGraceMs: config.payments === 'stripe' ? 60_000 : 0,
    refundIfNeverStarted: config.refundNeverStarted === 'yes',
  };
}
