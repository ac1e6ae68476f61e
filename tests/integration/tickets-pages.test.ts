// The ticket pages and the CSV statement through the real service: the test-payments checkout is the
// buyer's alone and says no money moves; the statement lists each Space and the totals from the ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/shared/http/client';
import { startTestServer, type TestServer } from '../support/server';
import { makeAccount, makeSpace } from '../support/tickets';

describe('ticket pages and the earnings CSV', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('the checkout page is the buyer’s, labelled test payments, and its Pay completes the ticket; the CSV sums the ledger', async () => {
    const store = server.platform.store;
    const host = await makeAccount(store, 'host');
    const spaceId = await makeSpace(store, host.id, '=Q&A, "live"');
    const hostApi = new ApiClient({ baseUrl: server.httpUrl, token: host.secret });
    await hostApi.call('tickets.configure', { params: { spaceId }, body: { currency: 'USD', priceMinor: 1337, capacity: 5 } });
    const ada = await makeAccount(store, 'ada');
    const ticket = await new ApiClient({ baseUrl: server.httpUrl, token: ada.secret }).call('tickets.buy', { params: { spaceId }, body: {} });
    const checkoutPath = new URL(ticket.checkoutUrl!).pathname;

    const signedOut = await fetch(`${server.httpUrl}${checkoutPath}`, { redirect: 'manual' });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get('location')).toBe(`/signin?next=${encodeURIComponent(checkoutPath)}`);
    const stranger = await makeAccount(store, 'bo');
    expect((await fetch(`${server.httpUrl}${checkoutPath}`, { headers: { cookie: `hostline_session=${stranger.secret}` } })).status).toBe(404);
    const page = await fetch(`${server.httpUrl}${checkoutPath}`, { headers: { authorization: `Bearer ${ada.secret}` } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Test payments: no money moves');
    expect(html).toContain('USD 13.37');
    expect(html).toContain('=Q&#38;A, &#34;live&#34;');

    await new ApiClient({ baseUrl: server.httpUrl, token: ada.secret }).call('tickets.testCheckout', { params: { ticketId: ticket.id }, body: { action: 'pay' } });
    const after = await (await fetch(`${server.httpUrl}/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${ada.secret}` } })).text();
    expect(after).toContain('paid: it opens the Space');

    expect((await fetch(`${server.httpUrl}/earnings.csv`)).status).toBe(401);
    const csv = await fetch(`${server.httpUrl}/earnings.csv`, { headers: { authorization: `Bearer ${host.secret}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')).toEqual([
      'space_id,title,currency,price,capacity,sold,in_checkout,refunds,gross,refunded,commission,net',
      `${spaceId},"'=Q&A, ""live""",USD,13.37,5,1,0,0,13.37,0.00,0.40,12.97`,
      'TOTAL,,USD,,,,,,13.37,0.00,0.40,12.97',
      '',
    ]);
  });
});
