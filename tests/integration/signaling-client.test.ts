// SignalingClient: the greeting with the protocol version, and the check of every answer and event
// against the declared schemas. Against the real SFU service, and against a scripted server that
// misbehaves in ways the real one must never do.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { RequestError, SignalingClient, type ProtocolViolation, type SocketLike } from '../../src/renderer/room/SignalingClient';
import { PROTOCOL_VERSION } from '../../src/shared/protocol';
import { eventually, fakeMicTrack } from '../support/fakeRoom';
import { RawClient } from '../support/rawClient';
import { startTestServer, type TestServer } from '../support/server';
import { buildSpace } from '../support/spaceFixture';

const socketFor = (url: string) => new WebSocket(url) as unknown as SocketLike;

/** A server that answers hello as told, then runs `script` for every later request. */
async function scriptedServer(
  hello: (id: number) => unknown,
  script: (ws: WebSocket, request: { id: number; type: string; data: unknown }) => void = () => undefined,
) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => {
    ws.on('message', (raw) => {
      const request = JSON.parse(raw.toString()) as { id: number; type: string; data: unknown };
      if (request.type === 'hello') ws.send(JSON.stringify(hello(request.id)));
      else script(ws, request);
    });
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    }),
  };
}

const helloOk = (id: number) => ({ kind: 'response', id, ok: true, data: { protocolVersion: PROTOCOL_VERSION, serverTime: Date.now() } });

