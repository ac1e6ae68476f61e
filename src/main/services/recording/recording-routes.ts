// HTTP routes for recording behind the browser's `window.studio` (loopback only, like the rest of the
// bridge): JSON for commands, application/octet-stream for audio batches, and track files with Range
// support for the player (mounted under Electron too: its window loads the studio from the same host).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type RouteHandler } from '../../../server/server.js';
import type { BridgeGuard } from '../../bridge-guard.js';
import type { RecordingCommands } from './RecordingCommands.js';
import { RecordingError } from './RecordingError.js';
import type { RecordingLibrary } from './RecordingLibrary.js';

const MAX_JSON_BYTES = 512 * 1024;
/** 250 ms of 16 tracks is ~770 kB; leave room for a backlog after a stall. */
const MAX_AUDIO_BYTES = 16 * 1024 * 1024;

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RecordingError('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!req.headers['content-type']?.startsWith('application/json')) throw new RecordingError('send application/json');
  const text = (await readBody(req, MAX_JSON_BYTES)).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new RecordingError('the request body is not valid JSON');
  }
}

/** Serves a file with byte ranges, so the player's <audio> can seek in a two-hour track. */
async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { size } = await stat(path);
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  const headers = { 'content-type': 'audio/wav', 'accept-ranges': 'bytes', 'cache-control': 'no-store' };
  if (!range || (range[1] === '' && range[2] === '')) {
    res.writeHead(200, { ...headers, 'content-length': size });
    createReadStream(path).pipe(res);
    return;
  }
  let start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
  let end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
  start = Math.max(0, start);
  if (start > end || start >= size) {
    res.writeHead(416, { 'content-range': `bytes */${size}` });
    res.end();
    return;
  }
  end = Math.max(start, end);
  res.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
  createReadStream(path, { start, end }).pipe(res);
}

const FILE_ROUTE = /^\/api\/studio\/recordings\/([^/]+)\/files\/([^/]+)$/;

/** Track files for the player; both runtimes mount this. */
export function recordingFileRoutes(library: Pick<RecordingLibrary, 'trackPath'>, guard: BridgeGuard): RouteHandler {
  return async (req, res, url) => {
    const m = FILE_ROUTE.exec(url.pathname);
    if (!m || req.method !== 'GET') return false;
    if (guard.refuse(req, res)) return true;
    try {
      await sendFile(req, res, await library.trackPath(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)));
    } catch (error) {
      sendJson(res, 404, { error: (error as Error).message });
    }
    return true;
  };
}

/** The recording commands over HTTP, for the browser studio. */
export function recordingRoutes(commands: RecordingCommands, guard: BridgeGuard): RouteHandler {
  return async (req, res, url) => {
    const path = url.pathname;
    if (!path.startsWith('/api/studio/recording')) return false;
    if (guard.refuse(req, res)) return true;
    const route = `${req.method} ${path}`;
    const one = /^\/api\/studio\/recordings\/([^/]+)(\/export)?$/.exec(path);
    try {
      if (route === 'GET /api/studio/recording') sendJson(res, 200, commands.status());
      else if (route === 'POST /api/studio/recording/start') sendJson(res, 200, await commands.start(await readJson(req)));
      else if (route === 'POST /api/studio/recording/tracks') sendJson(res, 200, await commands.addTrack(await readJson(req)));
      else if (route === 'POST /api/studio/recording/audio') {
        // A non-JSON type needs a CORS preflight we never grant, so other pages cannot post audio.
        if (req.headers['content-type'] !== 'application/octet-stream') throw new RecordingError('send audio as application/octet-stream');
        sendJson(res, 200, commands.audio(await readBody(req, MAX_AUDIO_BYTES)));
      } else if (route === 'POST /api/studio/recording/events') {
        await commands.events(await readJson(req));
        sendJson(res, 200, {});
      } else if (route === 'POST /api/studio/recording/captions') {
        commands.captions(await readJson(req));
        sendJson(res, 200, {});
      } else if (route === 'POST /api/studio/recording/pause') sendJson(res, 200, await commands.pause(await readJson(req)));
      else if (route === 'POST /api/studio/recording/resume') sendJson(res, 200, await commands.resume(await readJson(req)));
      else if (route === 'POST /api/studio/recording/stop') sendJson(res, 200, await commands.stop(await readJson(req)));
      else if (route === 'GET /api/studio/recordings') sendJson(res, 200, await commands.list());
      else if (one && req.method === 'GET' && !one[2]) sendJson(res, 200, await commands.get(decodeURIComponent(one[1]!)));
      else if (one && req.method === 'POST' && one[2]) sendJson(res, 200, await commands.export(decodeURIComponent(one[1]!), await readJson(req)));
      else return false;
    } catch (error) {
      if (!(error instanceof RecordingError)) throw error;
      sendJson(res, 400, { error: error.message });
    }
    return true;
  };
}
