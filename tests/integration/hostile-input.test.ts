// Malformed, oversized, unknown and unauthorised messages against a live space: each gets an error
// reply, nothing changes, and the space keeps working for the people in it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { MAX_MESSAGE_BYTES } from '../../src/shared/protocol';
import { eventually, fakeMicTrack, fakeRoom } from '../support/fakeRoom';
import { RawClient } from '../support/rawClient';
import { startTestServer, type TestServer } from '../support/server';

describe('hostile input against a live space', () => {
  let server: TestServer;
  let host: RoomClient;
  let listener: RoomClient;
  let invite: string;

  beforeEach(async () => {
    server = await startTestServer();
    host = fakeRoom(server.wsUrl);
    await host.connect();
    const created = await host.createSpace('Live show', 'Ada');
    invite = created.listenerInvite;
    await host.join(created.hostToken);
    await host.startSending(fakeMicTrack());
    listener = fakeRoom(server.wsUrl);
    await listener.connect();
    await listener.join(invite);
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));
  });

  afterEach(async () => {
    host.close();
    listener.close();
    await server.close();
  });

  it('answers every bad frame with the matching error code and keeps the space as it was', async () => {
    const space = server.sfu.spaces()[0]!;
    const before = space.summary();
    const attacker = await RawClient.connect(server.wsUrl);
    const frames: Array<[string | Buffer, string]> = [
      ['not json at all', 'bad_json'],
      ['{"id":1,"type":"ping"', 'bad_json'],
      ['[]', 'bad_message'],
      ['"hello"', 'bad_message'],
      ['{"id":"1","type":"ping"}', 'bad_message'],
      [JSON.stringify({ id: 2, type: 'space.explode', data: {} }), 'unknown_type'],
      [JSON.stringify({ id: 3, type: 'toString', data: {} }), 'unknown_type'],
      [JSON.stringify({ id: 4, type: 'space.create', data: { title: 5, hostName: 'x' } }), 'invalid_payload'],
      [JSON.stringify({ id: 5, type: 'space.join', data: { token: 'x'.repeat(5000) } }), 'invalid_payload'],
      [JSON.stringify({ id: 6, type: 'space.join', data: { token: 'forged.token' } }), 'unauthenticated'],
      [JSON.stringify({ id: 7, type: 'space.end', data: {} }), 'not_joined'],
      [JSON.stringify({ id: 8, type: 'producer.create', data: { transportId: 'x', kind: 'audio', rtpParameters: { codecs: [] } } }), 'invalid_payload'],
      [JSON.stringify({ id: 9, type: 'consumer.resume', data: { consumerId: 'x' } }), 'not_joined'],
      [JSON.stringify({ id: 10, type: 'ping', data: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }), 'too_large'],
      [Buffer.from([0, 1, 2, 3, 255]), 'bad_message'],
    ];
    for (const [frame] of frames) attacker.send(frame);
    const responses = await attacker.responses(frames.length);
    // One connection's requests are answered in the order they were sent.
    expect(responses.map((r) => (r.error as { code: string }).code)).toEqual(frames.map(([, code]) => code));
    expect(responses.every((r) => r.ok === false && typeof (r.error as { message: string }).message === 'string')).toBe(true);

    // The attacker joins as a listener and tries what only the host may do.
    attacker.send(JSON.stringify({ id: 20, type: 'space.join', data: { token: invite } }));
    attacker.send(JSON.stringify({ id: 21, type: 'space.end', data: {} }));
    attacker.send(JSON.stringify({ id: 22, type: 'transport.create', data: { direction: 'send' } }));
    attacker.send(JSON.stringify({ id: 23, type: 'producer.pause', data: { producerId: host.producer!.id } }));
    const more = (await attacker.responses(frames.length + 4)).slice(frames.length);
    expect(more.map((r) => [r.id, r.ok, (r.error as { code?: string } | undefined)?.code])).toEqual([
      [20, true, undefined],
      [21, false, 'forbidden'],
      [22, false, 'forbidden'],
      [23, false, 'forbidden'],
    ]);

    // Nothing the attacker sent changed the space: same stage, same producer state.
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(2));
    attacker.send(JSON.stringify({ id: 24, type: 'space.leave', data: {} }));
    await attacker.responses(frames.length + 5);
    attacker.close();
    await eventually(() => expect(host.snapshot?.listenerCount).toBe(1));
    expect(space.summary()).toEqual(before);
    expect(space.status).toBe('live');
    // The people in the space can still act.
    await host.setMuted(true);
    await eventually(() => expect(listener.snapshot?.stage[0]?.muted).toBe(true));
    await expect(listener.signaling.request('ping', {})).resolves.toMatchObject({ serverTime: expect.any(Number) });
  });

  it('closes the socket of a frame far beyond the limit (1009) without disturbing anyone else', async () => {
    const space = server.sfu.spaces()[0]!;
    const before = JSON.stringify(space.summary());
    const attacker = await RawClient.connect(server.wsUrl);
    const closed = new Promise<number>((resolve) => attacker.ws.once('close', (code) => resolve(code)));
    attacker.send('x'.repeat(32 * MAX_MESSAGE_BYTES));
    expect(await closed).toBe(1009);
    expect(attacker.messages).toEqual([]);
    // The others are still there, connected, and answered; the listener still hears the host.
    const sentAt = Date.now();
    const pong = await listener.signaling.request('ping', {});
    expect(pong.serverTime).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(pong.serverTime).toBeLessThanOrEqual(Date.now() + 1000);
    expect(JSON.stringify(space.summary())).toBe(before);
    expect(space.status).toBe('live');
    const heard = space.member(listener.memberId!)!;
    expect(heard.connected).toBe(true);
    expect([...heard.consumers.values()].map((c) => [c.producerId, c.closed, c.paused])).toEqual([[host.producer!.id, false, false]]);
    // And the host can still run the show.
    await host.setMuted(true);
    await eventually(() => expect(listener.snapshot?.stage[0]?.muted).toBe(true));
  });

  it('rate-limits a flooding connection while others are answered promptly', async () => {
    const attacker = await RawClient.connect(server.wsUrl);
    const flood = 400;
    for (let i = 0; i < flood; i++) attacker.send(JSON.stringify({ id: i, type: 'ping', data: {} }));
    const started = performance.now();
    await listener.signaling.request('ping', {});
    const listenerWaitMs = performance.now() - started;
    const responses = await attacker.responses(flood);
    const limited = responses.filter((r) => (r.error as { code?: string } | undefined)?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(flood / 2);
    expect(responses.filter((r) => r.ok === true).length).toBeGreaterThan(0);
    expect(listenerWaitMs).toBeLessThan(1000);
  });
});
