// Ticketed Spaces: a host puts a Space on sale, buyers hold a seat while they pay, the payment provider
// says paid / expired / refunded, and the ledger records every money movement. The one rule above all:
// a seat is never sold twice and nobody is charged twice.
//
// - Seats: a hold takes the Space's sale lock (TicketRepository.lockTicketing), counts the seats taken
//   (paid + in checkout) and inserts the ticket in the same transaction, so concurrent buyers on SQLite
//   or PostgreSQL can never exceed the capacity.
// - Lifecycle: held → paid | expired; paid → refunded. Every move is compare-and-set, and every ledger
//   kind is written once per ticket, so a duplicate or late notification changes nothing. A payment
//   that arrives for an expired hold takes a seat if one is free, and is refunded at once if not.
// - Money: host figures are sums over the ledger, never a counter (LedgerSums).
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../shared/http/errors.js';
import { TypedEmitter } from '../../shared/TypedEmitter.js';
import type { Currency, Sales, Statement, TicketOffer, TicketView } from '../../shared/tickets.js';
import { formatMoney } from '../../shared/tickets.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/Mailer.js';
import type { Repositories } from '../store/repositories.js';
import type { LedgerEntry, RefundReason, Ticket, Ticketing } from '../store/repositories/TicketRepository.js';
import type { Store } from '../store/Store.js';
import { commissionFor, type CommissionSchedule } from './commission.js';
import type { PaymentEvent, PaymentProvider } from './payments/PaymentProvider.js';

export interface TicketRules {
  /** Price bounds in minor units (defaults $1 and $999). */
  priceMinMinor: number;
  priceMaxMinor: number;
  commission: CommissionSchedule;
  /** How long a seat is held while the buyer pays (Stripe: at least 30 minutes). */
  holdMs: number;
  /** After a hold's end, how long to wait for the provider's own expiry notice before returning the seat. */
  expiryGraceMs: number;
  /** A Space that never started refunds every ticket when it is cancelled or ends unstarted. */
  refundIfNeverStarted: boolean;
}

export const DEFAULT_TICKET_RULES: TicketRules = {
  priceMinMinor: 100,
  priceMaxMinor: 99_900,
  commission: { lowRateBp: 300, highRateBp: 2000, thresholdMinor: 5_000_000 },
  holdMs: 30 * 60_000,
  expiryGraceMs: 0,
  refundIfNeverStarted: true,
};

export interface TicketingInput {
  currency: Currency;
  priceMinor: number;
  capacity: number;
  salesEndAt?: number | null;
}

export type TicketEvents = {
  /** Seats or money of a Space changed (the studio's live sales). */
  sales: [spaceId: string];
};

/** The outcome of a provider notification, for logs and tests. */
export type EventOutcome = 'duplicate' | 'applied' | 'no_change' | 'unknown_ticket' | 'refunded_oversold';

export class TicketService extends TypedEmitter<TicketEvents> {
  readonly rules: TicketRules;
  readonly provider: PaymentProvider;
  readonly #store: Store;
  readonly #mailer: Mailer | undefined;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** Builds links back to this service (where buyers return from checkout). */
  readonly #link: (path: string) => string;

  constructor(init: { store: Store; provider: PaymentProvider; rules?: Partial<TicketRules>; mailer?: Mailer; logger: Logger; now?: () => number; link: (path: string) => string }) {
    super();
    this.#store = init.store;
    this.provider = init.provider;
    this.rules = { ...DEFAULT_TICKET_RULES, ...init.rules };
    this.#mailer = init.mailer;
    this.#logger = init.logger;
    this.#now = init.now ?? Date.now;
    this.#link = init.link;
  }

  // ---- the host ----------------------------------------------------------------------------------

