// Mouth to ear, the studio against bare mediasoup in the same run. A host sends beeps (a WAV as
// Chromium's fake microphone) and a listener in another page hears them, in three configurations taken in
// turn, round after round, so each sees the same machine and the same minutes:
//   product-bypassed  the real studio page going live (console chain bypassed) → the real listener page,
//   product-chain     the same with the console's default chain on (RNNoise, compressor, limiter),
//   bare              the bare mediasoup page (bench/bare: its own server and client) → its own listener.
// The probe (bench/probe) taps every page the same way from outside: the microphone track as getUserMedia
// returns it, the track handed to the RTCPeerConnection, and the track the listener's peer connection
// delivers, each stamped by Chromium. Prints p50/p95 of each configuration, the ratios and differences to
// bare, the load average, and the split from getStats() (jitter buffer, packetisation, concealment).
//
//   npm run bench:mouth-to-ear          (BENCH_BEEPS per configuration, default 60; BENCH_ROUNDS, default 5)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import type { StudioHost } from '../src/main/studio-host';
import type { RunningServer } from '../src/server/server';
import { BROWSER_PROCESSING_FOR, defaultConsoleSettings, STAGE_IDS, type ConsoleSettings } from '../src/shared/console-settings';
import { launchChromium } from '../tests/support/browser';
import { goLive, startTestStudio } from '../tests/support/studio';
import { writeBeepWav, type Beep } from '../tests/support/wav';
import { startBareServer, type BareServer } from './bare/server';
import type { PeerStats, TapName } from './probe/probe';
import { BARE_PAGE_DIR, buildBarePage, buildBenchPages, conditions, mean, percentile, probeScript, saveResults, say, startBenchServer } from './support';

const CONFIGS = ['product-bypassed', 'product-chain', 'bare'] as const;
/** Also, for finding where time goes, by BENCH_CONFIGS only: 'hostline-mic', Hostline's RoomClient and
 * SFU sending the raw microphone (the bench page), heard on the real listener page; no studio console. */
