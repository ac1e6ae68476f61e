// Stripe payments through the real `stripe` SDK against a local stand-in for its API (Stripe cannot be
// reached from here), and webhooks signed with the SDK's own helper, POSTed to the real service:
// duplicates, reordering, a forged signature, expiry returning the seat, refunds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/shared/http/client';
import { startTestServer, type TestServer } from '../support/server';
import { paidSession, signedEvent, startStripeStandIn, type StripeStandIn } from '../support/stripeStandIn';
import { makeAccount, makeSpace } from '../support/tickets';

const WEBHOOK_SECRET = 'whsec_test_hostline_webhooks';

describe('Stripe payments', () => {
  let ctx: { server: TestServer; stripe: StripeStandIn; hostId: string; host: ApiClient; spaceId: string };

  beforeEach(async () => {
    const stripe = await startStripeStandIn();
    const server = await startTestServer({ payments: 'stripe', stripeSecretKey: 'sk_test_hostline', stripeWebhookSecret: WEBHOOK_SECRET, stripeApiUrl: stripe.url, ticketHoldMinutes: 30 });
    const store = server.platform.store;
    const host = await makeAccount(store, 'host');
    await server.platform.tickets.setConnectedAccount(host.id, 'acct_test_host');
    const spaceId = await makeSpace(store, host.id, 'Stripe show');
    const hostApi = new ApiClient({ baseUrl: server.httpUrl, token: host.secret });
    await hostApi.call('tickets.configure', { params: { spaceId }, body: { currency: 'USD', priceMinor: 2500, capacity: 2 } });
    ctx = { server, stripe, hostId: host.id, host: hostApi, spaceId };
  });
  afterEach(async () => {
    await ctx.server.close();
    await ctx.stripe.close();
  });

  const buyer = async (name: string) => {
    const account = await makeAccount(ctx.server.platform.store, name);
    return { ...account, api: new ApiClient({ baseUrl: ctx.server.httpUrl, token: account.secret }) };
  };
  const deliver = async (e: { body: string; signature: string }) => {
    const response = await fetch(`${ctx.server.httpUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': e.signature }, body: e.body });
    return { status: response.status, body: (await response.json()) as { outcome?: string; error?: { code: string } } };
  };
  const ledgerOf = (ticketId: string) => ctx.server.platform.store.repos.tickets.entriesOf(ticketId);
  const sales = () => ctx.host.call('tickets.sales', { params: { spaceId: ctx.spaceId } });

  it('buying opens a Checkout Session with the hold’s expiry, the commission as application fee to the host’s account, and an idempotency key', async () => {
    const ada = await buyer('ada');
    const before = Date.now();
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    expect(ticket.status).toBe('held');
    const create = ctx.stripe.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(create.idempotencyKey).toBe(`checkout-${ticket.id}`);
    expect(create.params.get('client_reference_id')).toBe(ticket.id);
    expect(create.params.get('line_items[0][price_data][unit_amount]')).toBe('2500');
    expect(create.params.get('line_items[0][price_data][currency]')).toBe('usd');
    expect(create.params.get('payment_intent_data[application_fee_amount]')).toBe('75');
    expect(create.params.get('payment_intent_data[transfer_data][destination]')).toBe('acct_test_host');
    const expiresAt = Number(create.params.get('expires_at')) * 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 30 * 60_000 - 1000);
    expect(ticket.checkoutUrl).toMatch(new RegExp(`^${ctx.stripe.url}/pay/cs_test_`));
    expect((await sales())).toMatchObject({ sold: 0, held: 1, left: 1 });
  });

  it('a paid webhook makes the ticket paid once: a redelivery of the same event changes nothing', async () => {
    const ada = await buyer('ada');
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    const session = [...ctx.stripe.sessions.values()][0]!;
    const paid = signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_test_1'));
    expect(await deliver(paid)).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });
    expect((await ada.api.call('tickets.get', { params: { ticketId: ticket.id } })).status).toBe('paid');
    const ledger = await ledgerOf(ticket.id);
    // The same event again (Stripe retries), re-signed as a retry is.
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_test_1'), paid.eventId))).body.outcome).toBe('duplicate');
    expect(await ledgerOf(ticket.id)).toEqual(ledger);
    expect(await sales()).toMatchObject({ sold: 1, grossMinor: 2500, commissionMinor: 75, netMinor: 2425 });
  });

  it('a forged signature is refused with 400 and changes nothing; the genuine event still applies after', async () => {
    const ada = await buyer('ada');
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    const session = [...ctx.stripe.sessions.values()][0]!;
    const forged = signedEvent('whsec_someone_else', 'checkout.session.completed', paidSession(session, 'pi_forged'));
    expect(await deliver(forged)).toMatchObject({ status: 400, body: { error: { code: 'bad_signature' } } });
    // Tampered body under a genuine signature.
    const genuine = signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_real'), forged.eventId);
    expect((await deliver({ body: genuine.body.replace('pi_real', 'pi_evil'), signature: genuine.signature })).status).toBe(400);
    // Too old (outside the 300 s tolerance), and no signature at all.
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_real'), undefined, Math.floor(Date.now() / 1000) - 600))).status).toBe(400);
    expect((await deliver({ body: genuine.body, signature: '' })).status).toBe(400);
    expect((await ada.api.call('tickets.get', { params: { ticketId: ticket.id } })).status).toBe('held');
    expect(await ledgerOf(ticket.id)).toEqual([]);
    expect((await deliver(genuine)).body.outcome).toBe('applied');
    expect((await ada.api.call('tickets.get', { params: { ticketId: ticket.id } })).status).toBe('paid');
  });

  it('checkout.session.expired returns the seat to the next buyer', async () => {
    const [ada, bo, cy] = await Promise.all([buyer('ada'), buyer('bo'), buyer('cy')]);
    const first = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    await bo.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    await expect(cy.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} })).rejects.toMatchObject({ code: 'sold_out' });
    const session = [...ctx.stripe.sessions.values()].find((s) => s.client_reference_id === first.id)!;
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.expired', { ...session, status: 'expired' }))).body.outcome).toBe('applied');
    expect((await ada.api.call('tickets.get', { params: { ticketId: first.id } })).status).toBe('expired');
    expect((await cy.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} })).status).toBe('held');
  });

  it('a payment that arrives before the checkout create has answered still lands on its ticket', async () => {
    const ada = await buyer('ada');
    let outcome: string | undefined;
    ctx.stripe.onCheckoutCreated = async (session) => {
      outcome = (await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_early')))).body.outcome;
    };
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    expect(outcome).toBe('applied');
    expect(ticket.status).toBe('paid');
    expect(await sales()).toMatchObject({ sold: 1, held: 0, grossMinor: 2500 });
  });

  it('a refund reported before its payment records both; the late payment event changes nothing; the ledger balances', async () => {
    const ada = await buyer('ada');
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    const session = [...ctx.stripe.sessions.values()][0]!;
    const refund = { id: 're_test_x', object: 'refund', status: 'succeeded', amount: 2500, payment_intent: 'pi_test_9', metadata: { ticketId: ticket.id } };
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'refund.created', refund))).body.outcome).toBe('applied');
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_test_9')))).body.outcome).toBe('no_change');
    expect((await ada.api.call('tickets.get', { params: { ticketId: ticket.id } })).status).toBe('refunded');
    expect(await sales()).toMatchObject({ sold: 0, refunds: 1, grossMinor: 2500, refundedMinor: 2500, commissionMinor: 0, netMinor: 0 });
    const [sums] = await ctx.server.platform.store.repos.tickets.sums({ spaceId: ctx.spaceId });
    expect(sums!.balanceMinor).toBe(0);
  });

  it('the host refunds a buyer through the Refunds API (fee and transfer returned, idempotent); Stripe’s own notice of it changes nothing', async () => {
    const ada = await buyer('ada');
    const ticket = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    const session = [...ctx.stripe.sessions.values()][0]!;
    await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(session, 'pi_test_r')));
    const refunded = await ctx.host.call('tickets.refund', { params: { ticketId: ticket.id }, body: {} });
    expect(refunded.status).toBe('refunded');
    const call = ctx.stripe.requests.find((r) => r.path === '/v1/refunds')!;
    expect(call.idempotencyKey).toBe(`refund-${ticket.id}`);
    expect(Object.fromEntries(call.params)).toMatchObject({ payment_intent: 'pi_test_r', amount: '2500', refund_application_fee: 'true', reverse_transfer: 'true' });
    const notice = { id: 're_x', object: 'refund', status: 'succeeded', amount: 2500, payment_intent: 'pi_test_r', metadata: { ticketId: ticket.id } };
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'refund.updated', notice))).body.outcome).toBe('no_change');
    expect(await sales()).toMatchObject({ sold: 0, refunds: 1, refundedMinor: 2500, netMinor: 0, commissionMinor: 0 });
    // A buyer cannot refund; a second refund is refused.
    await expect(ada.api.call('tickets.refund', { params: { ticketId: ticket.id }, body: {} })).rejects.toMatchObject({ code: 'not_found' });
    await expect(ctx.host.call('tickets.refund', { params: { ticketId: ticket.id }, body: {} })).rejects.toMatchObject({ code: 'conflict' });
    expect(ctx.stripe.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);
  });

  it('a payment for a hold that expired after its seat was resold is refunded at once: never oversold', async () => {
    const [ada, bo, cy] = await Promise.all([buyer('ada'), buyer('bo'), buyer('cy')]);
    const late = await ada.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    await bo.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    const lateSession = [...ctx.stripe.sessions.values()].find((s) => s.client_reference_id === late.id)!;
    await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.expired', lateSession));
    await cy.api.call('tickets.buy', { params: { spaceId: ctx.spaceId }, body: {} });
    expect((await deliver(signedEvent(WEBHOOK_SECRET, 'checkout.session.completed', paidSession(lateSession, 'pi_late')))).body.outcome).toBe('refunded_oversold');
    expect((await ada.api.call('tickets.get', { params: { ticketId: late.id } })).status).toBe('refunded');
    expect(ctx.stripe.requests.filter((r) => r.path === '/v1/refunds').map((r) => r.params.get('payment_intent'))).toEqual(['pi_late']);
    expect(await sales()).toMatchObject({ sold: 0, held: 2, left: 0, refundedMinor: 2500, netMinor: 0 });
  });

  it('the webhook refuses other methods and oversized bodies without a crash', async () => {
    expect((await fetch(`${ctx.server.httpUrl}/webhooks/stripe`)).status).toBe(405);
    const big = await fetch(`${ctx.server.httpUrl}/webhooks/stripe`, { method: 'POST', body: 'x'.repeat(600 * 1024), headers: { 'stripe-signature': 't=1,v1=00' } });
    expect(big.status).toBe(413);
    expect((await fetch(`${ctx.server.httpUrl}/healthz`)).status).toBe(200);
  });
});
