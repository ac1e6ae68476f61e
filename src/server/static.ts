// Serves the built studio and listener page (out/renderer) with safe path handling.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.wav': 'audio/wav',
  '.webm': 'audio/webm',
  '.vtt': 'text/vtt; charset=utf-8',
};

/** Pages by route: the studio at /studio (the directory has /), the listener page at /listen/<spaceId> (the
 * replay once it ended), a replay at /replay/<spaceId> and a clip at /clip/<clipId>. */
function pageFor(pathname: string): string | undefined {
  if (pathname === '/studio' || pathname === '/studio/' || pathname === '/index.html') return 'index.html';
  if (/^\/listen\/[A-Za-z0-9_-]{1,64}\/?$/.test(pathname)) return 'listen.html';
  if (/^\/(replay|clip)\/[A-Za-z0-9_-]{1,64}\/?$/.test(pathname)) return 'replay.html';
  return undefined;
}

export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const base = resolve(root);
  const relative = pageFor(pathname) ?? decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = resolve(join(base, normalize(relative)));
  if (file !== base && !file.startsWith(base + sep)) return false;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    size = info.size;
  } catch {
    return false;
  }
  const html = file.endsWith('.html');
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    // Hashed assets can be cached forever; pages must always be fresh.
    'cache-control': html ? 'no-cache' : 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  createReadStream(file).pipe(res);
  return true;
}