type Config = (typeof CONFIGS)[number] | 'hostline-mic';
const ONLY = process.env.BENCH_CONFIGS?.split(',') as Config[] | undefined;
const BEEPS = Number(process.env.BENCH_BEEPS ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** One beep every 600 ms: any plausible latency pairs each heard beep with the one just sent. */
const PERIOD = 0.6;
/** The microphone as the studio opens it on headphones (no browser processing); the bare host uses the same. */
const MIC: MediaTrackConstraints = { channelCount: 1, sampleRate: 48000, ...BROWSER_PROCESSING_FOR.headphones };

const dir = mkdtempSync(join(os.tmpdir(), 'hostline-bench-'));
let studio: StudioHost | undefined;
let bare: BareServer | undefined;
let benchServer: RunningServer | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await studio?.close();
  await bare?.close();
  await benchServer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The console as each product configuration runs it: on headphones, chain bypassed or the default. */
function consoleFor(config: Config): ConsoleSettings {
  const base: ConsoleSettings = { ...defaultConsoleSettings(), listeningOn: 'headphones', browser: { ...BROWSER_PROCESSING_FOR.headphones } };
  if (config !== 'product-bypassed') return base;
  const chain = structuredClone(base.chain);
  for (const id of STAGE_IDS) chain[id].bypass = true;
  return { ...base, chain, presetName: 'Bypassed' };
}

/** For each onset at `to`, the delay since the latest onset at `from` before it (within one period). */
function pair(from: number[], to: number[]): number[] {
  const delays: number[] = [];
  for (const t of to) {
    const f = from.filter((x) => x <= t && t - x < PERIOD * 1000).at(-1);
    if (f !== undefined) delays.push(t - f);
  }
  return delays;
}

interface Session {
  host: Page;
  ear: Page;
  contexts: BrowserContext[];
}

async function openSession(config: Config, probe: string): Promise<Session> {
  const contexts = [await browser!.newContext(), await browser!.newContext()];
  for (const c of contexts) await c.addInitScript({ content: probe });
  const [host, ear] = [await contexts[0]!.newPage(), await contexts[1]!.newPage()];
  for (const [who, page] of [['host', host], ['listener', ear]] as const) page.on('pageerror', (e) => say(`  ${config} ${who} page error: ${e.message}`));
  if (config === 'bare') {
    await host.goto(bare!.httpUrl);
    await host.evaluate((mic) => window.bare.host(mic), MIC);
    await ear.goto(bare!.httpUrl);
  } else if (config === 'hostline-mic') {
    await host.goto(`${benchServer!.httpUrl}/bench/bench.html`);
    const { invite, listenPath } = await host.evaluate((ws) => window.bench.host(ws), benchServer!.wsUrl);
    await ear.goto(`${benchServer!.httpUrl}${listenPath}#invite=${encodeURIComponent(invite)}`);
  } else {
    studio!.settings.update({ console: consoleFor(config) });
    const link = await goLive(host, studio!, 'Bench host', `Bench ${config}`);
    await ear.goto(link);
  }
  await ear.getByTestId('listen').click();
  await ear.getByTestId('listen-status').waitFor({ timeout: 15_000 });
  await ear.waitForFunction(() => (window.hostlineProbe.onsets().ear?.length ?? 0) > 0, undefined, { timeout: 15_000 });
  return { host, ear, contexts };
}

const statsOf = (page: Page) => page.evaluate(() => window.hostlineProbe.stats());
const inbound = (all: PeerStats[]) => all.find((s) => s.inbound)!;
const outbound = (all: PeerStats[]) => all.find((s) => s.outbound)!;

interface Measured {
  config: Config;
  round: number;
  load: number;
  endToEnd: number[];
  /** Microphone to the track handed to the peer connection: the studio's own processing. */
  inStudio: number[];
  /** That track to the listener's received track: WebRTC and the SFU. */
  onTheWire: number[];
  jitterBufferMs: number;
  jitterBufferTargetMs: number;
  /** Inter-arrival jitter the listener measured (RFC 3550). */
  jitterMs: number;
  packetMs: number;
  concealedPct: number;
  roundTripMs: number;
  playoutMs: number;
  /** The studio's own report of its chain: capture to the processed track, ms (median of its reports). */
  chainDelayMs: number;
  /** How evenly the sent track delivers its frames: intervals between frame timestamps, ms. */
  sentFrameMs: { p50: number; p95: number; max: number; frameMs: number };
}

async function measure(config: Config, round: number, beeps: number, probe: string): Promise<Measured> {
  const session = await openSession(config, probe);
  try {
    // Let the jitter buffer settle, then measure a fresh stretch of beeps.
    await session.host.waitForTimeout(3000);
    await Promise.all([session.host, session.ear].map((p) => p.evaluate(() => window.hostlineProbe.clear())));
    const [ear0, host0] = await Promise.all([statsOf(session.ear), statsOf(session.host)]);
    const load = os.loadavg()[0]!;
    const chainDelays: number[] = [];
    const sampling = setInterval(() => {
      void session.host.evaluate(() => window.hostlineConsole?.chainDelay?.medianMs).then((d) => d !== undefined && chainDelays.push(d), () => undefined);
    }, 500);
    await session.host.waitForTimeout((beeps * PERIOD + 0.8) * 1000);
    clearInterval(sampling);
    const [ear1, host1] = await Promise.all([statsOf(session.ear), statsOf(session.host)]);
    const heard = await session.ear.evaluate(() => window.hostlineProbe.onsets());
    const sent = await session.host.evaluate(() => window.hostlineProbe.onsets());
    const frames = (await session.host.evaluate(() => window.hostlineProbe.frames())).sent ?? [];
    const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
    const on = (o: Partial<Record<TapName, number[]>>, name: TapName) => o[name] ?? [];
    const [i0, i1] = [inbound(ear0).inbound!, inbound(ear1).inbound!];
    const [o0, o1] = [outbound(host0).outbound!, outbound(host1).outbound!];
    const emitted = i1.jitterBufferEmittedCount - i0.jitterBufferEmittedCount;
    const p0 = inbound(ear0).playout;
    const p1 = inbound(ear1).playout;
    return {
      config,
      round,
      load,
      endToEnd: pair(on(sent, 'mouth'), on(heard, 'ear')),
      inStudio: pair(on(sent, 'mouth'), on(sent, 'sent')),
      onTheWire: pair(on(sent, 'sent'), on(heard, 'ear')),
      jitterBufferMs: (1000 * (i1.jitterBufferDelay - i0.jitterBufferDelay)) / emitted,
      jitterBufferTargetMs: (1000 * (i1.jitterBufferTargetDelay - i0.jitterBufferTargetDelay)) / emitted,
      jitterMs: 1000 * i1.jitter,
      packetMs: (o1.timestamp - o0.timestamp) / (o1.packetsSent - o0.packetsSent),
      concealedPct: (100 * (i1.concealedSamples - i0.concealedSamples)) / (i1.totalSamplesReceived - i0.totalSamplesReceived),
      roundTripMs: 1000 * ((inbound(ear1).roundTrip ?? NaN) + (outbound(host1).roundTrip ?? NaN)) / 2,
      chainDelayMs: percentile(chainDelays, 50),
      sentFrameMs: { p50: percentile(intervals, 50), p95: percentile(intervals, 95), max: Math.max(...intervals), frameMs: (frames.at(-1)! - frames[0]!) / (frames.length - 1) },
      playoutMs: p0 && p1 ? (1000 * (p1.totalPlayoutDelay - p0.totalPlayoutDelay)) / (p1.totalSamplesCount - p0.totalSamplesCount) : NaN,
    };
  } finally {
    if (config.startsWith('product')) {
      session.host.once('dialog', (d) => void d.accept());
      await session.host.getByTestId('end-space').click().catch(() => undefined);
    }
    for (const c of session.contexts) await c.close();
  }
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

function summarise(windows: Measured[]) {
  const all = (key: 'endToEnd' | 'inStudio' | 'onTheWire') => windows.flatMap((w) => w[key]);
  const avg = (key: keyof Measured) => mean(windows.map((w) => w[key] as number).filter(Number.isFinite));
  const e2e = all('endToEnd');
  return {
    beeps: e2e.length,
    p50Ms: percentile(e2e, 50),
    p95Ms: percentile(e2e, 95),
    minMs: Math.min(...e2e),
    maxMs: Math.max(...e2e),
    inStudioP50Ms: percentile(all('inStudio'), 50),
    onTheWireP50Ms: percentile(all('onTheWire'), 50),
    jitterBufferMs: avg('jitterBufferMs'),
    jitterBufferTargetMs: avg('jitterBufferTargetMs'),
    jitterMs: avg('jitterMs'),
    packetMs: avg('packetMs'),
    concealedPct: avg('concealedPct'),
    roundTripMs: avg('roundTripMs'),
    playoutMs: avg('playoutMs'),
    loadAverage: windows.map((w) => Number(w.load.toFixed(2))),
  };
}

it('mouth to ear: the studio against bare mediasoup', async () => {
  const configs: Config[] = ONLY ?? [...CONFIGS];
  const perRound = Math.ceil(BEEPS / ROUNDS);
  const wav = join(dir, 'beeps.wav');
  // Long enough for every round: the fake microphone loops it.
  const count = Math.ceil(60 / PERIOD);
  const beeps: Beep[] = Array.from({ length: count }, (_, i) => ({ start: 0.3 + i * PERIOD, duration: 0.1, frequency: 1000 }));
  writeBeepWav(wav, { beeps, length: count * PERIOD });
  await buildBarePage();
  if (configs.includes('hostline-mic')) {
    await buildBenchPages();
    benchServer = await startBenchServer();
  }
  const probe = await probeScript({ threshold: 0.05, quietMs: 100 });
  [studio, bare, browser] = await Promise.all([startTestStudio(dir), startBareServer(BARE_PAGE_DIR), launchChromium({ micWav: wav })]);
  say(`mouth to ear: ${configs.join(', ')}; ${ROUNDS} rounds of ${perRound} beeps each; ${JSON.stringify(conditions())}`);

  const windows: Measured[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate the order so no configuration always follows another.
    const order = configs.map((_, i) => configs[(i + round - 1) % configs.length]!);
    for (const config of order) {
      const w = await measure(config, round, perRound, probe);
      windows.push(w);
      say(
        `  round ${round} ${config.padEnd(16)} load ${w.load.toFixed(2)}: ${w.endToEnd.length} beeps, p50 ${f1(percentile(w.endToEnd, 50))} ms ` +
          `(in the studio ${f1(percentile(w.inStudio, 50))}, on the wire ${f1(percentile(w.onTheWire, 50))}); ` +
          `jitter buffer ${f1(w.jitterBufferMs)} (target ${f1(w.jitterBufferTargetMs)}, arrival jitter ${f1(w.jitterMs)}), packets every ${f1(w.packetMs)} ms, ` +
          `concealed ${w.concealedPct.toFixed(2)} %, RTT ${w.roundTripMs.toFixed(2)} ms; chain delay ${f1(w.chainDelayMs)} ms; ` +
          `sent track frames every ${f1(w.sentFrameMs.frameMs)} ms (intervals p50 ${f1(w.sentFrameMs.p50)}, p95 ${f1(w.sentFrameMs.p95)}, max ${f1(w.sentFrameMs.max)})`,
      );
    }
  }

  const results = Object.fromEntries(configs.map((c) => [c, summarise(windows.filter((w) => w.config === c))])) as Record<Config, ReturnType<typeof summarise>>;
  say(`mouth to ear over ${ROUNDS} rounds (load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
  for (const c of configs) {
    const r = results[c];
    say(
      `  ${c.padEnd(16)} p50 ${f1(r.p50Ms)} ms, p95 ${f1(r.p95Ms)} ms (min ${f1(r.minMs)}, max ${f1(r.maxMs)}, ${r.beeps} beeps); ` +
        `in the studio ${f1(r.inStudioP50Ms)}, on the wire ${f1(r.onTheWireP50Ms)}; jitter buffer ${f1(r.jitterBufferMs)} (target ${f1(r.jitterBufferTargetMs)}, arrival jitter ${f1(r.jitterMs)}), ` +
        `packets every ${f1(r.packetMs)} ms, concealed ${r.concealedPct.toFixed(2)} %, RTT ${r.roundTripMs.toFixed(2)} ms, playout ${f1(r.playoutMs)} ms`,
    );
  }
  const reference = results.bare as ReturnType<typeof summarise> | undefined;
  const comparisons: Record<string, { p50Ratio: number; p95Ratio: number; p50OverBareMs: number; p95OverBareMs: number }> = {};
  if (reference) {
    for (const c of configs.filter((x) => x !== 'bare')) {
      const r = results[c];
      comparisons[c] = {
        p50Ratio: r.p50Ms / reference.p50Ms,
        p95Ratio: r.p95Ms / reference.p95Ms,
        p50OverBareMs: r.p50Ms - reference.p50Ms,
        p95OverBareMs: r.p95Ms - reference.p95Ms,
      };
      const x = comparisons[c];
      say(`  ${c} against bare: p50 ×${x.p50Ratio.toFixed(2)} (${x.p50OverBareMs >= 0 ? '+' : ''}${f1(x.p50OverBareMs)} ms), p95 ×${x.p95Ratio.toFixed(2)} (${x.p95OverBareMs >= 0 ? '+' : ''}${f1(x.p95OverBareMs)} ms)`);
    }
  }
  say(`saved ${saveResults('mouth-to-ear', { conditions: conditions(), rounds: ROUNDS, beepsPerRound: perRound, results, comparisons, windows })}`);
  for (const c of configs) expect(results[c].beeps).toBeGreaterThanOrEqual(Math.min(50, BEEPS - 2));
});
