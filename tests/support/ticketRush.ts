// The on-sale moment: many buyers, each a separate HTTP client (its own connection), press Buy for the
// same Space at once through the real HTTP API; the winners then pay with test payments. Used by the
// overselling test and by bench/ticket-rush.ts.
import { Agent, request } from 'node:http';
import type { Store } from '../../src/server/store/Store';
import { makeAccount } from './tickets';

export interface RushResult {
  held: string[];
  soldOut: number;
  /** Any other answer (should be none). */
  other: Array<{ status: number; body: string }>;
  /** From the first Buy sent to the last answer, ms. */
  buyMs: number;
  paid: number;
  payMs: number;
}

/** One request on a connection of its own (a separate client, as 500 people's browsers are). */
function post(baseUrl: string, path: string, secret: string, body: unknown): Promise<{ status: number; body: string }> {
  const url = new URL(path, baseUrl);
  const payload = JSON.stringify(body);
  const agent = new Agent({ keepAlive: false, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${secret}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          agent.destroy();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', (error) => {
      agent.destroy();
      reject(error);
    });
    req.end(payload);
  });
}

export async function makeBuyers(store: Store, count: number): Promise<Array<{ id: string; secret: string }>> {
  const buyers: Array<{ id: string; secret: string }> = [];
  for (let i = 0; i < count; i++) buyers.push(await makeAccount(store, `buyer${i}`));
  return buyers;
}

export async function ticketRush(baseUrl: string, spaceId: string, buyers: ReadonlyArray<{ secret: string }>): Promise<RushResult> {
  const started = performance.now();
  const answers = await Promise.all(buyers.map((b) => post(baseUrl, `/api/spaces/${spaceId}/tickets`, b.secret, {})));
  const buyMs = performance.now() - started;
  const held: Array<{ id: string; secret: string }> = [];
  let soldOut = 0;
  const other: RushResult['other'] = [];
  answers.forEach((a, i) => {
    if (a.status === 200) held.push({ id: (JSON.parse(a.body) as { id: string }).id, secret: buyers[i]!.secret });
    else if (a.status === 409 && (JSON.parse(a.body) as { error: { code: string } }).error.code === 'sold_out') soldOut++;
    else other.push(a);
  });
  const payStarted = performance.now();
  const payments = await Promise.all(held.map((h) => post(baseUrl, `/api/tickets/${h.id}/test-checkout`, h.secret, { action: 'pay' })));
  const payMs = performance.now() - payStarted;
  for (const p of payments) if (p.status !== 200) other.push(p);
  return { held: held.map((h) => h.id), soldOut, other, buyMs, paid: payments.filter((p) => p.status === 200).length, payMs };
}
