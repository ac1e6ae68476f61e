// No overselling: 500 buyers, each a separate HTTP client, press Buy at once for 100 tickets, on SQLite
// and on a real PostgreSQL, through the real service. Exactly 100 hold and pay, 400 are told sold out,
// and the ledger balances to the cent. (Throughput: bench/ticket-rush.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/shared/http/client';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { startTestServer, type TestServer } from '../support/server';
import { makeTempDir } from '../support/tempDir';
import { makeBuyers, ticketRush } from '../support/ticketRush';
import { makeAccount, makeSpace } from '../support/tickets';

const BUYERS = 500;
const TICKETS = 100;
const PRICE = 1337; // $13.37: 3 % is 40.11 → 40 ¢

describe.each(['sqlite', 'postgres'] as const)('500 buyers for 100 tickets on %s', (kind) => {
  let ctx: { server: TestServer; dir: ReturnType<typeof makeTempDir>; db?: TestDatabase };

  beforeAll(async () => {
    const dir = makeTempDir(`hostline-rush-${kind}`);
    const db = kind === 'postgres' ? await createTestDatabase() : undefined;
    const server = await startTestServer({ dataDir: dir.path, ...(db ? { database: db.url } : {}) });
    ctx = { server, dir, db };
  }, 60_000);
  afterAll(async () => {
    await ctx.server.close();
    await ctx.db?.drop();
    ctx.dir.remove();
  });

  it('sells exactly 100, tells the other 400 sold out, and the ledger balances to the cent', async () => {
    const store = ctx.server.platform.store;
    const host = await makeAccount(store, 'host');
    const spaceId = await makeSpace(store, host.id, 'The big one');
    const hostApi = new ApiClient({ baseUrl: ctx.server.httpUrl, token: host.secret });
    await hostApi.call('tickets.configure', { params: { spaceId }, body: { currency: 'USD', priceMinor: PRICE, capacity: TICKETS } });
    const buyers = await makeBuyers(store, BUYERS);

    const rush = await ticketRush(ctx.server.httpUrl, spaceId, buyers);
    expect(rush.other).toEqual([]);
    expect(rush.held).toHaveLength(TICKETS);
    expect(new Set(rush.held).size).toBe(TICKETS);
    expect(rush.soldOut).toBe(BUYERS - TICKETS);
    expect(rush.paid).toBe(TICKETS);

    const sales = await hostApi.call('tickets.sales', { params: { spaceId } });
    expect(sales).toMatchObject({ sold: TICKETS, held: 0, left: 0, grossMinor: TICKETS * PRICE, commissionMinor: TICKETS * 40, netMinor: TICKETS * (PRICE - 40) });
    const paidRows = await store.repos.tickets.ticketsOfSpace(spaceId, ['paid', 'held', 'expired', 'refunded']);
    expect(paidRows.filter((t) => t.status === 'paid')).toHaveLength(TICKETS);
    expect(new Set(paidRows.map((t) => t.buyerAccountId)).size).toBe(paidRows.length);
    const [sums] = await store.repos.tickets.sums({ spaceId });
    expect(sums).toEqual({ currency: 'USD', grossMinor: TICKETS * PRICE, refundedMinor: 0, commissionMinor: TICKETS * 40, netMinor: TICKETS * (PRICE - 40), balanceMinor: 0 });
    // One more buyer after the rush: still sold out.
    const late = await makeAccount(store, 'late');
    await expect(new ApiClient({ baseUrl: ctx.server.httpUrl, token: late.secret }).call('tickets.buy', { params: { spaceId }, body: {} })).rejects.toMatchObject({ code: 'sold_out' });
  }, 180_000);
});
