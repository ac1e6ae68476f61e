// Fan-out: one speaker to N listeners on one mediasoup worker. The speaker is plain RTP at 50 packets a
// second (Opus-shaped, 80-byte payloads); the listeners are PlainTransport consumers with SRTP (the
// worker encrypts every packet for each, as for a WebRTC listener) delivering to UDP sockets in a
// separate process that counts one listener in ten (SAMPLE_EVERY). N ramps up; at each step exactly 250 packets (5 s) are sent and every
// arrival counted, with the worker's CPU and memory. A handful of real Chromium listeners (the real
// RoomClient over WebRTC) stay in the Space throughout as calibration.
//
//   npx vitest run --config bench/vitest.bench.config.ts bench/fan-out.bench.ts
//
// Environment: BENCH_FANOUT_STEPS (comma-separated listener counts), BENCH_FANOUT_SRTP=0 (no SRTP),
// BENCH_FANOUT_CHROMIUM (how many Chromium listeners, default 6; 0 for none).
import os from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, it } from 'vitest';
import type { RunningServer } from '../src/server/server';
import { launchChromium } from '../tests/support/browser';
import { plainListener, plainSpeaker, RtpRig, type RigReport } from '../tests/support/rtpRig';
import type { ReceiverStats } from './pages/bench';
import { buildBenchPages, conditions, cpuTimes, percentile, rssKiB, saveResults, say, slope, startBenchServer, udpQueueBytes } from './support';

const STEPS = (process.env.BENCH_FANOUT_STEPS ?? '250,500,1000,1500,2000,2500,3000,3500,4000,5000,6000').split(',').map(Number);
const SRTP = process.env.BENCH_FANOUT_SRTP !== '0';
const CHROMIUM_LISTENERS = Number(process.env.BENCH_FANOUT_CHROMIUM ?? 6);
/** Packets per measuring window: 5 s of audio. */
const WINDOW_PACKETS = 250;
const CALIBRATION_PACKETS = 500;
/** A packet counts as delivered if it arrived within this long after the window's last send. */
const ON_TIME_MS = 400;
/** Then arrivals are counted again this much later: what is missing then was lost, not late. */
const DRAIN_MS = 3000;
/** Listeners that share one receiving socket (each socket has a 4 MiB buffer). */
const LISTENERS_PER_SOCKET = 25;
/** Count the packets of one listener in this many (all of them cost the worker the same; counting
 * every packet in Node would take a core of its own). The others deliver to sockets nobody reads. */
const SAMPLE_EVERY = Number(process.env.BENCH_FANOUT_SAMPLE_EVERY ?? 10);
/** Stop ramping once this much time has gone, so the script always ends in a few minutes. */
const BUDGET_MS = 6 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: RunningServer | undefined;
let rig: RtpRig | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  rig?.close();
  await server?.close();
});

