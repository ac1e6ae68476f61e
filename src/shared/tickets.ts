// Ticketed Spaces as every side sees them: currencies, a Space's offer, a ticket, the host's sales
// figures. Amounts are integer minor units of the currency (cents), never floats. World-free.
import { z } from 'zod';

/** ISO 4217 currencies tickets may be priced in, with their minor-unit digits (two for each here). */
export const TICKET_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'SEK', 'NOK', 'DKK', 'NZD'] as const;
export const CurrencySchema = z.enum(TICKET_CURRENCIES);
export type Currency = z.infer<typeof CurrencySchema>;

export const MinorUnitsSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const TicketStatusSchema = z.enum(['held', 'paid', 'expired', 'refunded']);

/** What the Space page and listener page show about a Space's tickets. */
export const TicketOfferSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  currency: CurrencySchema,
  priceMinor: MinorUnitsSchema,
  capacity: z.number().int(),
  left: z.number().int(),
  onSale: z.boolean(),
  status: z.enum(['on_sale', 'closed', 'cancelled']),
  salesEndAt: z.number().nullable(),
  /** How payment is taken; test payments say no money moves. */
  payments: z.object({ provider: z.enum(['test', 'stripe']), label: z.string() }),
  /** The viewer's own ticket, when signed in and they hold one. */
  yourTicket: z.object({ id: z.string(), status: TicketStatusSchema }).nullable(),
});
export type TicketOffer = z.infer<typeof TicketOfferSchema>;

export const TicketSchema = z.object({
  id: z.string(),
  spaceId: z.string(),
  title: z.string(),
  status: TicketStatusSchema,
  currency: CurrencySchema,
  amountMinor: MinorUnitsSchema,
  heldUntil: z.number(),
  paidAt: z.number().nullable(),
  checkoutUrl: z.string().nullable(),
});
export type TicketView = z.infer<typeof TicketSchema>;

/** A host's sales for one Space: seats from the tickets, money summed over the ledger. */
export const SalesSchema = z.object({
  spaceId: z.string(),
  title: z.string(),
  currency: CurrencySchema,
  priceMinor: MinorUnitsSchema,
  capacity: z.number().int(),
  sold: z.number().int(),
  held: z.number().int(),
  left: z.number().int(),
  refunds: z.number().int(),
  grossMinor: z.number().int(),
  refundedMinor: z.number().int(),
  commissionMinor: z.number().int(),
  netMinor: z.number().int(),
});
export type Sales = z.infer<typeof SalesSchema>;

export const StatementSchema = z.object({
  spaces: z.array(SalesSchema),
  /** Per currency, over every Space. */
  totals: z.array(z.object({ currency: CurrencySchema, grossMinor: z.number().int(), refundedMinor: z.number().int(), commissionMinor: z.number().int(), netMinor: z.number().int() })),
});
export type Statement = z.infer<typeof StatementSchema>;

/** "$12.50"-style text for people (the amounts stay integers everywhere else). */
export function formatMoney(minor: number, currency: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${currency} ${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
