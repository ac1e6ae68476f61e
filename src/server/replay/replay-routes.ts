// The replay's HTTP API: what the replay and clip pages read and do. Every body and path is validated;
// a refused request answers `{ error: { code, message } }` and changes nothing.
//   GET    /api/replays/:spaceId               the replay's info (ReplayInfo)
//   GET    /api/replays/:spaceId/audio.webm    the replay (byte ranges, for seeking)
//   GET    /api/replays/:spaceId/timeline.json who spoke when, stage, chapters
//   GET    /api/replays/:spaceId/captions.vtt  captions, when the Space had them
//   POST   /api/replays/:spaceId/clips         cut a 30 s clip { startMs, title? } (anyone who may listen)
//   PATCH  /api/replays/:spaceId               the host: { trimStartMs?, retention? }
//   DELETE /api/replays/:spaceId               the host: delete the replay and its clips
//   GET    /api/clips/:clipId                  a clip's info and its replay's title
//   GET    /api/clips/:clipId/audio.webm       the clip
//   DELETE /api/clips/:clipId                  the host of its replay
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ProtocolError } from '../../shared/errors.js';
import { ClipRequestSchema, ReplayUpdateSchema } from '../../shared/replay.js';
import { sendFile } from '../http-files.js';
import { RateLimiter } from '../RateLimiter.js';
import type { Sfu } from '../Sfu.js';
import { mayManage, viewerOf, type AccessAnswer } from './ReplayAccess.js';

const IdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const MAX_BODY_BYTES = 4096;
/** Clips anyone may cut per address: a steady one every 6 s, bursts of 5. */
const CLIPS_PER_SECOND = 1 / 6;
const CLIP_BURST = 5;

const STATUS: Record<string, number> = {
  invalid_payload: 400,
  bad_json: 400,
  unauthenticated: 401,
  ticket_required: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
};

class HttpError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function sendError(res: ServerResponse, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(STATUS[code] ?? 400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError('invalid_payload', 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError('too_large', `bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError('bad_json', 'the body is not valid JSON');
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new HttpError('invalid_payload', issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return result.data;
}

function refuse(answer: AccessAnswer): void {
  if (!answer.ok) throw new HttpError(answer.code, answer.message);
}

/** The replay routes; returns true when it answered the request. */
export function replayRoutes(sfu: Sfu): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const replays = sfu.replays;
  const clipLimits = new Map<string, RateLimiter>();

  const listenable = async (spaceId: string, req: IncomingMessage) => {
    const record = await replays.store.getReplay(spaceId);
    if (!record) throw new HttpError('not_found', 'there is no replay of this space');
    refuse(await replays.access.mayListen(record, viewerOf(req.headers.authorization, sfu.tokens)));
    return record;
  };
  const published = async (spaceId: string, req: IncomingMessage) => {
    const record = await listenable(spaceId, req);
    if (record.status !== 'published') throw new HttpError('not_found', record.status === 'failed' ? 'this replay could not be published' : 'the replay is not ready yet');
    return record;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'api' || (parts[1] !== 'replays' && parts[1] !== 'clips') || parts.length < 3 || parts.length > 4) return false;
    const id = parse(IdSchema, decodeURIComponent(parts[2]!));
    const tail = parts[3];
    const method = req.method ?? 'GET';
    const reading = method === 'GET' || method === 'HEAD';

    if (parts[1] === 'replays') {
      if (tail === undefined && reading) {
        await listenable(id, req);
        sendJson(res, 200, await replays.info(id));
        return true;
      }
      if (tail === 'audio.webm' && reading) {
        await published(id, req);
        if (!(await sendFile(req, res, replays.files(id).audio, 'audio/webm'))) throw new HttpError('not_found', 'the replay file is missing');
        return true;
      }
      if (tail === 'timeline.json' && reading) {
        await published(id, req);
        if (!(await sendFile(req, res, replays.files(id).timeline, 'application/json'))) throw new HttpError('not_found', 'the timeline is missing');
        return true;
      }
      if (tail === 'captions.vtt' && reading) {
        await published(id, req);
        if (!(await sendFile(req, res, replays.files(id).captions, 'text/vtt; charset=utf-8'))) throw new HttpError('not_found', 'this replay has no captions');
        return true;
      }
      if (tail === 'clips' && method === 'POST') {
        const body = parse(ClipRequestSchema, await readJson(req));
        const record = await published(id, req);
        const address = req.socket.remoteAddress ?? '?';
        let limiter = clipLimits.get(address);
        if (!limiter) clipLimits.set(address, (limiter = new RateLimiter(CLIPS_PER_SECOND, CLIP_BURST)));
        if (!limiter.take()) throw new HttpError('rate_limited', 'too many clips from here; wait a few seconds');
        const viewer = viewerOf(req.headers.authorization, sfu.tokens);
        sendJson(res, 201, await replays.clip(record.spaceId, body.startMs, viewer.userId ?? null, body.title));
        return true;
      }
      if (tail === undefined && method === 'PATCH') {
        const body = parse(ReplayUpdateSchema, await readJson(req));
        const record = await replays.store.getReplay(id);
        if (!record) throw new HttpError('not_found', 'there is no replay of this space');
        refuse(mayManage(record, viewerOf(req.headers.authorization, sfu.tokens)));
        sendJson(res, 200, await replays.update(id, body));
        return true;
      }
      if (tail === undefined && method === 'DELETE') {
        const record = await replays.store.getReplay(id);
        if (!record) throw new HttpError('not_found', 'there is no replay of this space');
        refuse(mayManage(record, viewerOf(req.headers.authorization, sfu.tokens)));
        await replays.delete(id);
        res.writeHead(204).end();
        return true;
      }
      throw new HttpError('method_not_allowed', `${method} is not allowed here`);
    }

    // Clips.
    const found = await replays.clipInfo(id);
    if (!found) throw new HttpError('not_found', 'there is no such clip');
    if (tail === undefined && reading) {
      refuse(await replays.access.mayListen(found.replay, viewerOf(req.headers.authorization, sfu.tokens)));
      sendJson(res, 200, { clip: found.clip, replay: { spaceId: found.replay.spaceId, title: found.replay.title, hostName: found.replay.hostName, published: found.replay.status === 'published' } });
      return true;
    }
    if (tail === 'audio.webm' && reading) {
      refuse(await replays.access.mayListen(found.replay, viewerOf(req.headers.authorization, sfu.tokens)));
      if (!(await sendFile(req, res, replays.clipFile(found.clip), 'audio/webm'))) throw new HttpError('not_found', 'the clip file is missing');
      return true;
    }
    if (tail === undefined && method === 'DELETE') {
      refuse(mayManage(found.replay, viewerOf(req.headers.authorization, sfu.tokens)));
      await replays.deleteClip(id);
      res.writeHead(204).end();
      return true;
    }
    throw new HttpError('method_not_allowed', `${method} is not allowed here`);
  };

  return async (req, res, url) => {
    try {
      return await handle(req, res, url);
    } catch (error) {
      if (error instanceof HttpError) sendError(res, error.code, error.message);
      else if (error instanceof ProtocolError) sendError(res, error.code === 'space_ended' ? 'conflict' : error.code, error.message);
      else {
        sfu.logger.error('replay request failed', { url: url.pathname, error });
        sendError(res, 'internal', 'the server failed to handle this request');
      }
      return true;
    }
  };
}
