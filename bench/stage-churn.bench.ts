// Stage churn: 50 speaker approvals and 50 moves back to the audience in a row, in a Space with a host
// and 40 listeners (RoomClients over WebSocket with mediasoup-client's FakeHandler: real signaling,
// real mediasoup producers and consumers, no audio). For each change, the time from the host's request
// until it has taken effect for everyone: every member's snapshot shows the new stage, and every
// listener has (or has dropped) a consumer of the speaker's producer.
//
//   npx vitest run --config bench/vitest.bench.config.ts bench/stage-churn.bench.ts
import { afterAll, expect, it } from 'vitest';
import type { RoomClient } from '../src/renderer/room/RoomClient';
import type { RunningServer } from '../src/server/server';
import { fakeMicTrack, fakeRoom } from '../tests/support/fakeRoom';
import { conditions, percentile, saveResults, say, startBenchServer } from './support';

const CHANGES = Number(process.env.BENCH_CHURN ?? 50);
const LISTENERS = Number(process.env.BENCH_CHURN_LISTENERS ?? 40);

let server: RunningServer | undefined;
const clients: RoomClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

/** Resolves when `check` holds, re-checking on every state or track event of the given clients. */
function until(watch: RoomClient[], check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const offs: Array<() => void> = [];
    const test = () => {
      if (!check()) return;
      offs.forEach((off) => off());
      resolve();
    };
    for (const c of watch) offs.push(c.on('state', test), c.on('trackadded', test), c.on('trackremoved', test));
    test();
  });
}

it('stage churn: approvals and removals taking effect for everyone', async () => {
  server = await startBenchServer({ workers: 1, maxSpeakers: 10 });
  const connect = async () => {
    const c = fakeRoom(server!.wsUrl);
    clients.push(c);
    await c.connect();
    return c;
  };
  const host = await connect();
  const created = await host.createSpace('Churn', 'Host');
  await host.join(created.hostToken);
  await host.startSending(fakeMicTrack());
  const listeners = await Promise.all(Array.from({ length: LISTENERS }, async (_, i) => {
    const c = await connect();
    await c.join(created.listenerInvite, `L${i}`);
    return c;
  }));
  // The people who will take turns on stage are among the listeners; each has a microphone ready.
  const everyone = [host, ...listeners];
  say(`stage churn: host + ${LISTENERS} listeners, ${CHANGES} approvals and ${CHANGES} removals; ${JSON.stringify(conditions())}`);

  const approveMs: number[] = [];
  const removeMs: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const speaker = listeners[i % listeners.length]!;
    await speaker.setMicrophone(fakeMicTrack());
    await speaker.raiseHand();
    const others = everyone.filter((c) => c !== speaker);
    const id = speaker.memberId!;
    const t0 = performance.now();
    await host.request('queue.approve', { memberId: id });
    await until(everyone, () => {
      const producerId = speaker.producer?.id;
      return (
        producerId !== undefined &&
        everyone.every((c) => c.snapshot?.stage.some((m) => m.memberId === id && m.live)) &&
        others.every((c) => c.remoteTracks().some((t) => t.producerId === producerId))
      );
    });
    approveMs.push(performance.now() - t0);
    const producerId = speaker.producer!.id;
    const t1 = performance.now();
    await host.request('stage.remove', { memberId: id });
    await until(everyone, () =>
      everyone.every((c) => !c.snapshot?.stage.some((m) => m.memberId === id)) &&
      others.every((c) => !c.remoteTracks().some((t) => t.producerId === producerId)),
    );
    removeMs.push(performance.now() - t1);
  }
  const summary = (values: number[]) => ({
    p50: Math.round(percentile(values, 50)),
    p95: Math.round(percentile(values, 95)),
    max: Math.round(Math.max(...values)),
  });
  const results = { listeners: LISTENERS, changes: CHANGES, approve: summary(approveMs), remove: summary(removeMs), conditions: conditions() };
  say(`stage churn: approval in effect for all ${LISTENERS + 1}: p50 ${results.approve.p50} ms, p95 ${results.approve.p95} ms, max ${results.approve.max} ms`);
  say(`stage churn: removal in effect for all ${LISTENERS + 1}: p50 ${results.remove.p50} ms, p95 ${results.remove.p95} ms, max ${results.remove.max} ms`);
  say(`saved ${saveResults('stage-churn', results)}`);
  expect(approveMs).toHaveLength(CHANGES);
});
