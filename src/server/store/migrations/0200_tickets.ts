// Ticketed Spaces (issue 12): what a Space sells, every ticket, the ledger of money movements, and the
// payment events already applied. Amounts are integer minor units of the ticket's currency, never floats.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ticketings')
    /** The Space on sale (spaces.id; a scheduled Space's row is the live one). */
    .addColumn('space_id', 'text', (c) => c.primaryKey())
    .addColumn('host_account_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    /** ISO 4217, upper case. */
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('price_minor', 'integer', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    /** No sales after this moment (ms); null: until the Space ends. */
    .addColumn('sales_end_at', 'bigint')
    /** 'on_sale', 'closed' (the Space ended) or 'cancelled' (every ticket refunded). */
    .addColumn('status', 'text', (c) => c.notNull())
    /** Bumped by every hold: the row lock that serialises the seat count on PostgreSQL. */
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticketings_by_host').on('ticketings').column('host_account_id').execute();

  await db.schema
    .createTable('ticket_hosts')
    .addColumn('host_account_id', 'text', (c) => c.primaryKey())
    /** The host's Stripe connected account (destination charges); null with test payments. */
    .addColumn('connected_account', 'text')
    /** Bumped when a commission is fixed: serialises the lifetime-earnings threshold per host. */
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('space_id', 'text', (c) => c.notNull().references('ticketings.space_id'))
    .addColumn('host_account_id', 'text', (c) => c.notNull())
    .addColumn('buyer_account_id', 'text', (c) => c.notNull())
    /** 'held' (in checkout), 'paid', 'expired' or 'refunded'. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    /** The platform's commission, fixed when the ticket is held (checkout needs it up front). */
    .addColumn('fee_minor', 'integer', (c) => c.notNull())
    /** 'test' or 'stripe'. */
    .addColumn('provider', 'text', (c) => c.notNull())
    /** The provider's checkout (Stripe Checkout Session id). */
    .addColumn('checkout_id', 'text')
    /** Where the buyer pays (shown again if they press Buy twice while it is open). */
    .addColumn('checkout_url', 'text')
    /** The provider's payment (Stripe PaymentIntent id), once paid. */
    .addColumn('payment_ref', 'text')
    .addColumn('held_until', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    /** Why it was refunded: 'host', 'cancelled', 'never_started', 'oversold', 'provider'. */
    .addColumn('refund_reason', 'text')
    .execute();
  await db.schema.createIndex('tickets_by_space').on('tickets').columns(['space_id', 'status']).execute();
  await db.schema.createIndex('tickets_by_buyer').on('tickets').columns(['buyer_account_id', 'space_id']).execute();
  await db.schema.createIndex('tickets_by_checkout').on('tickets').column('checkout_id').execute();
  // One live ticket (in checkout or paid) per person per Space: a second buy finds the first.
  await db.schema
    .createIndex('tickets_one_live_per_buyer')
    .on('tickets')
    .columns(['space_id', 'buyer_account_id'])
    .unique()
    .where(sql<boolean>`status in ('held', 'paid')`)
    .execute();

  await db.schema
    .createTable('ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
    .addColumn('space_id', 'text', (c) => c.notNull())
    .addColumn('host_account_id', 'text', (c) => c.notNull())
    /** 'charge', 'fee', 'payout_due', 'refund', 'fee_refund', 'payout_reversal'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** Whose balance moves: 'buyer', 'platform' or 'host'. Each movement's rows sum to zero. */
    .addColumn('party', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    /** Signed minor units: what the party's balance changes by. */
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Each kind of movement happens once per ticket: a replayed event cannot charge or refund twice.
    .addUniqueConstraint('ledger_once_per_ticket', ['ticket_id', 'kind'])
    .execute();
  await db.schema.createIndex('ledger_by_host').on('ledger').columns(['host_account_id', 'currency']).execute();
  await db.schema.createIndex('ledger_by_space').on('ledger').column('space_id').execute();

  await db.schema
    .createTable('payment_events')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('payment_events_pk', ['provider', 'event_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('payment_events').execute();
  await db.schema.dropTable('ledger').execute();
  await db.schema.dropTable('tickets').execute();
  await db.schema.dropTable('ticket_hosts').execute();
  await db.schema.dropTable('ticketings').execute();
}
