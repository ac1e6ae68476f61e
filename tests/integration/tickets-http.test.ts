// Bad input to the ticket routes gets a clear error and changes nothing: malformed bodies and paths,
// amounts that are not whole cents, unknown currencies, signed-out and cross-site requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import { makeAccount, makeSpace } from '../support/tickets';

describe('ticket routes refuse bad input', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers each bad request with its error and leaves no offer or ticket behind', async () => {
    const store = server.platform.store;
    const host = await makeAccount(store, 'host');
    const spaceId = await makeSpace(store, host.id);
    const send = (method: string, path: string, body: string | undefined, headers: Record<string, string> = {}) =>
      fetch(`${server.httpUrl}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${host.secret}`, ...headers }, body }).then(async (r) => ({ status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code }));
    const offer = `/api/spaces/${spaceId}/tickets/offer`;
    const bad: Array<[string, string, string | undefined, Record<string, string>?]> = [
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 12.5, capacity: 10 })],
      ['PUT', offer, JSON.stringify({ currency: 'XYZ', priceMinor: 1250, capacity: 10 })],
      ['PUT', offer, JSON.stringify({ currency: 'usd', priceMinor: 1250, capacity: 10 })],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: '1250', capacity: 10 })],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: -1 })],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10, fee: 0 })],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1e20, capacity: 10 })],
      ['PUT', offer, '{"currency":'],
      ['PUT', offer, JSON.stringify([1, 2])],
      ['PUT', '/api/spaces/..%2F..%2Fetc/tickets/offer', JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10 })],
      ['PUT', `/api/spaces/${'x'.repeat(65)}/tickets/offer`, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10 })],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10 }), { 'content-type': 'text/plain' }],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10 }), { authorization: '' }],
      ['PUT', offer, JSON.stringify({ currency: 'USD', priceMinor: 1250, capacity: 10 }), { authorization: '', cookie: `hostline_session=${host.secret}`, origin: 'https://evil.example' }],
      ['POST', `/api/tickets/nope/test-checkout`, JSON.stringify({ action: 'steal' })],
      ['POST', `/api/spaces/${spaceId}/tickets`, JSON.stringify({ quantity: 5 })],
    ];
    const answers = [];
    for (const [method, path, body, headers] of bad) answers.push(await send(method, path, body, headers));
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 415, 401, 403, 400, 400]);
    expect(answers[7]!.code).toBe('bad_json');
    expect(await store.repos.tickets.ticketing(spaceId)).toBeUndefined();
    // Buying from a Space that sells nothing, refunding a ticket that is not there.
    expect(await send('POST', `/api/spaces/${spaceId}/tickets`, '{}')).toEqual({ status: 404, code: 'not_found' });
    expect(await send('POST', `/api/tickets/tkt_missing/refund`, '{}')).toEqual({ status: 404, code: 'not_found' });
    expect(await send('GET', `/api/spaces/${spaceId}/tickets/sales`, undefined)).toEqual({ status: 404, code: 'not_found' });
    expect(await store.repos.tickets.ticketsOfBuyer(host.id)).toEqual([]);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});
