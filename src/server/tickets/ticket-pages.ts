// The ticket pages the service serves itself (plain HTML, no build step): the test-payments checkout at
// /tickets/checkout/<ticket> (clearly labelled: no money moves), the page a buyer returns to at
// /tickets/<ticket>, and the host's earnings statement as CSV at /earnings.csv. Each needs the signed-in
// account the ticket or statement belongs to (session cookie, or a Bearer token for the CSV).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatMoney, type Statement, type TicketView } from '../../shared/tickets.js';
import { readCookies, SESSION_COOKIE } from '../http/cookies.js';
import type { Platform } from '../Platform.js';

const TICKET_PAGE = /^\/tickets\/(checkout\/)?([A-Za-z0-9_-]{1,64})\/?$/;
const SCRIPT_PATH = '/tickets/checkout.js';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The checkout page's script: its two buttons call the test-payments route, then show the ticket. */
const CHECKOUT_SCRIPT = `
for (const button of document.querySelectorAll('button[data-action]')) {
  button.addEventListener('click', async () => {
    const status = document.getElementById('status');
    status.textContent = 'Working…';
    const response = await fetch('/api/tickets/' + encodeURIComponent(button.dataset.ticket) + '/test-checkout', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: button.dataset.action }),
    });
    const body = await response.json();
    if (!response.ok) { status.textContent = body.error.message; return; }
    location.href = '/tickets/' + encodeURIComponent(body.id) + (body.status === 'paid' ? '?paid=1' : '?cancelled=1');
  });
}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Hostline</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}.label{background:#fff4ce;border:1px solid #e0c060;padding:.5rem .75rem;border-radius:6px}
.price{font-size:2rem;font-weight:600}button{font:inherit;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #888;cursor:pointer}button.pay{background:#1d6ef2;color:#fff;border-color:#1d6ef2}</style></head>
<body>${body}</body></html>`;
}

function checkoutPage(ticket: TicketView, label: string): string {
  const id = escapeHtml(ticket.id);
  const open = ticket.status === 'held' && ticket.heldUntil > Date.now();
  return page(
    `Checkout: ${ticket.title}`,
    `<h1>Ticket: ${escapeHtml(ticket.title)}</h1>
<p class="label" data-testid="test-payments-label"><strong>${escapeHtml(label)}</strong></p>
<p class="price" data-testid="price">${escapeHtml(formatMoney(ticket.amountMinor, ticket.currency))}</p>
${
  open
    ? `<p>Your seat is held until ${escapeHtml(new Date(ticket.heldUntil).toISOString().slice(11, 16))} UTC.</p>
<p><button class="pay" data-action="pay" data-ticket="${id}">Pay (test)</button><button data-action="cancel" data-ticket="${id}">Cancel</button></p>`
    : `<p>This checkout is ${ticket.status === 'paid' ? 'paid' : 'over'}.</p>`
}
<p id="status" role="status"></p>
<script src="${SCRIPT_PATH}"></script>`,
  );
}

function ticketPage(ticket: TicketView): string {
  const words = { held: 'waiting for payment', paid: 'paid: it opens the Space', expired: 'not paid (the seat went back)', refunded: 'refunded' } as const;
  return page(
    `Your ticket: ${ticket.title}`,
    `<h1>${escapeHtml(ticket.title)}</h1>
<p data-testid="ticket-status">Your ticket is <strong>${escapeHtml(words[ticket.status])}</strong>.</p>
<p>${escapeHtml(formatMoney(ticket.amountMinor, ticket.currency))}</p>
${ticket.status === 'paid' ? `<p><a href="/s/${encodeURIComponent(ticket.spaceId)}">Go to the Space</a></p>` : ''}
${ticket.status === 'held' && ticket.checkoutUrl ? `<p><a href="${escapeHtml(ticket.checkoutUrl)}">Pay now</a></p>` : ''}`,
  );
}

const decimal = (minor: number) => (minor < 0 ? '-' : '') + `${Math.floor(Math.abs(minor) / 100)}.${String(Math.abs(minor) % 100).padStart(2, '0')}`;
const csvCell = (value: string | number) => {
  const text = String(value);
  // Quoted when needed; a leading formula character is defused so a spreadsheet never runs a title.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** The earnings statement as CSV: one row per ticketed Space, then a total per currency. Amounts in major units. */
export function statementCsv(statement: Statement): string {
  const header = ['space_id', 'title', 'currency', 'price', 'capacity', 'sold', 'in_checkout', 'refunds', 'gross', 'refunded', 'commission', 'net'];
  const rows = statement.spaces.map((s) => [s.spaceId, s.title, s.currency, decimal(s.priceMinor), s.capacity, s.sold, s.held, s.refunds, decimal(s.grossMinor), decimal(s.refundedMinor), decimal(s.commissionMinor), decimal(s.netMinor)]);
  const totals = statement.totals.map((t) => ['TOTAL', '', t.currency, '', '', '', '', '', decimal(t.grossMinor), decimal(t.refundedMinor), decimal(t.commissionMinor), decimal(t.netMinor)]);
  return [header, ...rows, ...totals].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

async function viewer(platform: Platform, req: IncomingMessage): Promise<string | undefined> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const secret = bearer ?? readCookies(req).get(SESSION_COOKIE);
  if (!secret) return undefined;
  return (await platform.accounts.authenticate(secret))?.account.id;
}

export async function serveTicketPages(platform: Platform, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method !== 'GET') return false;
  if (url.pathname === SCRIPT_PATH) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(CHECKOUT_SCRIPT);
    return true;
  }
  if (url.pathname === '/earnings.csv') {
    const accountId = await viewer(platform, req);
    if (!accountId) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Sign in to download your earnings statement.\n');
      return true;
    }
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="hostline-earnings.csv"', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(statementCsv(await platform.tickets.statement(accountId)));
    return true;
  }
  const match = TICKET_PAGE.exec(url.pathname);
  if (!match) return false;
  const accountId = await viewer(platform, req);
  if (!accountId) {
    res.writeHead(302, { location: `/signin?next=${encodeURIComponent(url.pathname)}` });
    res.end();
    return true;
  }
  let ticket: TicketView;
  try {
    ticket = await platform.tickets.ticketOf(accountId, match[2]!);
  } catch {
    res.writeHead(404, PAGE_HEADERS);
    res.end(page('No such ticket', '<h1>No such ticket</h1><p>You hold no ticket with that id.</p>'));
    return true;
  }
  res.writeHead(200, PAGE_HEADERS);
  res.end(match[1] ? checkoutPage(ticket, platform.tickets.provider.label) : ticketPage(ticket));
  return true;
}