it('fan-out: one speaker to N listeners on one worker', async () => {
  const started = Date.now();
  const useChromium = CHROMIUM_LISTENERS > 0;
  if (useChromium) await buildBenchPages();
  server = await startBenchServer({ workers: 1 });
  const worker = server.sfu.pool.workers()[0]!;
  const { space, listenerInvite } = await server.sfu.createSpace({ title: 'Fan-out bench', hostName: 'Bench speaker' });
  // The speaker is a member on the Stage, so real listeners can join and consume it as usual.
  const speakerMember = space.membership.join({ userId: 'bench-speaker', displayName: 'Bench speaker', role: 'host', canRequest: false, push: () => undefined });
  rig = RtpRig.start();
  const speaker = await plainSpeaker(space.router, rig);
  await space.addProducer(speakerMember, speaker.producer);
  say(`fan-out bench: worker pid ${worker.pid}, SRTP ${SRTP ? 'on' : 'off'}, ${CHROMIUM_LISTENERS} Chromium listeners; ${JSON.stringify(conditions())}`);

  const producerPackets = async () => {
    const stats = (await speaker.producer.getStats()) as Array<{ packetCount?: number }>;
    return stats.reduce((sum, s) => sum + (s.packetCount ?? 0), 0);
  };
  let page: Page | undefined;
  const chromiumStats = async (): Promise<ReceiverStats[]> => (page ? page.evaluate(() => window.bench.receiverStats()) : []);

  /**
   * Sends `packets` and measures: what arrived where, and when, and what it cost the worker. Nothing
   * inside the window asks the worker anything: a channel request waits behind the packets the worker
   * is still forwarding, and 3.8.4 answered it only once its backlog was gone while 3.19.3 answers at
   * once, so timing the window by a reply measured the two differently (docs/PERFORMANCE.md).
   * Arrivals are counted ON_TIME_MS after the last packet left the sender (what a listener hears in
   * time) and again DRAIN_MS later (what was never delivered at all).
   */
  const measure = async (packets: number, listenerSsrcs: number[]) => {
    await rig!.reset();
    const before = { udp: (await rig!.report()).udp, rigCpu: (await rig!.report()).cpu, produced: await producerPackets(), chromium: await chromiumStats() };
    const cpu0 = cpuTimes(worker.pid);
    const t0 = performance.now();
    const sent = await rig!.send(packets);
    const cpu1 = cpuTimes(worker.pid);
    const wallMs = performance.now() - t0 + 20; // the last packet's 20 ms belongs to the window too
    // What the worker has not yet read of the speaker's packets when the last one left.
    const inputBacklogBytes = udpQueueBytes(speaker.transport.tuple.localPort);
    await sleep(Math.max(0, sent.lastSentMs + ON_TIME_MS - (performance.timeOrigin + performance.now())));
    const onTime = await rig!.report();
    await sleep(DRAIN_MS);
    const report = await rig!.report();
    const produced = (await producerPackets()) - before.produced;
    const chromium = await chromiumStats();
    const countsIn = (r: RigReport) => new Map(r.streams.map((s) => [s.ssrc, s.count]));
    const inTime = countsIn(onTime);
    const atLast = countsIn(report);
    const perListener = listenerSsrcs.map((ssrc) => inTime.get(ssrc) ?? 0);
    const received = perListener.reduce((a, b) => a + b, 0);
    const delivered = listenerSsrcs.reduce((sum, ssrc) => sum + (atLast.get(ssrc) ?? 0), 0);
    const expected = sent.sent * listenerSsrcs.length;
    const lastArrivals = report.streams.filter((s) => listenerSsrcs.includes(s.ssrc)).map((s) => s.lastArrivalMs);
    const workerCpuMs = cpu1.user + cpu1.system - (cpu0.user + cpu0.system);
    return {
      sent: sent.sent,
      maxSendGapMs: sent.maxSendGapMs,
      /** Not delivered within ON_TIME_MS of the window's end: late or lost, what a listener misses. */
      lossPct: expected ? (100 * (expected - received)) / expected : 0,
      /** Never delivered, even DRAIN_MS later. */
      lostPct: expected ? (100 * (expected - delivered)) / expected : 0,
      worstListenerLossPct: perListener.length ? (100 * (sent.sent - Math.min(...perListener))) / sent.sent : 0,
      /** How long after the last send the last counted packet arrived: how far behind the worker ended. */
      tailLagMs: lastArrivals.length ? Math.max(...lastArrivals) - sent.lastSentMs : 0,
      inputBacklogBytes,
      workerInputLost: sent.sent - produced,
      receiverBufferDrops: report.udp.countingSocketDrops - before.udp.countingSocketDrops,
      workerCpuPct: (100 * workerCpuMs) / wallMs,
      workerSysPct: (100 * (cpu1.system - cpu0.system)) / wallMs,
      rigCpuPct: (100 * (report.cpu.user + report.cpu.system - before.rigCpu.user - before.rigCpu.system)) / 1000 / wallMs,
      chromiumLossPct: chromium.map((c, i) => (100 * (sent.sent - (c.packetsReceived - (before.chromium[i]?.packetsReceived ?? 0)))) / sent.sent),
      load1: Number(os.loadavg()[0]!.toFixed(2)),
    };
  };

  /** Every listener's SSRC, and those of the ones whose packets are counted. */
  const ssrcs: number[] = [];
  const counted: number[] = [];
  const ports: number[] = [];
  const sinkPorts: number[] = [];
  const addListeners = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const index = ssrcs.length;
      let port: number;
      if (index % SAMPLE_EVERY === 0) {
        const k = index / SAMPLE_EVERY;
        if (Math.floor(k / LISTENERS_PER_SOCKET) >= ports.length) ports.push(...(await rig!.open(1)));
        port = ports[Math.floor(k / LISTENERS_PER_SOCKET)]!;
      } else {
        if (Math.floor(index / 100) >= sinkPorts.length) sinkPorts.push(...(await rig!.sinks(1)));
        port = sinkPorts[Math.floor(index / 100)]!;
      }
      const listener = await plainListener(space.router, speaker.producer.id, port, SRTP);
      ssrcs.push(listener.ssrc);
      if (index % SAMPLE_EVERY === 0) counted.push(listener.ssrc);
    }
  };

  // Calibration: the worker's cost per listener, real WebRTC listeners against plain ones.
  const calibration: Record<string, unknown> = {};
  const idle = await measure(CALIBRATION_PACKETS, []);
  calibration.speakerOnlyCpuPct = idle.workerCpuPct;
  if (useChromium) {
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => say(`page error: ${e.message}`));
    await page.goto(`${server.httpUrl}/bench/bench.html`);
    await page.waitForFunction(() => window.bench !== undefined);
    await page.evaluate(([ws, invite, n]) => window.bench.listeners(ws, invite, n), [server.wsUrl, listenerInvite, CHROMIUM_LISTENERS] as const);
    await sleep(1000);
    const withChromium = await measure(CALIBRATION_PACKETS, []);
    await addListeners(CHROMIUM_LISTENERS);
    await sleep(500);
    const withPlain = await measure(CALIBRATION_PACKETS, counted);
    calibration.chromiumListeners = CHROMIUM_LISTENERS;
    calibration.cpuPctPerChromiumListener = (withChromium.workerCpuPct - idle.workerCpuPct) / CHROMIUM_LISTENERS;
    calibration.cpuPctPerPlainListener = (withPlain.workerCpuPct - withChromium.workerCpuPct) / CHROMIUM_LISTENERS;
    calibration.chromiumLossPct = withPlain.chromiumLossPct;
    calibration.plainLossPct = withPlain.lossPct;
    say(
      `calibration (${CALIBRATION_PACKETS} packets each): worker CPU ${idle.workerCpuPct.toFixed(2)} % speaker only, ` +
        `${withChromium.workerCpuPct.toFixed(2)} % + ${CHROMIUM_LISTENERS} Chromium listeners, ${withPlain.workerCpuPct.toFixed(2)} % + ${CHROMIUM_LISTENERS} plain; ` +
        `per listener: Chromium ${(calibration.cpuPctPerChromiumListener as number).toFixed(3)} %, plain ${(calibration.cpuPctPerPlainListener as number).toFixed(3)} %; ` +
        `loss: Chromium ${withPlain.chromiumLossPct.map((l) => l.toFixed(1)).join('/')} %, plain ${withPlain.lossPct.toFixed(2)} %`,
    );
  }

  say(`listeners | loss % (not in ${ON_TIME_MS} ms) | lost % (after ${DRAIN_MS / 1000} s) | worst % | tail lag ms | input backlog KiB | input lost | rcvbuf drops | worker CPU % (sys) | counter CPU % | worker RSS MiB | node heap MiB | Chromium loss % | load`);
  const steps: Array<Record<string, number | number[]>> = [];
  let failures = 0;
  let stoppedBy: string | null = null;
  for (const target of STEPS) {
    if (Date.now() - started > BUDGET_MS) {
      say(`time budget reached before ${target} listeners`);
      break;
    }
    let m: Awaited<ReturnType<typeof measure>>;
    try {
      await addListeners(target - ssrcs.length);
      await sleep(500);
      m = await measure(WINDOW_PACKETS, counted);
    } catch (error) {
      // A worker too busy to answer its channel (mediasoup's 15 s request timeout) ends the ramp, not the report.
      stoppedBy = `${(error as Error).message} while going to ${target} listeners (at ${ssrcs.length})`;
      say(`ramp stopped: ${stoppedBy}`);
      break;
    }
    const workerRssMiB = rssKiB(worker.pid) / 1024;
    const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
    const step = { listeners: ssrcs.length, ...m, workerRssMiB, nodeHeapMiB: heapMiB };
    steps.push(step);
    say(
      `${String(ssrcs.length).padStart(9)} | ${m.lossPct.toFixed(3).padStart(6)} | ${m.lostPct.toFixed(3).padStart(6)} | ${m.worstListenerLossPct.toFixed(1).padStart(7)} | ` +
        `${m.tailLagMs.toFixed(0).padStart(6)} | ${(m.inputBacklogBytes / 1024).toFixed(1).padStart(6)} | ` +
        `${String(m.workerInputLost).padStart(10)} | ${String(m.receiverBufferDrops).padStart(12)} | ${m.workerCpuPct.toFixed(1).padStart(6)} (${m.workerSysPct.toFixed(1).padStart(4)}) | ` +
        `${m.rigCpuPct.toFixed(1).padStart(13)} | ${workerRssMiB.toFixed(1).padStart(14)} | ${heapMiB.toFixed(1).padStart(13)} | ` +
        `${m.chromiumLossPct.map((l) => l.toFixed(1)).join('/').padStart(15)} | ${m.load1}`,
    );
    if (m.lossPct > 1) failures++;
    else failures = 0;
    if (failures >= 2 || m.lossPct > 10) break;
  }

  const passing = steps.filter((s) => (s.lossPct as number) <= 1);
  const firstFailing = steps.find((s) => (s.lossPct as number) > 1);
  const xs = passing.map((s) => s.listeners as number);
  const summary = {
    conditions: conditions(),
    srtp: SRTP,
    windowPackets: WINDOW_PACKETS,
    calibration,
    steps,
    maxListenersUnder1PctLoss: xs.length ? Math.max(...xs) : 0,
    firstListenersOver1PctLoss: (firstFailing?.listeners as number | undefined) ?? null,
    workerCpuPctPer100Listeners: 100 * slope(xs, passing.map((s) => s.workerCpuPct as number)),
    workerKiBPerListener: 1024 * slope(steps.map((s) => s.listeners as number), steps.map((s) => s.workerRssMiB as number)),
    nodeHeapKiBPerListener: 1024 * slope(steps.map((s) => s.listeners as number), steps.map((s) => s.nodeHeapMiB as number)),
    medianLoad1: percentile(steps.map((s) => s.load1 as number), 50),
    stoppedBy,
  };
  say(
    `fan-out result (1 worker, SRTP ${SRTP ? 'on' : 'off'}): loss ≤ 1 % up to ${summary.maxListenersUnder1PctLoss} listeners; ` +
      `first step over 1 %: ${summary.firstListenersOver1PctLoss ?? 'none reached'}; ` +
      `worker CPU ${summary.workerCpuPctPer100Listeners.toFixed(2)} % of a core per 100 listeners; ` +
      `memory ${summary.workerKiBPerListener.toFixed(1)} KiB per listener in the worker, ${summary.nodeHeapKiBPerListener.toFixed(1)} KiB in Node's heap`,
  );
  say(`saved ${saveResults(`fan-out${SRTP ? '' : '-nosrtp'}`, summary)}`);
});
