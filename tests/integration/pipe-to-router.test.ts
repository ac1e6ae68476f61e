// router.pipeToRouter() with mediasoup 3.19's options, between routers on two workers of the pool:
// what a Space spread over several workers (issue 15) will stand on. A speaker's RTP enters a router
// on one worker and is heard, packet for packet, by a listener on a router of the other worker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../src/server/Sfu';
import { startTestServer, type TestServer } from '../support/server';
import { plainListener, plainSpeaker, RtpRig } from '../support/rtpRig';

describe('pipeToRouter across the pool’s workers', () => {
  let server: TestServer;
  let rig: RtpRig;

  beforeEach(async () => {
    server = await startTestServer({ workers: 2, rtcPort: 0 });
    rig = RtpRig.start();
  });
  afterEach(async () => {
    rig.close();
    await server.close();
  });

  it.each([
    { enableSrtp: false, enableRtx: false },
    { enableSrtp: true, enableRtx: true },
  ])('carries every packet from a router on one worker to a listener on the other (%o)', async (options) => {
    const origin = await server.sfu.pool.createRouter(MEDIA_CODECS);
    const target = await server.sfu.pool.createRouter(MEDIA_CODECS);
    // The pool spreads routers over its workers: these two run in different processes.
    expect(server.sfu.pool.webRtcServerFor(origin)).not.toBe(server.sfu.pool.webRtcServerFor(target));

    const speaker = await plainSpeaker(origin, rig);
    const { pipeProducer, pipeConsumer } = await origin.pipeToRouter({
      producerId: speaker.producer.id,
      router: target,
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      ...options,
    });
    // keepId (the default): the piped producer has the same id on the target router.
    expect(pipeProducer!.id).toBe(speaker.producer.id);
    expect(pipeConsumer!.closed).toBe(false);

    const [port] = await rig.open(1);
    const listener = await plainListener(target, pipeProducer!.id, port!, false);
    await rig.reset();
    const sent = await rig.send(50);
    await new Promise((r) => setTimeout(r, 300));
    const report = await rig.report();
    const heard = report.streams.find((s) => s.ssrc === listener.ssrc)?.count ?? 0;
    expect(sent.sent).toBe(50);
    expect(heard).toBe(50);

    // Closing the origin producer closes the piped one on the other worker.
    const closed = new Promise<void>((resolve) => pipeProducer!.observer.once('close', () => resolve()));
    speaker.producer.close();
    await closed;
    origin.close();
    target.close();
  });
});
