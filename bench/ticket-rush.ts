// Benchmark: the on-sale moment. BUYERS buyers, each a separate HTTP client (its own TCP connection),
// press Buy at once for TICKETS tickets through the real service (HTTP API → TicketService → the store),
// then the winners pay with test payments; on SQLite (WAL file) and PostgreSQL (loopback). Prints the
// throughput of both phases, checks nothing was oversold and the ledger balances, and the load average.
// Run: npm run bench:tickets (figures in docs/PERFORMANCE.md)
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/server/config';
import { Logger } from '../src/server/logger';
import { startServer } from '../src/server/server';
import { ApiClient } from '../src/shared/http/client';
import { createTestDatabase } from '../tests/support/postgres';
import { TEST_RATE_LIMITS } from '../tests/support/server';
import { makeTempDir } from '../tests/support/tempDir';
import { makeBuyers, ticketRush } from '../tests/support/ticketRush';
import { makeAccount, makeSpace } from '../tests/support/tickets';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 500);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function measure(kind: 'sqlite' | 'postgres') {
  const dir = makeTempDir(`hostline-bench-rush-${kind}`);
  const db = kind === 'postgres' ? await createTestDatabase() : undefined;
  const server = await startServer(
    { ...defaultConfig(), port: 0, workers: 1, rtcPort: 0, logLevel: 'error', dataDir: dir.path, staticDir: join(dir.path, 'none'), ...(db ? { database: db.url } : {}) },
    { logger: new Logger('error', {}, () => undefined), rateLimits: TEST_RATE_LIMITS },
  );
  try {
    const store = server.platform.store;
    for (let round = 1; round <= ROUNDS; round++) {
      const host = await makeAccount(store, 'host');
      const spaceId = await makeSpace(store, host.id, `Rush ${round}`);
      const hostApi = new ApiClient({ baseUrl: server.httpUrl, token: host.secret });
      await hostApi.call('tickets.configure', { params: { spaceId }, body: { currency: 'USD', priceMinor: 1337, capacity: TICKETS } });
      const buyers = await makeBuyers(store, BUYERS);
      const load = loadavg()[0]!.toFixed(2);
      const rush = await ticketRush(server.httpUrl, spaceId, buyers);
      const sales = await hostApi.call('tickets.sales', { params: { spaceId } });
      const [sums] = await store.repos.tickets.sums({ spaceId });
      const ok = rush.held.length === TICKETS && rush.soldOut === BUYERS - TICKETS && rush.other.length === 0 && sales.sold === TICKETS && sums?.balanceMinor === 0;
      console.log(
        `${kind.padEnd(8)} round ${round}: ${BUYERS} buys in ${rush.buyMs.toFixed(0)} ms = ${((BUYERS / rush.buyMs) * 1000).toFixed(0)} buys/s; ` +
          `${rush.paid} payments in ${rush.payMs.toFixed(0)} ms = ${((rush.paid / rush.payMs) * 1000).toFixed(0)} payments/s; ` +
          `sold ${sales.sold}, sold out ${rush.soldOut}, other ${rush.other.length}, ledger balance ${sums?.balanceMinor} ¢ ${ok ? 'OK' : 'FAILED'} (load ${load})`,
      );
      if (!ok) process.exitCode = 1;
    }
  } finally {
    await server.close();
    await db?.drop();
    dir.remove();
  }
}

console.log(`ticket rush: ${BUYERS} buyers for ${TICKETS} tickets, ${ROUNDS} rounds; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await measure('sqlite');
await measure('postgres');
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
