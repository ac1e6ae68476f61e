// HTTP: a Space's saved captions for its replay. `GET /captions/<spaceId>.vtt` answers the WebVTT
// (live Spaces' captions so far, ended ones' as saved); `.json` the lines with server-clock times.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sfu } from '../Sfu.js';
import { CaptionStore } from './CaptionStore.js';

const PATH = /^\/captions\/([A-Za-z0-9_-]{1,64})\.(vtt|json)$/;

export async function captionRoutes(sfu: Sfu, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = PATH.exec(url.pathname);
  if (!match) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'method not allowed' }));
    return true;
  }
  const [, spaceId, format] = match as unknown as [string, string, 'vtt' | 'json'];
  const live = sfu.space(spaceId);
  const captions = sfu.captions.of(spaceId);
  const saved =
    live && captions ? { spaceId, title: live.title, startedAt: live.startedAt, lines: captions.finalLines() } : sfu.captions.store.load(spaceId);
  if (!saved) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no captions for that space' }));
    return true;
  }
  const body = format === 'vtt' ? CaptionStore.webVtt(saved) : JSON.stringify(saved);
  res.writeHead(200, { 'content-type': format === 'vtt' ? 'text/vtt; charset=utf-8' : 'application/json', 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
