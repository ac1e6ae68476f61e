// Cluster fan-out (issue 15): one speaker on an origin node, listeners spread evenly over three nodes
// sharing a real redis-server (the origin and two edges, each its own server with one mediasoup worker,
// here in one process on one machine). The edges hear the speaker through NodePipes: one SRTP + RTX
// PipeTransport per edge, set up over Redis. Listeners are PlainTransport consumers with SRTP delivering
// to UDP sockets in the RTP rig's process; one listener in SAMPLE_EVERY is counted packet by packet
// (as in fan-out.bench.ts: every listener costs its worker the same, and counting all in Node would take
// a core of its own). At each step exactly 250 packets (5 s) are sent; printed per node: loss, worker
// CPU; overall: CPU per 1,000 listeners, pipe count, and the Redis messages one state change (a mute
// and an unmute) costs.
//
//   flock /work/locks/heavy npx vitest run --config bench/vitest.bench.config.ts bench/cluster.bench.ts
//
// Environment: BENCH_CLUSTER_STEPS (comma-separated total listener counts), BENCH_CLUSTER_SAMPLE_EVERY.
import type { types as ms } from 'mediasoup';
import os from 'node:os';
import { afterAll, it } from 'vitest';
import type { RunningServer } from '../src/server/server';
import { MEDIA_CODECS } from '../src/server/Sfu';
import { createTestDatabase, type TestDatabase } from '../tests/support/postgres';
import { startRedis, type TestRedis } from '../tests/support/redis';
import { plainListener, plainSpeaker, RtpRig } from '../tests/support/rtpRig';
import { conditions, saveResults, say, startBenchServer } from './support';

const STEPS = (process.env.BENCH_CLUSTER_STEPS ?? '300,900,1800,3000,4500').split(',').map(Number);
const SAMPLE_EVERY = Number(process.env.BENCH_CLUSTER_SAMPLE_EVERY ?? 10);
const WINDOW_PACKETS = 250;
const LISTENERS_PER_SOCKET = 25;
const BUDGET_MS = 6 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: TestRedis | undefined;
let db: TestDatabase | undefined;
const nodes: RunningServer[] = [];
let rig: RtpRig | undefined;

afterAll(async () => {
  rig?.close();
  for (const node of nodes) await node.close();
  await redis?.stop();
  await db?.drop();
});

