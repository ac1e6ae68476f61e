// Ticketed Spaces over HTTP: the host puts a Space on sale and reads its sales; buyers see the offer,
// hold a seat and pay; the host refunds one buyer or cancels. Stripe's webhook is not here: it needs the
// raw body (src/server/tickets/webhook-route.ts).
import { z } from 'zod';
import { CurrencySchema, SalesSchema, StatementSchema, TicketOfferSchema, TicketSchema } from '../tickets.js';
import { route } from './route.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
const BySpace = z.strictObject({ spaceId: Id });
const ByTicket = z.strictObject({ ticketId: Id });

export const ticketRoutes = {
  'tickets.configure': route({
    method: 'PUT',
    path: '/api/spaces/:spaceId/tickets/offer',
    params: BySpace,
    body: z.strictObject({
      currency: CurrencySchema,
      /** Minor units (cents); the bounds are the server's configuration. */
      priceMinor: z.number().int().min(1).max(10_000_000),
      capacity: z.number().int().min(1).max(1_000_000),
      /** When sales end (ms since 1970); unset: when the Space ends. */
      salesEndAt: z.number().int().min(0).max(8_640_000_000_000_000).nullable().optional(),
    }),
    access: 'account',
    reply: TicketOfferSchema,
    rateLimit: 'write',
    summary: 'Host: sell tickets for your scheduled or live Space (price, currency, number, sales end).',
  }),
  'tickets.offer': route({
    method: 'GET',
    path: '/api/spaces/:spaceId/tickets/offer',
    params: BySpace,
    access: 'anyone',
    reply: TicketOfferSchema,
    summary: 'What a Space’s ticket costs, how many are left, and your own ticket when signed in.',
  }),
  'tickets.buy': route({
    method: 'POST',
    path: '/api/spaces/:spaceId/tickets',
    params: BySpace,
    body: z.strictObject({}),
    access: 'account',
    reply: TicketSchema,
    rateLimit: 'purchase',
    summary: 'Hold a seat and start checkout (answers the same ticket if you already hold one; sold_out when none are left).',
  }),
  'tickets.sales': route({
    method: 'GET',
    path: '/api/spaces/:spaceId/tickets/sales',
    params: BySpace,
    access: 'account',
    reply: SalesSchema,
    summary: 'Host: sold, in checkout, left, gross, commission and net for one Space (sums over the ledger).',
  }),
  'tickets.cancel': route({
    method: 'POST',
    path: '/api/spaces/:spaceId/tickets/cancel',
    params: BySpace,
    body: z.strictObject({}),
    access: 'account',
    reply: z.object({ refunded: z.number().int() }),
    rateLimit: 'write',
    summary: 'Host: stop sales and refund every ticket (holders are emailed).',
  }),
  'tickets.mine': route({
    method: 'GET',
    path: '/api/tickets',
    access: 'account',
    reply: z.object({ tickets: z.array(TicketSchema) }),
    summary: 'Your tickets, newest first.',
  }),
  'tickets.get': route({
    method: 'GET',
    path: '/api/tickets/:ticketId',
    params: ByTicket,
    access: 'account',
    reply: TicketSchema,
    summary: 'One of your tickets.',
  }),
  'tickets.testCheckout': route({
    method: 'POST',
    path: '/api/tickets/:ticketId/test-checkout',
    params: ByTicket,
    body: z.strictObject({ action: z.enum(['pay', 'cancel']) }),
    access: 'account',
    reply: TicketSchema,
    rateLimit: 'purchase',
    summary: 'Test payments only: pay for a held ticket without money, or give the seat back.',
  }),
  'tickets.refund': route({
    method: 'POST',
    path: '/api/tickets/:ticketId/refund',
    params: ByTicket,
    body: z.strictObject({}),
    access: 'account',
    reply: TicketSchema,
    rateLimit: 'write',
    summary: 'Host: refund one buyer’s ticket in full.',
  }),
  'tickets.statement': route({
    method: 'GET',
    path: '/api/earnings',
    access: 'account',
    reply: StatementSchema,
    summary: 'Host: the earnings statement, per ticketed Space and in total (CSV at /earnings.csv).',
  }),
} as const;