  /** Puts a Space on sale, or changes its sale. The Space must be the host's, scheduled or live. */
  async configure(hostAccountId: string, spaceId: string, input: TicketingInput): Promise<TicketOffer> {
    const { priceMinMinor, priceMaxMinor } = this.rules;
    if (!Number.isSafeInteger(input.priceMinor) || input.priceMinor < priceMinMinor || input.priceMinor > priceMaxMinor) {
      throw new ApiError('invalid_payload', `the price must be from ${formatMoney(priceMinMinor, input.currency)} to ${formatMoney(priceMaxMinor, input.currency)}`, { field: 'priceMinor' });
    }
    const now = this.#now();
    if (input.salesEndAt != null && input.salesEndAt <= now) throw new ApiError('invalid_payload', 'sales must end in the future', { field: 'salesEndAt' });
    await this.#store.transaction(async (repos) => {
      const space = await repos.spaces.get(spaceId);
      if (!space || space.hostUserId !== hostAccountId) throw new ApiError('not_found', 'you host no Space with that id');
      if (space.status === 'ended') throw new ApiError('conflict', 'this Space has ended');
      const current = await repos.tickets.lockTicketing(spaceId);
      if (current?.status === 'cancelled') throw new ApiError('conflict', 'ticket sales for this Space were cancelled');
      if (current) {
        const taken = await repos.tickets.seatsTaken(spaceId);
        const sold = await repos.tickets.ticketsOfSpace(spaceId, ['paid', 'held', 'refunded']);
        if (sold.length > 0 && (current.currency !== input.currency || current.priceMinor !== input.priceMinor)) {
          throw new ApiError('conflict', 'the price and currency are fixed once a ticket is sold', { field: 'priceMinor' });
        }
        if (input.capacity < taken.paid + taken.held) throw new ApiError('conflict', `${taken.paid + taken.held} tickets are already sold or in checkout`, { field: 'capacity' });
      }
      const ticketing: Ticketing = {
        spaceId,
        hostAccountId,
        title: space.title,
        currency: input.currency,
        priceMinor: input.priceMinor,
        capacity: input.capacity,
        salesEndAt: input.salesEndAt ?? null,
        status: 'on_sale',
        createdAt: current?.createdAt ?? now,
      };
      await repos.tickets.putTicketing(ticketing, now);
    });
    this.safeEmit('sales', spaceId);
    return this.offer(spaceId, hostAccountId);
  }

  /** The host's sales for one Space. */
  async sales(hostAccountId: string, spaceId: string): Promise<Sales> {
    const ticketing = await this.#store.repos.tickets.ticketing(spaceId);
    if (!ticketing || ticketing.hostAccountId !== hostAccountId) throw new ApiError('not_found', 'you sell no tickets for a Space with that id');
    return this.#salesOf(this.#store.repos, ticketing);
  }

  /** Every ticketed Space of the host and the totals per currency, all summed over the ledger. */
  async statement(hostAccountId: string): Promise<Statement> {
    const repos = this.#store.repos;
    const ticketings = await repos.tickets.ticketingsOfHost(hostAccountId);
    const spaces = await Promise.all(ticketings.map((t) => this.#salesOf(repos, t)));
    const totals = (await repos.tickets.sums({ hostAccountId })).map((s) => ({
      currency: s.currency as Currency,
      grossMinor: s.grossMinor,
      refundedMinor: s.refundedMinor,
      commissionMinor: s.commissionMinor,
      netMinor: s.netMinor,
    }));
    return { spaces, totals };
  }

  /** Refunds one buyer's paid ticket (the host's choice). */
  async refundOne(hostAccountId: string, ticketId: string): Promise<TicketView> {
    const ticket = await this.#store.repos.tickets.ticket(ticketId);
    if (!ticket || ticket.hostAccountId !== hostAccountId) throw new ApiError('not_found', 'no ticket of yours has that id');
    if (ticket.status !== 'paid') throw new ApiError('conflict', `this ticket is ${ticket.status}, not paid`);
    await this.#refund(ticket, 'host');
    return this.#view((await this.#store.repos.tickets.ticket(ticketId))!);
  }

  /**
   * Cancels a Space's sales: no more tickets, holds end, every paid ticket is refunded and its holder
   * emailed. Answers how many were refunded.
   */
  async cancel(hostAccountId: string, spaceId: string, reason: RefundReason = 'cancelled'): Promise<{ refunded: number }> {
    const now = this.#now();
    const ticketing = await this.#store.transaction(async (repos) => {
      const current = await repos.tickets.lockTicketing(spaceId);
      if (!current || current.hostAccountId !== hostAccountId) throw new ApiError('not_found', 'you sell no tickets for a Space with that id');
      await repos.tickets.putTicketing({ ...current, status: 'cancelled' }, now);
      for (const held of await repos.tickets.ticketsOfSpace(spaceId, ['held'])) await repos.tickets.move(held.id, ['held'], 'expired', { endedAt: now });
      return current;
    });
    let refunded = 0;
    for (const ticket of await this.#store.repos.tickets.ticketsOfSpace(spaceId, ['paid'])) {
      if (await this.#refund(ticket, reason)) {
        refunded++;
        await this.#mailRefund(ticket, ticketing, reason);
      }
    }
    this.safeEmit('sales', spaceId);
    return { refunded };
  }

  /**
   * The Space ended: sales close. One that never started refunds every ticket when the policy says so
   * (`refundIfNeverStarted`, default on).
   */
  async spaceEnded(spaceId: string, started: boolean): Promise<void> {
    const ticketing = await this.#store.repos.tickets.ticketing(spaceId);
    if (!ticketing || ticketing.status !== 'on_sale') return;
    if (!started && this.rules.refundIfNeverStarted) {
      await this.cancel(ticketing.hostAccountId, spaceId, 'never_started');
      return;
    }
    await this.#store.transaction(async (repos) => {
      const current = await repos.tickets.lockTicketing(spaceId);
      if (current?.status === 'on_sale') await repos.tickets.putTicketing({ ...current, status: 'closed' }, this.#now());
    });
    this.safeEmit('sales', spaceId);
  }

  async setConnectedAccount(hostAccountId: string, connectedAccount: string | null): Promise<void> {
    await this.#store.repos.tickets.setConnectedAccount(hostAccountId, connectedAccount);
  }

  // ---- buyers -------------------------------------------------------------------------------------

  /** What a Space sells and how many are left; null when it is not ticketed. */
  async offer(spaceId: string, viewerAccountId: string | undefined): Promise<TicketOffer> {
    const repos = this.#store.repos;
    const ticketing = await repos.tickets.ticketing(spaceId);
    if (!ticketing) throw new ApiError('not_found', 'this Space sells no tickets');
    const taken = await repos.tickets.seatsTaken(spaceId);
    const mine = viewerAccountId ? await repos.tickets.liveTicket(spaceId, viewerAccountId) : undefined;
    return {
      spaceId,
      title: ticketing.title,
      currency: ticketing.currency as Currency,
      priceMinor: ticketing.priceMinor,
      capacity: ticketing.capacity,
      left: Math.max(0, ticketing.capacity - taken.paid - taken.held),
      onSale: this.#onSale(ticketing),
      status: ticketing.status,
      salesEndAt: ticketing.salesEndAt,
      payments: { provider: this.provider.name, label: this.provider.label },
      yourTicket: mine ? { id: mine.id, status: mine.status } : null,
    };
  }

  /**
   * Holds a seat for the buyer and starts the provider's checkout. A buyer who already holds one gets
   * the same ticket back (pressing Buy twice never takes two seats). Refuses `sold_out` when every seat
   * is paid or in checkout.
   */
  async buy(buyerAccountId: string, spaceId: string): Promise<TicketView> {
    const now = this.#now();
    const held = await this.#store.transaction(async (repos) => {
      const ticketing = await repos.tickets.lockTicketing(spaceId);
      if (!ticketing) throw new ApiError('not_found', 'this Space sells no tickets');
      if (ticketing.hostAccountId === buyerAccountId) throw new ApiError('conflict', 'hosts need no ticket for their own Space');
      if (!this.#onSale(ticketing)) throw new ApiError('conflict', 'ticket sales for this Space have ended');
      await this.#expireOverdue(repos, spaceId, now);
      const existing = await repos.tickets.liveTicket(spaceId, buyerAccountId);
      if (existing) return { ticket: existing, fresh: false };
      const taken = await repos.tickets.seatsTaken(spaceId);
      if (taken.paid + taken.held >= ticketing.capacity) throw new ApiError('sold_out', 'every ticket for this Space is sold');
      // The commission is fixed now (Stripe needs it when checkout starts), counting the host's lifetime
      // earnings and the tickets in checkout ahead of this one toward the threshold.
      await repos.tickets.lockHost(ticketing.hostAccountId);
      const lifetime = (await repos.tickets.lifetimeEarnings(ticketing.hostAccountId, ticketing.currency)) + (await repos.tickets.heldAmount(ticketing.hostAccountId, ticketing.currency));
      const { feeMinor } = commissionFor(this.rules.commission, lifetime, ticketing.priceMinor);
      const ticket: Ticket = {
        id: `tkt_${randomBytes(12).toString('base64url')}`,
        spaceId,
        hostAccountId: ticketing.hostAccountId,
        buyerAccountId,
        status: 'held',
        currency: ticketing.currency,
        amountMinor: ticketing.priceMinor,
        feeMinor,
        provider: this.provider.name,
        checkoutId: null,
        checkoutUrl: null,
        paymentRef: null,
        heldUntil: now + this.rules.holdMs,
        createdAt: now,
        paidAt: null,
        endedAt: null,
        refundReason: null,
      };
      await repos.tickets.insertTicket(ticket);
      return { ticket, fresh: true, title: ticketing.title };
    });
    if (!held.fresh) return this.#view(held.ticket);
    this.safeEmit('sales', spaceId);
    const ticket = held.ticket;
    try {
      const checkout = await this.provider.startCheckout({
        ticketId: ticket.id,
        spaceTitle: held.title ?? spaceId,
        currency: ticket.currency,
        amountMinor: ticket.amountMinor,
        feeMinor: ticket.feeMinor,
        destination: await this.#store.repos.tickets.connectedAccount(ticket.hostAccountId),
        expiresAt: ticket.heldUntil,
        successUrl: this.#link(`/tickets/${encodeURIComponent(ticket.id)}?paid=1`),
        cancelUrl: this.#link(`/tickets/${encodeURIComponent(ticket.id)}?cancelled=1`),
      });
      await this.#store.repos.tickets.setCheckout(ticket.id, checkout.checkoutId, checkout.url);
    } catch (error) {
      // No checkout, no hold: the seat goes back at once.
      await this.#store.repos.tickets.move(ticket.id, ['held'], 'expired', { endedAt: this.#now() });
      this.safeEmit('sales', spaceId);
      this.#logger.error('starting a checkout failed', { ticketId: ticket.id, error });
      throw new ApiError('unavailable', 'the payment provider could not start a checkout; try again shortly');
    }
    return this.#view((await this.#store.repos.tickets.ticket(ticket.id))!);
  }

  /** The person's tickets, newest first. */
  async mine(buyerAccountId: string): Promise<TicketView[]> {
    const tickets = await this.#store.repos.tickets.ticketsOfBuyer(buyerAccountId);
    return Promise.all(tickets.map((t) => this.#view(t)));
  }

  async ticketOf(buyerAccountId: string, ticketId: string): Promise<TicketView> {
    const ticket = await this.#store.repos.tickets.ticket(ticketId);
    if (!ticket || ticket.buyerAccountId !== buyerAccountId) throw new ApiError('not_found', 'you hold no ticket with that id');
    return this.#view(ticket);
  }

  /** Whether the account holds a paid ticket for the Space (admission). */
  async admits(spaceId: string, accountId: string): Promise<boolean> {
    const ticket = await this.#store.repos.tickets.liveTicket(spaceId, accountId);
    return ticket?.status === 'paid';
  }

  /** Whether a Space needs a ticket to listen, and what it costs (null: free). */
  async admission(spaceId: string): Promise<{ priceMinor: number; currency: string; hostAccountId: string } | null> {
    const ticketing = await this.#store.repos.tickets.ticketing(spaceId);
    if (!ticketing || ticketing.status === 'cancelled') return null;
    return { priceMinor: ticketing.priceMinor, currency: ticketing.currency, hostAccountId: ticketing.hostAccountId };
  }

  /** Test payments' checkout page: the buyer pays, or gives up (their seat goes back). */
  async testCheckout(buyerAccountId: string, ticketId: string, action: 'pay' | 'cancel'): Promise<TicketView> {
    if (this.provider.name !== 'test') throw new ApiError('forbidden', 'this service takes payment through its payment provider, not test payments');
    const ticket = await this.#store.repos.tickets.ticket(ticketId);
    if (!ticket || ticket.buyerAccountId !== buyerAccountId) throw new ApiError('not_found', 'you hold no ticket with that id');
    if (ticket.provider !== 'test') throw new ApiError('conflict', 'this ticket is paid through another provider');
    if (action === 'pay') {
      if (ticket.status !== 'held' || ticket.heldUntil <= this.#now()) throw new ApiError('conflict', `this checkout has ${ticket.status === 'paid' ? 'been paid' : 'ended'}`);
      await this.#markPaid(ticket.id, `test_pi_${ticket.id}`);
    } else {
      await this.#expire(ticket.id);
    }
    return this.#view((await this.#store.repos.tickets.ticket(ticketId))!);
  }

  // ---- the provider's notifications -----------------------------------------------------------------

  /**
   * Applies one verified notification exactly once: a redelivered event id is a duplicate; events in
   * any order end in the same state (the moves are monotone, the ledger kinds once per ticket).
   */
  async applyEvent(event: PaymentEvent): Promise<EventOutcome> {
    const now = this.#now();
    const type = event.kind === 'ignored' ? event.type : event.kind;
    // The delivery is recorded with its effect in one transaction: a crash in between redoes both.
    const { outcome, ticket } = await this.#store.transaction(async (repos): Promise<{ outcome: EventOutcome; ticket?: Ticket }> => {
      if (!(await repos.tickets.firstDelivery(this.provider.name, event.eventId, type, now))) return { outcome: 'duplicate' };
      if (event.kind === 'ignored') return { outcome: 'no_change' };
      const found = event.ticketId ? await repos.tickets.ticket(event.ticketId) : event.kind === 'refunded' ? await repos.tickets.ticketByPayment(event.paymentRef) : undefined;
      if (!found) {
        this.#logger.warn('a payment notification names no ticket of ours', { eventId: event.eventId, kind: event.kind });
        return { outcome: 'unknown_ticket' };
      }
      switch (event.kind) {
        case 'paid':
          return { outcome: await this.#applyPaid(repos, found, event.paymentRef, now), ticket: found };
        case 'expired':
          return { outcome: (await repos.tickets.move(found.id, ['held'], 'expired', { endedAt: now })) ? 'applied' : 'no_change', ticket: found };
        case 'refunded':
          return { outcome: await this.#applyRefunded(repos, found, event.paymentRef, 'provider', now), ticket: found };
      }
    });
    if (outcome === 'refunded_oversold' && ticket) await this.#refund(ticket, 'oversold');
    if ((outcome === 'applied' || outcome === 'refunded_oversold') && ticket) this.safeEmit('sales', ticket.spaceId);
    return outcome;
  }

  /** Returns the seats of holds whose checkout time is over (the embedded sweeper calls this). */
  async sweep(): Promise<number> {
    const now = this.#now();
    const overdue = await this.#store.repos.tickets.holdsEndedBefore(now - this.rules.expiryGraceMs, 500);
    let expired = 0;
    for (const ticket of overdue) if (await this.#expire(ticket.id)) expired++;
    return expired;
  }

  // ---- inside ----------------------------------------------------------------------------------------

  #onSale(t: Ticketing): boolean {
    return t.status === 'on_sale' && (t.salesEndAt === null || t.salesEndAt > this.#now());
  }

  async #expireOverdue(repos: Repositories, spaceId: string, now: number): Promise<void> {
    for (const held of await repos.tickets.ticketsOfSpace(spaceId, ['held'])) {
      if (held.heldUntil + this.rules.expiryGraceMs <= now) await repos.tickets.move(held.id, ['held'], 'expired', { endedAt: now });
    }
  }

  async #expire(ticketId: string): Promise<boolean> {
    const moved = await this.#store.repos.tickets.move(ticketId, ['held'], 'expired', { endedAt: this.#now() });
    if (moved) {
      const ticket = await this.#store.repos.tickets.ticket(ticketId);
      if (ticket) this.safeEmit('sales', ticket.spaceId);
    }
    return moved;
  }

  async #markPaid(ticketId: string, paymentRef: string): Promise<void> {
    const now = this.#now();
    const outcome = await this.#store.transaction(async (repos) => {
      const ticket = await repos.tickets.ticket(ticketId);
      return ticket ? this.#applyPaid(repos, ticket, paymentRef, now) : 'unknown_ticket';
    });
    const ticket = await this.#store.repos.tickets.ticket(ticketId);
    if (outcome === 'refunded_oversold' && ticket) await this.#refund(ticket, 'oversold');
    if (ticket) this.safeEmit('sales', ticket.spaceId);
  }

  /** held → paid; expired → paid when a seat is free, else paid and refunded at once (oversold). */
  async #applyPaid(repos: Repositories, ticket: Ticket, paymentRef: string, now: number): Promise<EventOutcome> {
    if (ticket.status === 'paid' || ticket.status === 'refunded') return 'no_change';
    let outcome: EventOutcome = 'applied';
    if (ticket.status === 'expired') {
      const ticketing = await repos.tickets.lockTicketing(ticket.spaceId);
      const taken = await repos.tickets.seatsTaken(ticket.spaceId);
      const free = ticketing !== undefined && ticketing.status !== 'cancelled' && taken.paid + taken.held < ticketing.capacity;
      if (!free) outcome = 'refunded_oversold';
      // The buyer's seat may have been taken again by themselves: one live ticket per person.
      const other = await repos.tickets.liveTicket(ticket.spaceId, ticket.buyerAccountId);
      if (other && other.id !== ticket.id) outcome = 'refunded_oversold';
    }
    if (outcome === 'refunded_oversold') {
      // Record the money that did arrive; #refund sends it back and records that too.
      await repos.tickets.move(ticket.id, ['expired'], 'expired', { paymentRef, paidAt: now });
      await repos.tickets.record(ticket, chargeEntries(ticket), now);
      return outcome;
    }
    const moved = await repos.tickets.move(ticket.id, ['held', 'expired'], 'paid', { paymentRef, paidAt: now });
    if (!moved) return 'no_change';
    await repos.tickets.record(ticket, chargeEntries(ticket), now);
    return outcome;
  }

  /** A refund the provider reports (ours, or made in its dashboard). Arriving before the payment, it records both. */
  async #applyRefunded(repos: Repositories, ticket: Ticket, paymentRef: string, reason: RefundReason, now: number): Promise<EventOutcome> {
    if (ticket.status === 'refunded') return 'no_change';
    const moved = await repos.tickets.move(ticket.id, ['held', 'paid', 'expired'], 'refunded', { paymentRef, endedAt: now, refundReason: reason, ...(ticket.paidAt === null ? { paidAt: now } : {}) });
    if (!moved) return 'no_change';
    await repos.tickets.record(ticket, chargeEntries(ticket), now);
    await repos.tickets.record(ticket, refundEntries(ticket), now);
    return 'applied';
  }

  /**
   * Sends the money back through the provider (idempotent: one refund per ticket), then records it.
   * False when the ticket was already refunded.
   */
  async #refund(ticket: Ticket, reason: RefundReason): Promise<boolean> {
    const current = await this.#store.repos.tickets.ticket(ticket.id);
    if (!current || current.status === 'refunded' || !current.paymentRef) return false;
    await this.provider.refund({ ticketId: current.id, paymentRef: current.paymentRef, amountMinor: current.amountMinor });
    const now = this.#now();
    const moved = await this.#store.transaction(async (repos) => {
      const ok = await repos.tickets.move(current.id, ['paid', 'expired'], 'refunded', { endedAt: now, refundReason: reason });
      if (ok) {
        await repos.tickets.record(current, chargeEntries(current), now);
        await repos.tickets.record(current, refundEntries(current), now);
      }
      return ok;
    });
    if (moved) this.safeEmit('sales', current.spaceId);
    return moved;
  }

  async #mailRefund(ticket: Ticket, ticketing: Ticketing, reason: RefundReason): Promise<void> {
    if (!this.#mailer) return;
    const account = await this.#store.repos.accounts.byId(ticket.buyerAccountId);
    if (!account) return;
    const why = reason === 'never_started' ? 'did not take place' : 'was cancelled by its host';
    try {
      await this.#mailer.send({
        to: account.email,
        subject: `Refund: ${ticketing.title}`,
        text: `"${ticketing.title}" ${why}. Your ticket (${formatMoney(ticket.amountMinor, ticket.currency)}) has been refunded in full.\n\nTicket ${ticket.id}\n`,
      });
    } catch (error) {
      this.#logger.warn('the refund email could not be sent', { ticketId: ticket.id, error });
    }
  }

  async #salesOf(repos: Repositories, ticketing: Ticketing): Promise<Sales> {
    const taken = await repos.tickets.seatsTaken(ticketing.spaceId);
    const refunds = (await repos.tickets.ticketsOfSpace(ticketing.spaceId, ['refunded'])).length;
    const sums = (await repos.tickets.sums({ spaceId: ticketing.spaceId })).find((s) => s.currency === ticketing.currency);
    return {
      spaceId: ticketing.spaceId,
      title: ticketing.title,
      currency: ticketing.currency as Currency,
      priceMinor: ticketing.priceMinor,
      capacity: ticketing.capacity,
      sold: taken.paid,
      held: taken.held,
      left: Math.max(0, ticketing.capacity - taken.paid - taken.held),
      refunds,
      grossMinor: sums?.grossMinor ?? 0,
      refundedMinor: sums?.refundedMinor ?? 0,
      commissionMinor: sums?.commissionMinor ?? 0,
      netMinor: sums?.netMinor ?? 0,
    };
  }

  async #view(ticket: Ticket): Promise<TicketView> {
    const ticketing = await this.#store.repos.tickets.ticketing(ticket.spaceId);
    return {
      id: ticket.id,
      spaceId: ticket.spaceId,
      title: ticketing?.title ?? '',
      status: ticket.status,
      currency: ticket.currency as Currency,
      amountMinor: ticket.amountMinor,
      heldUntil: ticket.heldUntil,
      paidAt: ticket.paidAt,
      checkoutUrl: ticket.status === 'held' ? ticket.checkoutUrl : null,
    };
  }
}

/** A payment: the buyer pays the price, the platform takes its fee, the host is owed the rest. */
function chargeEntries(t: Ticket): LedgerEntry[] {
  return [
    { kind: 'charge', party: 'buyer', amountMinor: -t.amountMinor },
    { kind: 'fee', party: 'platform', amountMinor: t.feeMinor },
    { kind: 'payout_due', party: 'host', amountMinor: t.amountMinor - t.feeMinor },
  ];
}

/** A full refund: the buyer gets the price back, the platform returns its fee, the host's share is reversed. */
function refundEntries(t: Ticket): LedgerEntry[] {
  return [
    { kind: 'refund', party: 'buyer', amountMinor: t.amountMinor },
    { kind: 'fee_refund', party: 'platform', amountMinor: -t.feeMinor },
    { kind: 'payout_reversal', party: 'host', amountMinor: -(t.amountMinor - t.feeMinor) },
  ];
}
