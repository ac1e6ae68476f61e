// Ticketed Spaces in the store (0200_tickets): what each Space sells, the tickets, the ledger and the
// payment events already applied. Status changes are compare-and-set, so a replayed or late event
// finds the ticket already moved and changes nothing.
import { sql } from 'kysely';
import type { StoreDb } from '../connect.js';

export type TicketStatus = 'held' | 'paid' | 'expired' | 'refunded';
export type TicketingStatus = 'on_sale' | 'closed' | 'cancelled';
export type LedgerKind = 'charge' | 'fee' | 'payout_due' | 'refund' | 'fee_refund' | 'payout_reversal';
export type LedgerParty = 'buyer' | 'platform' | 'host';
export type RefundReason = 'host' | 'cancelled' | 'never_started' | 'oversold' | 'provider';

export interface TicketingsTable {
  space_id: string;
  host_account_id: string;
  title: string;
  currency: string;
  price_minor: number;
  capacity: number;
  sales_end_at: number | null;
  status: TicketingStatus;
  revision: number;
  created_at: number;
  updated_at: number;
}

export interface TicketHostsTable {
  host_account_id: string;
  connected_account: string | null;
  revision: number;
}

export interface TicketsTable {
  id: string;
  space_id: string;
  host_account_id: string;
  buyer_account_id: string;
  status: TicketStatus;
  currency: string;
  amount_minor: number;
  fee_minor: number;
  provider: string;
  checkout_id: string | null;
  checkout_url: string | null;
  payment_ref: string | null;
  held_until: number;
  created_at: number;
  paid_at: number | null;
  ended_at: number | null;
  refund_reason: RefundReason | null;
}

export interface LedgerTable {
  id: string;
  ticket_id: string;
  space_id: string;
  host_account_id: string;
  kind: LedgerKind;
  party: LedgerParty;
  currency: string;
  amount_minor: number;
  created_at: number;
}

export interface PaymentEventsTable {
  provider: string;
  event_id: string;
  type: string;
  received_at: number;
}

type Tables = {
  ticketings: TicketingsTable;
  ticket_hosts: TicketHostsTable;
  tickets: TicketsTable;
  ledger: LedgerTable;
  payment_events: PaymentEventsTable;
};

export interface Ticketing {
  spaceId: string;
  hostAccountId: string;
  title: string;
  currency: string;
  priceMinor: number;
  capacity: number;
  salesEndAt: number | null;
  status: TicketingStatus;
  createdAt: number;
}

export interface Ticket {
  id: string;
  spaceId: string;
  hostAccountId: string;
  buyerAccountId: string;
  status: TicketStatus;
  currency: string;
  amountMinor: number;
  feeMinor: number;
  provider: string;
  checkoutId: string | null;
  checkoutUrl: string | null;
  paymentRef: string | null;
  heldUntil: number;
  createdAt: number;
  paidAt: number | null;
  endedAt: number | null;
  refundReason: RefundReason | null;
}

export interface LedgerEntry {
  kind: LedgerKind;
  party: LedgerParty;
  amountMinor: number;
}

/** Sums over the ledger for one Space or one host, per currency. */
export interface LedgerSums {
  currency: string;
  /** What buyers paid. */
  grossMinor: number;
  /** What buyers got back. */
  refundedMinor: number;
  /** The platform's commission, net of commission returned with refunds. */
  commissionMinor: number;
  /** What the host is owed, net of refunds. */
  netMinor: number;
  /** Every row of the ledger summed: zero when it balances. */
  balanceMinor: number;
}

const toTicketing = (r: TicketingsTable): Ticketing => ({
  spaceId: r.space_id,
  hostAccountId: r.host_account_id,
  title: r.title,
  currency: r.currency,
  priceMinor: Number(r.price_minor),
  capacity: Number(r.capacity),
  salesEndAt: r.sales_end_at === null ? null : Number(r.sales_end_at),
  status: r.status,
  createdAt: Number(r.created_at),
});

