// Handlers of ticketed Spaces (src/shared/http/tickets.ts): each a call into the TicketService, which
// checks that the Space or ticket is the caller's.
import { type ticketRoutes } from '../../../shared/http/tickets.js';
import { signedIn, type RouteHandlers } from '../handler.js';

export const ticketHandlers: RouteHandlers<typeof ticketRoutes> = {
  async 'tickets.configure'(ctx, { params, body }) {
    return ctx.platform.tickets.configure(signedIn(ctx).account.id, params.spaceId, body);
  },
  async 'tickets.offer'(ctx, { params }) {
    return ctx.platform.tickets.offer(params.spaceId, ctx.actor?.account.id);
  },
  async 'tickets.buy'(ctx, { params }) {
    return ctx.platform.tickets.buy(signedIn(ctx).account.id, params.spaceId);
  },
  async 'tickets.sales'(ctx, { params }) {
    return ctx.platform.tickets.sales(signedIn(ctx).account.id, params.spaceId);
  },
  async 'tickets.cancel'(ctx, { params }) {
    return ctx.platform.tickets.cancel(signedIn(ctx).account.id, params.spaceId);
  },
  async 'tickets.mine'(ctx) {
    return { tickets: await ctx.platform.tickets.mine(signedIn(ctx).account.id) };
  },
  async 'tickets.get'(ctx, { params }) {
    return ctx.platform.tickets.ticketOf(signedIn(ctx).account.id, params.ticketId);
  },
  async 'tickets.testCheckout'(ctx, { params, body }) {
    return ctx.platform.tickets.testCheckout(signedIn(ctx).account.id, params.ticketId, body.action);
  },
  async 'tickets.refund'(ctx, { params }) {
    return ctx.platform.tickets.refundOne(signedIn(ctx).account.id, params.ticketId);
  },
  async 'tickets.statement'(ctx) {
    return ctx.platform.tickets.statement(signedIn(ctx).account.id);
  },
};
