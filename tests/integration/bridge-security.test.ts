// The studio's loopback browser bridge admits only this run's studio page: the right Host (not a
// DNS-rebinding domain), this run's token, and changes from its own origin. The embedded SFU signs its
// local owner in on first start, with a fresh studio session each run.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { ApiClient } from '../../src/shared/http/client';
import { startTestStudio } from '../support/studio';
import { makeTempDir } from '../support/tempDir';

const startHost = (dir: string): Promise<StudioHost> => startTestStudio(dir);

/** A raw request, so the test can send any Host header (fetch would not). */
function raw(port: number, init: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: init.method ?? 'GET', path: init.path, headers: init.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('the studio bridge', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let host: StudioHost | undefined;
  beforeEach(() => {
    dir = makeTempDir('hostline-bridge');
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    dir.remove();
  });

  it('answers only requests that carry this run’s token', async () => {
    host = await startHost(dir.path);
    const { port } = host.server;
    const hostHeader = `127.0.0.1:${port}`;
    expect((await raw(port, { path: '/api/studio/settings', headers: { host: hostHeader } })).status).toBe(403);
    expect((await raw(port, { path: '/api/studio/settings', headers: { host: hostHeader, 'x-hostline-bridge': 'guessed' } })).status).toBe(403);
    const ok = await raw(port, { path: '/api/studio/settings', headers: { host: hostHeader, 'x-hostline-bridge': host.bridgeToken } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toHaveProperty('hostName');
    // Recording files too (an <audio> element would carry the cookie).
    expect((await raw(port, { path: '/api/studio/recordings/x/files/mix.wav', headers: { host: hostHeader } })).status).toBe(403);
  });

  it('refuses a DNS-rebinding page: the right token under another Host name', async () => {
    host = await startHost(dir.path);
    const { port } = host.server;
    const refused = await raw(port, { path: '/api/studio/sfu', headers: { host: `evil.example:${port}`, 'x-hostline-bridge': host.bridgeToken } });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toMatch(/loopback name/);
    expect(refused.body).not.toContain('studioKey');
    expect((await raw(port, { path: '/api/studio/sfu', headers: { host: `localhost:${port}`, 'x-hostline-bridge': host.bridgeToken } })).status).toBe(200);
  });

  it('refuses changes sent from another origin, and settings stay as they were', async () => {
    host = await startHost(dir.path);
    const { port } = host.server;
    const headers = { host: `127.0.0.1:${port}`, 'x-hostline-bridge': host.bridgeToken, 'content-type': 'application/json' };
    const put = (origin: string) => raw(port, { method: 'PUT', path: '/api/studio/settings', headers: { ...headers, origin }, body: JSON.stringify({ hostName: `from ${origin}` }) });
    expect((await put('https://evil.example')).status).toBe(403);
    expect(host.settings.get().hostName).toBe('');
    expect((await put(`http://127.0.0.1:${port}`)).status).toBe(200);
    expect(host.settings.get().hostName).toBe(`from http://127.0.0.1:${port}`);
  });

  it('hands the studio page its token once, as an HttpOnly SameSite=Strict cookie, and drops it from the address', async () => {
    host = await startHost(dir.path);
    const { port } = host.server;
    const url = new URL(host.studioUrl);
    expect(url.searchParams.get('bridge')).toBe(host.bridgeToken);
    const entry = await raw(port, { path: `${url.pathname}${url.search}`, headers: { host: `127.0.0.1:${port}` } });
    expect(entry.status).toBe(303);
    expect(entry.headers.location).toBe('/');
    const cookie = String(entry.headers['set-cookie']);
    expect(cookie).toMatch(/^hostline_bridge=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const withCookie = await raw(port, { path: '/api/studio/settings', headers: { host: `127.0.0.1:${port}`, cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    expect((await raw(port, { path: '/?bridge=not-this-run', headers: { host: `127.0.0.1:${port}` } })).status).toBe(403);
  });

  it('signs the local owner in to the embedded SFU, the same account every run, with a new session each run', async () => {
    host = await startHost(dir.path);
    const first = host.endpoint().sessionToken!;
    const me = (await new ApiClient({ baseUrl: host.server.httpUrl, token: first }).call('account.me')).me;
    expect(me).toMatchObject({ role: 'owner', email: 'owner@hostline.localhost' });
    await host.close();
    host = await startHost(dir.path);
    const second = host.endpoint().sessionToken!;
    expect(second).not.toBe(first);
    expect((await new ApiClient({ baseUrl: host.server.httpUrl, token: second }).call('account.me')).me?.accountId).toBe(me!.accountId);
    expect((await new ApiClient({ baseUrl: host.server.httpUrl, token: first }).call('account.me')).me).toBeNull();
  });
});
