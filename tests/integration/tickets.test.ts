// The TicketService on both databases with test payments: holds, paid, expired, refunded, the ledger
// (double entry: every movement sums to zero), figures as sums over it, cancel refunds with mail, and
// bad input refused with nothing changed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/http/errors';
import { Logger } from '../../src/server/logger';
import { Mailer } from '../../src/server/mail/Mailer';
import type { Store } from '../../src/server/store/Store';
import { TestPayments } from '../../src/server/tickets/payments/TestPayments';
import { TicketService } from '../../src/server/tickets/TicketService';
import { openTestStore, STORE_KINDS } from '../support/store';
import { makeAccount, makeSpace } from '../support/tickets';

const T0 = 1_800_000_000_000;

describe.each(STORE_KINDS)('tickets on %s', (kind) => {
  let ctx: { store: Store; cleanup(): Promise<void>; tickets: TicketService; clock: { now: number }; mailer: Mailer; hostId: string; spaceId: string };

  beforeEach(async () => {
    const opened = await openTestStore(kind);
    const clock = { now: T0 };
    const logger = new Logger('error', { service: 'test' }, () => undefined);
    const mailer = new Mailer({ from: 'Hostline <no-reply@localhost>', logger, dataDir: opened.place.dir, smtpUrl: undefined });
    const tickets = new TicketService({
      store: opened.store,
      provider: new TestPayments(() => 'http://hostline.test'),
      mailer,
      logger,
      now: () => clock.now,
      link: (p) => `http://hostline.test${p}`,
      rules: { holdMs: 10 * 60_000 },
    });
    const host = await makeAccount(opened.store, 'host', T0);
    const spaceId = await makeSpace(opened.store, host.id, 'Night show', T0);
    ctx = { store: opened.store, cleanup: opened.cleanup, tickets, clock, mailer, hostId: host.id, spaceId };
  });
  afterEach(async () => {
    ctx.mailer.close();
    await ctx.cleanup();
  });

  const expectLedgerBalanced = async () => {
    for (const sums of await ctx.store.repos.tickets.sums({ spaceId: ctx.spaceId })) {
      expect(sums.balanceMinor).toBe(0);
      expect(sums.grossMinor - sums.refundedMinor).toBe(sums.commissionMinor + sums.netMinor);
    }
  };

  it('a host tickets their Space; a buyer holds, pays, and the figures are sums over the ledger', async () => {
    const offer = await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 1499, capacity: 2 });
    expect(offer).toMatchObject({ priceMinor: 1499, currency: 'USD', capacity: 2, left: 2, onSale: true, payments: { provider: 'test' } });
    const buyer = await makeAccount(ctx.store, 'ada', T0);
    const held = await ctx.tickets.buy(buyer.id, ctx.spaceId);
    expect(held).toMatchObject({ status: 'held', amountMinor: 1499, heldUntil: T0 + 600_000, checkoutUrl: `http://hostline.test/tickets/checkout/${held.id}` });
    expect((await ctx.tickets.offer(ctx.spaceId, buyer.id)).left).toBe(1);
    // Pressing Buy again is the same ticket, not a second seat.
    expect((await ctx.tickets.buy(buyer.id, ctx.spaceId)).id).toBe(held.id);
    expect(await ctx.tickets.admits(ctx.spaceId, buyer.id)).toBe(false);

    const paid = await ctx.tickets.testCheckout(buyer.id, held.id, 'pay');
    expect(paid.status).toBe('paid');
    expect(await ctx.tickets.admits(ctx.spaceId, buyer.id)).toBe(true);
    // Paying twice changes nothing.
    await expect(ctx.tickets.testCheckout(buyer.id, held.id, 'pay')).rejects.toMatchObject({ code: 'conflict' });
    // 3 % of 1499 ¢ = 44.97 → 45 ¢.
    expect(await ctx.tickets.sales(ctx.hostId, ctx.spaceId)).toMatchObject({ sold: 1, held: 0, left: 1, grossMinor: 1499, commissionMinor: 45, netMinor: 1454, refundedMinor: 0 });
    expect(await ctx.store.repos.tickets.entriesOf(held.id)).toEqual(
      expect.arrayContaining([
        { kind: 'charge', party: 'buyer', amountMinor: -1499 },
        { kind: 'fee', party: 'platform', amountMinor: 45 },
        { kind: 'payout_due', party: 'host', amountMinor: 1454 },
      ]),
    );
    await expectLedgerBalanced();
  });

  it('sells out: the last seat goes to one buyer, the next is told sold out with nothing written', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'EUR', priceMinor: 500, capacity: 1 });
    const a = await makeAccount(ctx.store, 'a', T0);
    const b = await makeAccount(ctx.store, 'b', T0);
    await ctx.tickets.buy(a.id, ctx.spaceId);
    await expect(ctx.tickets.buy(b.id, ctx.spaceId)).rejects.toMatchObject({ code: 'sold_out' });
    expect(await ctx.store.repos.tickets.ticketsOfBuyer(b.id)).toEqual([]);
  });

  it('an expired hold returns its seat to the next buyer, and its late payment is refused', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 1 });
    const a = await makeAccount(ctx.store, 'a', T0);
    const b = await makeAccount(ctx.store, 'b', T0);
    const first = await ctx.tickets.buy(a.id, ctx.spaceId);
    ctx.clock.now += 10 * 60_000 + 1;
    expect(await ctx.tickets.sweep()).toBe(1);
    expect((await ctx.tickets.ticketOf(a.id, first.id)).status).toBe('expired');
    expect((await ctx.tickets.offer(ctx.spaceId, undefined)).left).toBe(1);
    const second = await ctx.tickets.buy(b.id, ctx.spaceId);
    expect(second.status).toBe('held');
    await expect(ctx.tickets.testCheckout(a.id, first.id, 'pay')).rejects.toMatchObject({ code: 'conflict' });
    expect(await ctx.store.repos.tickets.entriesOf(first.id)).toEqual([]);
  });

  it('a hold past its time is released by the next buyer even before the sweeper runs', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 1 });
    const a = await makeAccount(ctx.store, 'a', T0);
    const b = await makeAccount(ctx.store, 'b', T0);
    await ctx.tickets.buy(a.id, ctx.spaceId);
    ctx.clock.now += 10 * 60_000;
    expect((await ctx.tickets.buy(b.id, ctx.spaceId)).status).toBe('held');
  });

  it('the host refunds one buyer: money back, commission returned, the seat free again, once', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 2001, capacity: 5 });
    const a = await makeAccount(ctx.store, 'a', T0);
    const t = await ctx.tickets.buy(a.id, ctx.spaceId);
    await ctx.tickets.testCheckout(a.id, t.id, 'pay');
    const refunded = await ctx.tickets.refundOne(ctx.hostId, t.id);
    expect(refunded.status).toBe('refunded');
    await expect(ctx.tickets.refundOne(ctx.hostId, t.id)).rejects.toMatchObject({ code: 'conflict' });
    const other = await makeAccount(ctx.store, 'o', T0);
    await expect(ctx.tickets.refundOne(other.id, t.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await ctx.tickets.sales(ctx.hostId, ctx.spaceId)).toMatchObject({ sold: 0, left: 5, refunds: 1, grossMinor: 2001, refundedMinor: 2001, commissionMinor: 0, netMinor: 0 });
    expect(await ctx.tickets.admits(ctx.spaceId, a.id)).toBe(false);
    await expectLedgerBalanced();
  });

  it('cancelling refunds every ticket, ends holds, mails each holder and stops sales', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 999, capacity: 10 });
    const buyers = await Promise.all(['p', 'q', 'r'].map((n) => makeAccount(ctx.store, n, T0)));
    for (const b of buyers.slice(0, 2)) await ctx.tickets.testCheckout(b.id, (await ctx.tickets.buy(b.id, ctx.spaceId)).id, 'pay');
    const holding = await ctx.tickets.buy(buyers[2]!.id, ctx.spaceId);
    expect(await ctx.tickets.cancel(ctx.hostId, ctx.spaceId)).toEqual({ refunded: 2 });
    expect((await ctx.tickets.ticketOf(buyers[2]!.id, holding.id)).status).toBe('expired');
    const mail = ctx.mailer.recent();
    expect(mail.map((m) => m.to).sort()).toEqual([buyers[0]!.email, buyers[1]!.email].sort());
    expect(mail[0]!.text).toMatch(/Night show.*cancelled.*USD 9\.99.*refunded/s);
    await expect(ctx.tickets.buy(buyers[2]!.id, ctx.spaceId)).rejects.toMatchObject({ code: 'conflict' });
    expect(await ctx.tickets.sales(ctx.hostId, ctx.spaceId)).toMatchObject({ sold: 0, refunds: 2, grossMinor: 1998, refundedMinor: 1998, netMinor: 0 });
    await expectLedgerBalanced();
  });

  it('a Space that ends without starting refunds its tickets by the default policy', async () => {
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 300, capacity: 3 });
    const a = await makeAccount(ctx.store, 'a', T0);
    await ctx.tickets.testCheckout(a.id, (await ctx.tickets.buy(a.id, ctx.spaceId)).id, 'pay');
    await ctx.tickets.spaceEnded(ctx.spaceId, false);
    expect((await ctx.tickets.sales(ctx.hostId, ctx.spaceId)).refunds).toBe(1);
  });

  it('the commission crosses the threshold inside one purchase, counted from the ledger', async () => {
    const tickets = new TicketService({
      store: ctx.store,
      provider: new TestPayments(() => 'http://hostline.test'),
      logger: new Logger('error', {}, () => undefined),
      now: () => ctx.clock.now,
      link: (p) => p,
      // A $20.00 threshold keeps the test small: same rule as $50,000.
      rules: { commission: { lowRateBp: 300, highRateBp: 2000, thresholdMinor: 2000 } },
    });
    await tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 1500, capacity: 3 });
    const fees: number[] = [];
    for (const n of ['x', 'y', 'z']) {
      const b = await makeAccount(ctx.store, n, T0);
      const t = await tickets.buy(b.id, ctx.spaceId);
      await tickets.testCheckout(b.id, t.id, 'pay');
      fees.push((await ctx.store.repos.tickets.ticket(t.id))!.feeMinor);
    }
    // 1st: 1500 at 3 % = 45. 2nd: 500 at 3 % + 1000 at 20 % = 15 + 200 = 215. 3rd: 1500 at 20 % = 300.
    expect(fees).toEqual([45, 215, 300]);
    expect(await tickets.sales(ctx.hostId, ctx.spaceId)).toMatchObject({ grossMinor: 4500, commissionMinor: 560, netMinor: 3940 });
  });

  it('refuses bad offers and strangers, changing nothing', async () => {
    const stranger = await makeAccount(ctx.store, 's', T0);
    await expect(ctx.tickets.configure(stranger.id, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 5 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 99, capacity: 5 })).rejects.toThrow(/from USD 1\.00 to USD 999\.00/);
    await expect(ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 100_000, capacity: 5 })).rejects.toBeInstanceOf(ApiError);
    await expect(ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 5, salesEndAt: T0 - 1 })).rejects.toMatchObject({ field: 'salesEndAt' });
    expect(await ctx.store.repos.tickets.ticketing(ctx.spaceId)).toBeUndefined();
    await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 5 });
    await expect(ctx.tickets.buy(ctx.hostId, ctx.spaceId)).rejects.toThrow(/hosts need no ticket/);
    const a = await makeAccount(ctx.store, 'a', T0);
    await ctx.tickets.testCheckout(a.id, (await ctx.tickets.buy(a.id, ctx.spaceId)).id, 'pay');
    // Once sold, the price is fixed and the capacity cannot drop below what is sold.
    await expect(ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 600, capacity: 5 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 0 })).rejects.toMatchObject({ code: 'conflict' });
    expect((await ctx.tickets.configure(ctx.hostId, ctx.spaceId, { currency: 'USD', priceMinor: 500, capacity: 9 })).capacity).toBe(9);
  });
});
