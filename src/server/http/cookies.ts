// The session cookie: HttpOnly (pages' scripts never see it), SameSite=Lax (other sites' requests do not
// carry it, except top-level navigations), Secure when the service is reached over https.
import type { IncomingMessage } from 'node:http';
import { SESSION_TTL_MS } from '../accounts/AccountService.js';

export const SESSION_COOKIE = 'hostline_session';

export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name && !out.has(name)) {
      try {
        out.set(name, decodeURIComponent(value));
      } catch {
        // A malformed cookie is ignored, never a crash.
      }
    }
  }
  return out;
}

export function sessionCookie(secret: string, secure: boolean): string {
  const maxAge = Math.floor(SESSION_TTL_MS.browser / 1000);
  return `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}