const toTicket = (r: TicketsTable): Ticket => ({
  id: r.id,
  spaceId: r.space_id,
  hostAccountId: r.host_account_id,
  buyerAccountId: r.buyer_account_id,
  status: r.status,
  currency: r.currency,
  amountMinor: Number(r.amount_minor),
  feeMinor: Number(r.fee_minor),
  provider: r.provider,
  checkoutId: r.checkout_id,
  checkoutUrl: r.checkout_url,
  paymentRef: r.payment_ref,
  heldUntil: Number(r.held_until),
  createdAt: Number(r.created_at),
  paidAt: r.paid_at === null ? null : Number(r.paid_at),
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
  refundReason: r.refund_reason,
});

export class TicketRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<Tables>();
  }

  async ticketing(spaceId: string): Promise<Ticketing | undefined> {
    const row = await this.#db.selectFrom('ticketings').selectAll().where('space_id', '=', spaceId).executeTakeFirst();
    return row && toTicketing(row);
  }

  async ticketingsOfHost(hostAccountId: string): Promise<Ticketing[]> {
    const rows = await this.#db.selectFrom('ticketings').selectAll().where('host_account_id', '=', hostAccountId).orderBy('created_at', 'asc').execute();
    return rows.map(toTicketing);
  }

  async putTicketing(t: Ticketing, now: number): Promise<void> {
    const values = {
      space_id: t.spaceId,
      host_account_id: t.hostAccountId,
      title: t.title,
      currency: t.currency,
      price_minor: t.priceMinor,
      capacity: t.capacity,
      sales_end_at: t.salesEndAt,
      status: t.status,
      revision: 0,
      created_at: t.createdAt,
      updated_at: now,
    };
    await this.#db
      .insertInto('ticketings')
      .values(values)
      .onConflict((oc) =>
        oc.column('space_id').doUpdateSet({
          title: values.title,
          currency: values.currency,
          price_minor: values.price_minor,
          capacity: values.capacity,
          sales_end_at: values.sales_end_at,
          status: values.status,
          updated_at: now,
        }),
      )
      .execute();
  }

  /**
   * Takes the Space's sale lock for the rest of the transaction (a row lock on PostgreSQL; SQLite runs
   * one write transaction at a time) and answers the ticketing as it stands under that lock.
   */
  async lockTicketing(spaceId: string): Promise<Ticketing | undefined> {
    await this.#db.updateTable('ticketings').set({ revision: sql`revision + 1` }).where('space_id', '=', spaceId).execute();
    return this.ticketing(spaceId);
  }

  /** The same for a host's lifetime earnings (the commission threshold). Creates the host's row. */
  async lockHost(hostAccountId: string): Promise<{ connectedAccount: string | null }> {
    await this.#db
      .insertInto('ticket_hosts')
      .values({ host_account_id: hostAccountId, connected_account: null, revision: 1 })
      .onConflict((oc) => oc.column('host_account_id').doUpdateSet({ revision: sql`ticket_hosts.revision + 1` }))
      .execute();
    const row = await this.#db.selectFrom('ticket_hosts').select('connected_account').where('host_account_id', '=', hostAccountId).executeTakeFirstOrThrow();
    return { connectedAccount: row.connected_account };
  }

  async setConnectedAccount(hostAccountId: string, connectedAccount: string | null): Promise<void> {
    await this.#db
      .insertInto('ticket_hosts')
      .values({ host_account_id: hostAccountId, connected_account: connectedAccount, revision: 0 })
      .onConflict((oc) => oc.column('host_account_id').doUpdateSet({ connected_account: connectedAccount }))
      .execute();
  }

  async connectedAccount(hostAccountId: string): Promise<string | null> {
    const row = await this.#db.selectFrom('ticket_hosts').select('connected_account').where('host_account_id', '=', hostAccountId).executeTakeFirst();
    return row?.connected_account ?? null;
  }

  /** Seats taken: paid tickets and tickets in checkout. */
  async seatsTaken(spaceId: string): Promise<{ paid: number; held: number }> {
    const rows = await this.#db
      .selectFrom('tickets')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('space_id', '=', spaceId)
      .where('status', 'in', ['held', 'paid'])
      .groupBy('status')
      .execute();
    const count = (s: TicketStatus) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { paid: count('paid'), held: count('held') };
  }

  async insertTicket(t: Ticket): Promise<void> {
    await this.#db
      .insertInto('tickets')
      .values({
        id: t.id,
        space_id: t.spaceId,
        host_account_id: t.hostAccountId,
        buyer_account_id: t.buyerAccountId,
        status: t.status,
        currency: t.currency,
        amount_minor: t.amountMinor,
        fee_minor: t.feeMinor,
        provider: t.provider,
        checkout_id: t.checkoutId,
        checkout_url: t.checkoutUrl,
        payment_ref: t.paymentRef,
        held_until: t.heldUntil,
        created_at: t.createdAt,
        paid_at: t.paidAt,
        ended_at: t.endedAt,
        refund_reason: t.refundReason,
      })
      .execute();
  }

  async ticket(id: string): Promise<Ticket | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTicket(row);
  }

  async ticketByCheckout(checkoutId: string): Promise<Ticket | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('checkout_id', '=', checkoutId).executeTakeFirst();
    return row && toTicket(row);
  }

  async ticketByPayment(paymentRef: string): Promise<Ticket | undefined> {
    const row = await this.#db.selectFrom('tickets').selectAll().where('payment_ref', '=', paymentRef).executeTakeFirst();
    return row && toTicket(row);
  }

  /** The person's ticket for a Space that is in checkout or paid, if any. */
  async liveTicket(spaceId: string, buyerAccountId: string): Promise<Ticket | undefined> {
    const row = await this.#db
      .selectFrom('tickets')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('buyer_account_id', '=', buyerAccountId)
      .where('status', 'in', ['held', 'paid'])
      .executeTakeFirst();
    return row && toTicket(row);
  }

  async ticketsOfBuyer(buyerAccountId: string): Promise<Ticket[]> {
    const rows = await this.#db.selectFrom('tickets').selectAll().where('buyer_account_id', '=', buyerAccountId).orderBy('created_at', 'desc').limit(200).execute();
    return rows.map(toTicket);
  }

  async ticketsOfSpace(spaceId: string, statuses: readonly TicketStatus[]): Promise<Ticket[]> {
    const rows = await this.#db.selectFrom('tickets').selectAll().where('space_id', '=', spaceId).where('status', 'in', [...statuses]).orderBy('created_at', 'asc').execute();
    return rows.map(toTicket);
  }

  /** Holds whose checkout time is over (before `before`), oldest first. */
  async holdsEndedBefore(before: number, limit: number): Promise<Ticket[]> {
    const rows = await this.#db.selectFrom('tickets').selectAll().where('status', '=', 'held').where('held_until', '<', before).orderBy('held_until', 'asc').limit(limit).execute();
    return rows.map(toTicket);
  }

  async setCheckout(ticketId: string, checkoutId: string, url: string): Promise<void> {
    await this.#db.updateTable('tickets').set({ checkout_id: checkoutId, checkout_url: url }).where('id', '=', ticketId).execute();
  }

  /** Moves a ticket from one of `from` to `to`; false when it was not in one of them (nothing changed). */
  async move(
    ticketId: string,
    from: readonly TicketStatus[],
    to: TicketStatus,
    extra: { paidAt?: number; endedAt?: number; paymentRef?: string; refundReason?: RefundReason } = {},
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('tickets')
      .set({
        status: to,
        ...(extra.paidAt !== undefined ? { paid_at: extra.paidAt } : {}),
        ...(extra.endedAt !== undefined ? { ended_at: extra.endedAt } : {}),
        ...(extra.paymentRef !== undefined ? { payment_ref: extra.paymentRef } : {}),
        ...(extra.refundReason !== undefined ? { refund_reason: extra.refundReason } : {}),
      })
      .where('id', '=', ticketId)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Writes a movement's rows; a kind already written for the ticket is skipped (exactly once). */
  async record(ticket: Ticket, entries: readonly LedgerEntry[], now: number): Promise<void> {
    for (const entry of entries) {
      await this.#db
        .insertInto('ledger')
        .values({
          id: `${ticket.id}:${entry.kind}`,
          ticket_id: ticket.id,
          space_id: ticket.spaceId,
          host_account_id: ticket.hostAccountId,
          kind: entry.kind,
          party: entry.party,
          currency: ticket.currency,
          amount_minor: entry.amountMinor,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['ticket_id', 'kind']).doNothing())
        .execute();
    }
  }

  /** The ledger rows of one ticket (kind → amount). */
  async entriesOf(ticketId: string): Promise<LedgerEntry[]> {
    const rows = await this.#db.selectFrom('ledger').select(['kind', 'party', 'amount_minor']).where('ticket_id', '=', ticketId).execute();
    return rows.map((r) => ({ kind: r.kind, party: r.party, amountMinor: Number(r.amount_minor) }));
  }

  /** Sums over the ledger, per currency, for one Space or for all of a host's Spaces. */
  async sums(scope: { spaceId: string } | { hostAccountId: string }): Promise<LedgerSums[]> {
    let query = this.#db
      .selectFrom('ledger')
      .select(['currency', 'kind', (eb) => eb.fn.sum<number>('amount_minor').as('total')])
      .groupBy(['currency', 'kind']);
    query = 'spaceId' in scope ? query.where('space_id', '=', scope.spaceId) : query.where('host_account_id', '=', scope.hostAccountId);
    const rows = await query.execute();
    const byCurrency = new Map<string, Map<LedgerKind, number>>();
    for (const r of rows) {
      const kinds = byCurrency.get(r.currency) ?? new Map<LedgerKind, number>();
      kinds.set(r.kind, Number(r.total));
      byCurrency.set(r.currency, kinds);
    }
    return [...byCurrency].map(([currency, k]) => {
      const of = (kind: LedgerKind) => k.get(kind) ?? 0;
      return {
        currency,
        grossMinor: -of('charge'),
        refundedMinor: of('refund'),
        commissionMinor: of('fee') + of('fee_refund'),
        netMinor: of('payout_due') + of('payout_reversal'),
        balanceMinor: [...k.values()].reduce((a, b) => a + b, 0),
      };
    });
  }

  /** A host's lifetime ticket earnings in a currency (paid minus refunded), from the ledger. */
  async lifetimeEarnings(hostAccountId: string, currency: string): Promise<number> {
    const row = await this.#db
      .selectFrom('ledger')
      .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
      .where('host_account_id', '=', hostAccountId)
      .where('currency', '=', currency)
      .where('party', '=', 'buyer')
      .executeTakeFirst();
    return -Number(row?.total ?? 0);
  }

  /** What the host's tickets now in checkout would add (they count toward the threshold once held). */
  async heldAmount(hostAccountId: string, currency: string): Promise<number> {
    const row = await this.#db
      .selectFrom('tickets')
      .select((eb) => eb.fn.sum<number>('amount_minor').as('total'))
      .where('host_account_id', '=', hostAccountId)
      .where('currency', '=', currency)
      .where('status', '=', 'held')
      .executeTakeFirst();
    return Number(row?.total ?? 0);
  }

  /** Records a provider's event id; false when it was seen before (a duplicate delivery). */
  async firstDelivery(provider: string, eventId: string, type: string, now: number): Promise<boolean> {
    const result = await this.#db
      .insertInto('payment_events')
      .values({ provider, event_id: eventId, type, received_at: now })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