describe('SignalingClient against the SFU service', () => {
  const ctx = {} as { server: TestServer; clients: SignalingClient[] };

  beforeEach(async () => {
    ctx.server = await startTestServer();
    ctx.clients = [];
  });
  afterEach(async () => {
    for (const client of ctx.clients) client.close();
    await ctx.server.close();
  });

  it('connect() says hello with the protocol version and then requests are answered', async () => {
    const client = new SignalingClient(ctx.server.wsUrl, socketFor, 'test client');
    ctx.clients.push(client);
    expect(client.connected).toBe(false);
    await client.connect();
    expect(client.connected).toBe(true);
    await expect(client.request('ping', {})).resolves.toEqual({ serverTime: expect.any(Number) });
  });

  it('a client speaking another protocol version gets a clear refusal, the server logs it and hangs up', async () => {
    const old = await RawClient.connect(ctx.server.wsUrl, { hello: false });
    const closed = new Promise<number>((resolve) => old.ws.once('close', (code) => resolve(code)));
    old.send(JSON.stringify({ id: 1, type: 'hello', data: { protocolVersion: PROTOCOL_VERSION - 1, client: 'old studio' } }));
    const [answer] = await old.responses(1);
    expect(answer).toMatchObject({ id: 1, ok: false, error: { code: 'version_mismatch' } });
    const message = (answer!.error as { message: string }).message;
    expect(message).toContain(`protocol ${PROTOCOL_VERSION}`);
    expect(message).toContain(`protocol ${PROTOCOL_VERSION - 1}`);
    expect(message).toContain('reload the page or update the studio');
    expect(await closed).toBe(4001);
    expect(ctx.server.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'client speaks another protocol version', client: 'old studio', clientVersion: PROTOCOL_VERSION - 1 }),
    );
  });

  it('a connection that has not said hello is refused every request, and nothing changes', async () => {
    const f = await buildSpace(ctx.server.wsUrl, { listeners: ['ann'] });
    try {
      const space = ctx.server.sfu.space(f.spaceId)!;
      const before = JSON.stringify(space.summary());
      const rude = await RawClient.connect(ctx.server.wsUrl, { hello: false });
      rude.send(JSON.stringify({ id: 1, type: 'ping', data: {} }));
      rude.send(JSON.stringify({ id: 2, type: 'space.join', data: { token: f.invite, displayName: 'Rude' } }));
      rude.send(JSON.stringify({ id: 3, type: 'space.create', data: { title: 'Mine', hostName: 'Rude' } }));
      rude.send(JSON.stringify({ id: 4, type: 'queue.raise', data: {} }));
      const answers = await rude.responses(4);
      expect(answers.map((a) => [a.id, (a.error as { code: string }).code])).toEqual([
        [1, 'hello_first'], [2, 'hello_first'], [3, 'hello_first'], [4, 'hello_first'],
      ]);
      expect((answers[0]!.error as { message: string }).message).toContain(`protocol ${PROTOCOL_VERSION}`);
      expect(JSON.stringify(space.summary())).toBe(before);
      expect(ctx.server.sfu.spaces()).toHaveLength(1);
      // Saying hello afterwards opens the connection as usual.
      rude.send(JSON.stringify({ id: 5, type: 'hello', data: { protocolVersion: PROTOCOL_VERSION } }));
      rude.send(JSON.stringify({ id: 6, type: 'ping', data: {} }));
      expect((await rude.responses(6)).slice(4).map((a) => [a.id, a.ok])).toEqual([[5, true], [6, true]]);
      rude.close();
    } finally {
      f.close();
    }
  });

  it('every answer and event of a real show passes its schema: nothing is refused or dropped', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      const f = await buildSpace(ctx.server.wsUrl, { cohosts: ['co'], speakers: ['sam'], listeners: ['ann', 'bob'] });
      try {
        const { ann, bob, sam, co } = f.people as Record<string, NonNullable<(typeof f.people)[string]>>;
        await ann!.setMicrophone(fakeMicTrack());
        await ann!.raiseHand();
        await ann!.request('queue.micCheck', { peakDb: -3, speechDb: -20, noiseFloorDb: -65, clippedShare: 0, durationMs: 3000 });
        await bob!.raiseHand();
        await co!.request('queue.move', { memberId: f.id('bob'), direction: 'up' });
        await f.host.request('queue.approve', { memberId: f.id('ann') });
        await eventually(() => expect(ann!.producer).toBeDefined());
        await f.host.request('space.listeners', { query: '', limit: 10 });
        await f.host.request('space.invite', { canRequest: true });
        await bob!.request('reaction.send', { reaction: '🔥' });
        await f.host.request('member.mute', { memberId: f.id('sam') });
        await sam!.request('member.report', { memberId: f.id('bob'), reason: 'spam' });
        await f.host.request('stage.remove', { memberId: f.id('sam') });
        await eventually(() => expect(f.host.snapshot!.stage.map((m) => m.displayName)).toEqual(['Host', 'co', 'ann']));
        await new Promise((resolve) => setTimeout(resolve, 400));
      } finally {
        f.close();
      }
      expect(warn.mock.calls.filter((call) => String(call[0]).includes('breaks the protocol'))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('SignalingClient against a misbehaving server', () => {
  const closers: Array<() => Promise<void>> = [];
  const clients: SignalingClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const close of closers.splice(0)) await close();
  });

  async function connectTo(server: { url: string; close: () => Promise<void> }) {
    closers.push(server.close);
    const client = new SignalingClient(server.url, socketFor);
    clients.push(client);
    const violations: ProtocolViolation[] = [];
    client.on('invalid', (v) => violations.push(v));
    return { client, violations };
  }

  it('refuses to go on with a server that answers hello with another version', async () => {
    const { client } = await connectTo(
      await scriptedServer((id) => ({ kind: 'response', id, ok: true, data: { protocolVersion: PROTOCOL_VERSION + 1, serverTime: 0 } })),
    );
    const failure = await client.connect().then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(RequestError);
    expect(failure).toMatchObject({ code: 'version_mismatch', message: expect.stringContaining(`protocol ${PROTOCOL_VERSION + 1}`) });
    expect(client.connected).toBe(false);
  });

  it('tells a server from before the greeting apart: it speaks an older protocol', async () => {
    const { client } = await connectTo(
      await scriptedServer((id) => ({ kind: 'response', id, ok: false, error: { code: 'unknown_type', message: 'unknown request type "hello"' } })),
    );
    await expect(client.connect()).rejects.toMatchObject({ code: 'version_mismatch', message: expect.stringContaining('older Hostline protocol') });
  });

  it('rejects an answer that does not match its reply schema with bad_reply, naming the field', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { client, violations } = await connectTo(
        await scriptedServer(helloOk, (ws, request) => {
          const data = request.type === 'ping' ? { serverTime: 'noon' } : { position: 'first' };
          ws.send(JSON.stringify({ kind: 'response', id: request.id, ok: true, data }));
        }),
      );
      await client.connect();
      const failure = await client.request('ping', {}).then(() => undefined, (e: unknown) => e);
      expect(failure).toMatchObject({ code: 'bad_reply', message: expect.stringContaining('serverTime') });
      await expect(client.request('queue.raise', {})).rejects.toMatchObject({ code: 'bad_reply', message: expect.stringContaining('position') });
      expect(violations.map((v) => [v.kind, v.type])).toEqual([['reply', 'ping'], ['reply', 'queue.raise']]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('breaks the protocol (ping)'));
    } finally {
      warn.mockRestore();
    }
  });

  it('drops events that are unknown or fail their schema, and delivers valid ones stripped of undeclared fields', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { client, violations } = await connectTo(
        await scriptedServer(helloOk, (ws, request) => {
          ws.send(JSON.stringify({ kind: 'event', event: 'space.explode', data: {} }));
          ws.send(JSON.stringify({ kind: 'event', event: 'space.ended', data: { reason: 5 } }));
          ws.send(JSON.stringify({ kind: 'event', event: 'space.speaking', data: { memberIds: 'everyone' } }));
          ws.send(JSON.stringify({ kind: 'event', event: 'space.ended', data: { reason: 'the host ended the space', role: 'host' } }));
          ws.send('not json');
          ws.send(JSON.stringify({ kind: 'response', id: request.id, ok: true, data: { serverTime: 1 } }));
        }),
      );
      const ended: unknown[] = [];
      const speaking: unknown[] = [];
      client.on('space.ended', (data) => ended.push(data));
      client.on('space.speaking', (data) => speaking.push(data));
      await client.connect();
      await client.request('ping', {});
      await eventually(() => expect(violations).toHaveLength(4));
      expect(ended).toEqual([{ reason: 'the host ended the space' }]);
      expect(speaking).toEqual([]);
      expect(violations.map((v) => [v.kind, v.type])).toEqual([
        ['event', 'space.explode'],
        ['event', 'space.ended'],
        ['event', 'space.speaking'],
        ['message', 'unknown'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