it('cluster: one speaker on the origin, listeners over three nodes', async () => {
  const started = Date.now();
  redis = await startRedis();
  db = await createTestDatabase();
  for (const id of ['origin', 'edge-b', 'edge-c']) nodes.push(await startBenchServer({ redis: redis.url, nodeId: id, database: db.url }));
  const [origin, ...edges] = nodes as [RunningServer, RunningServer, RunningServer];
  const { space } = await origin.sfu.createSpace({ title: 'Cluster bench', hostName: 'Bench speaker' });
  const speakerMember = space.membership.join({ userId: 'bench-speaker', displayName: 'Bench speaker', role: 'host', canRequest: false, push: () => undefined });
  rig = RtpRig.start();
  const speaker = await plainSpeaker(space.router, rig);
  await space.addProducer(speakerMember, speaker.producer);

  // Each node's router the listeners consume from: the Stage's own on the origin, a piped one on each edge.
  const routers: ms.Router[] = [space.router];
  for (const edge of edges) {
    const router = await edge.sfu.pool.createRouter(MEDIA_CODECS);
    await edge.sfu.cluster!.pipes.pipeFrom('origin', space.id, speaker.producer.id, router);
    routers.push(router);
  }
  const workers = nodes.map((node) => node.sfu.pool.workers()[0]!);
  say(`cluster bench: 3 nodes (1 worker each), sampling 1 listener in ${SAMPLE_EVERY}; ${JSON.stringify(conditions())}`);

  /** Per node: every listener's SSRC count, and the counted ones. */
  const perNode = nodes.map(() => ({ listeners: 0, counted: [] as number[] }));
  let total = 0;
  const ports: number[] = [];
  const sinkPorts: number[] = [];
  let sampled = 0;
  const addListener = async (n: number) => {
    const index = total++;
    let port: number;
    if (index % SAMPLE_EVERY === 0) {
      if (Math.floor(sampled / LISTENERS_PER_SOCKET) >= ports.length) ports.push(...(await rig!.open(1)));
      port = ports[Math.floor(sampled / LISTENERS_PER_SOCKET)]!;
      sampled++;
    } else {
      if (Math.floor(index / 100) >= sinkPorts.length) sinkPorts.push(...(await rig!.sinks(1)));
      port = sinkPorts[Math.floor(index / 100)]!;
    }
    const listener = await plainListener(routers[n]!, speaker.producer.id, port, true);
    perNode[n]!.listeners++;
    if (index % SAMPLE_EVERY === 0) perNode[n]!.counted.push(listener.ssrc);
  };

  const producerPackets = async () => {
    const stats = (await speaker.producer.getStats()) as Array<{ packetCount?: number }>;
    return stats.reduce((sum, st) => sum + (st.packetCount ?? 0), 0);
  };
  const measure = async () => {
    await rig!.reset();
    const before = { drops: (await rig!.report()).udp.countingSocketDrops, produced: await producerPackets() };
    const usage0 = await Promise.all(workers.map((w) => w.getResourceUsage()));
    const t0 = performance.now();
    const sent = await rig!.send(WINDOW_PACKETS);
    const usage1 = await Promise.all(workers.map((w) => w.getResourceUsage()));
    const wallMs = performance.now() - t0 + 20;
    await sleep(400);
    const report = await rig!.report();
    const counts = new Map(report.streams.map((s) => [s.ssrc, s.count]));
    // Packets the origin's worker never got (the sender or the machine), and those the counter's
    // sockets dropped (the counter, not the SFU): both count as loss below, but say where it was.
    const inputLost = sent.sent - ((await producerPackets()) - before.produced);
    const counterDrops = report.udp.countingSocketDrops - before.drops;
    const node = perNode.map((p, i) => {
      const received = p.counted.reduce((sum, ssrc) => sum + (counts.get(ssrc) ?? 0), 0);
      const expected = sent.sent * p.counted.length;
      const cpuMs = usage1[i]!.ru_utime + usage1[i]!.ru_stime - usage0[i]!.ru_utime - usage0[i]!.ru_stime;
      return { listeners: p.listeners, lossPct: expected ? (100 * (expected - received)) / expected : 0, workerCpuPct: (100 * cpuMs) / wallMs };
    });
    const cpuPct = node.reduce((sum, n) => sum + n.workerCpuPct, 0);
    const lossPct = node.reduce((sum, n) => sum + n.lossPct * n.listeners, 0) / Math.max(1, total);
    return { sent: sent.sent, inputLost, counterDrops, node, lossPct, cpuPctPer1000: (1000 * cpuPct) / Math.max(1, total), load1: Number(os.loadavg()[0]!.toFixed(2)) };
  };

  say('listeners | loss % origin / edge-b / edge-c | input lost | counter drops | worker CPU % origin / edge-b / edge-c | CPU % per 1,000 listeners | load');
  const steps: unknown[] = [];
  for (const target of STEPS) {
    if (Date.now() - started > BUDGET_MS) {
      say(`time budget reached before ${target} listeners`);
      break;
    }
    let m: Awaited<ReturnType<typeof measure>>;
    try {
      while (total < target) await addListener(total % 3);
      await sleep(500);
      m = await measure();
    } catch (error) {
      say(`ramp stopped at ${total} listeners: ${(error as Error).message}`);
      break;
    }
    steps.push({ listeners: total, ...m });
    say(
      `${String(total).padStart(9)} | ${m.node.map((n) => n.lossPct.toFixed(2)).join(' / ').padStart(30)} | ${String(m.inputLost).padStart(10)} | ${String(m.counterDrops).padStart(13)} | ` +
        `${m.node.map((n) => n.workerCpuPct.toFixed(1)).join(' / ').padStart(36)} | ${m.cpuPctPer1000.toFixed(2).padStart(25)} | ${m.load1}`,
    );
    if (m.lossPct > 10) break;
  }

  // Pipes: one per edge, whatever the listener count.
  const pipes = { origin: origin.sfu.cluster!.pipes.pipeCount, edges: edges.map((e) => e.sfu.cluster!.pipes.pipeCount), pipedProducersAtOrigin: origin.sfu.cluster!.pipes.pipedProducers };
  // Signaling per state change over Redis: a mute and an unmute at the origin, counted on its bus.
  const bus = origin.sfu.cluster!.bus.stats;
  const before = { ...bus };
  await speaker.producer.pause();
  await sleep(300);
  await speaker.producer.resume();
  await sleep(300);
  const perChange = { publishes: (bus.publishes - before.publishes) / 2, messages: (bus.messages - before.messages) / 2, bytes: (bus.bytes - before.bytes) / 2 };
  say(`pipes: origin ${pipes.origin}, edges ${pipes.edges.join(' / ')}, piped producers at the origin ${pipes.pipedProducersAtOrigin}`);
  say(`Redis per state change (mute): ${perChange.publishes} publishes, ${perChange.messages} messages, ${perChange.bytes} bytes, for ${total} listeners`);
  const file = saveResults('cluster', { conditions: conditions(), sampleEvery: SAMPLE_EVERY, windowPackets: WINDOW_PACKETS, steps, pipes, redisPerStateChange: perChange });
  say(`results: ${file}`);
});
