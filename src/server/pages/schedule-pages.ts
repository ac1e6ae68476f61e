// The pages of discovery: the directory at /, a Space's page at /s/<id> (the share link, before, during
// and after the Space), and its calendar file at /s/<id>/calendar.ics. The studio moved to /studio to
// leave / to the directory.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { SpaceIdSchema } from '../../shared/schedule.js';
import type { ScheduleService } from '../schedule/ScheduleService.js';

const SPACE_PAGE = /^\/s\/([^/]{1,64})\/?$/;
const CALENDAR = /^\/s\/([^/]{1,64})\/calendar\.ics$/;

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  // The Space page listens live (media, sockets) but is never framed by another site.
  'x-frame-options': 'DENY',
  // Stop-reminder links carry their token in the query: never leak it to another site.
  'referrer-policy': 'no-referrer',
};

async function sendPage(staticDir: string | undefined, file: string, status: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let html: string;
  try {
    if (!staticDir) throw new Error('no static folder');
    html = await readFile(join(staticDir, file), 'utf8');
  } catch {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The pages are not built (npm run build).');
    return;
  }
  res.writeHead(status, HTML_HEADERS);
  res.end(req.method === 'HEAD' ? undefined : html);
}

export async function serveSchedulePages(schedule: ScheduleService, staticDir: string | undefined, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (url.pathname === '/') {
    await sendPage(staticDir, 'directory.html', 200, req, res);
    return true;
  }
  const calendar = CALENDAR.exec(url.pathname);
  if (calendar) {
    const id = SpaceIdSchema.safeParse(calendar[1]);
    const ics = id.success ? await schedule.pages.calendar(id.data) : undefined;
    if (!ics) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('No scheduled Space has that link.');
      return true;
    }
    res.writeHead(200, {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="hostline-${id.data}.ics"`,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : ics);
    return true;
  }
  const page = SPACE_PAGE.exec(url.pathname);
  if (page) {
    const id = SpaceIdSchema.safeParse(page[1]);
    const found = id.success ? await schedule.pages.page(id.data) : undefined;
    // The page says "not found" itself; the status says it to crawlers and link checkers.
    await sendPage(staticDir, 'space.html', found ? 200 : 404, req, res);
    return true;
  }
  return false;
}
