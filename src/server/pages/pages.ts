// The account pages: sign in, sign up, forgot password, confirm, reset, your account, and public
// profiles at /@handle. One built page (account.html) renders them all; the server answers 404 for a
// profile nobody has, and sends headers that keep these pages out of frames and other sites' reach.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { HandleSchema } from '../../shared/accounts.js';
import type { Platform } from '../Platform.js';

const ACCOUNT_PAGES = /^\/(signin|signup|forgot|account|account\/confirm|account\/reset)\/?$/;
const PROFILE_PAGE = /^\/@([^/]{1,64})\/?$/;

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  // Account pages are never framed (clickjacking a "sign out everywhere" or a password form).
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
  // Reset and confirm links carry their token in the query: never leak it to another site.
  'referrer-policy': 'no-referrer',
};

export async function servePage(platform: Platform, staticDir: string | undefined, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const profile = PROFILE_PAGE.exec(url.pathname);
  if (!ACCOUNT_PAGES.test(url.pathname) && !profile) return false;
  let status = 200;
  if (profile) {
    const handle = HandleSchema.safeParse(decodeURIComponentSafe(profile[1]!));
    const found = handle.success ? await platform.store.repos.profiles.byHandle(handle.data) : undefined;
    if (!found || found.banned) status = 404;
  }
  let html: string;
  try {
    if (!staticDir) throw new Error('no static folder');
    html = await readFile(join(staticDir, 'account.html'), 'utf8');
  } catch {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The account pages are not built (npm run build).');
    return true;
  }
  res.writeHead(status, HEADERS);
  res.end(req.method === 'HEAD' ? undefined : html);
  return true;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return '';
  }
}
