// The same-origin check for unsafe requests. A browser names the page that sent a request in `Origin`
// (every modern browser does for POST, PUT, PATCH and DELETE); it must be this service: the address the
// request was sent to (its Host) or the configured public URL. Requests without Origin come from
// programs, not pages: they are let through only when they carry no session cookie.
import type { IncomingMessage } from 'node:http';

export function requestOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (!host) return undefined;
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return `${proto}://${host.toLowerCase()}`;
}

export function isSameOrigin(req: IncomingMessage, publicOrigin: string | undefined, hasCookie: boolean): boolean {
  const origin = req.headers.origin ?? refererOrigin(req.headers.referer);
  if (origin === undefined || origin === 'null') return !hasCookie && origin === undefined;
  const allowed = [requestOrigin(req), publicOrigin].filter((o): o is string => o !== undefined);
  return allowed.includes(origin.toLowerCase());
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}
