// Mouth to ear: a host sends beeps (a WAV as Chromium's fake microphone, opened with the studio's own
// settings) through the SFU on loopback to a listener in the same page; an AudioWorklet times each
// beep's onset on the microphone track (as the page gets it, after Chromium's echo cancellation and noise
// suppression) and on the received track, on one AudioContext clock. Prints
// p50/p95 over at least 50 beeps, and the split WebRTC's statistics give.
//
//   npx vitest run --config bench/vitest.bench.config.ts bench/mouth-to-ear.bench.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/server';
import { chromiumAvailable, launchChromium } from '../tests/support/browser';
import { writeBeepWav, type Beep } from '../tests/support/wav';
import type { ReceiverStats, SenderStats } from './pages/bench';
import { buildBenchPages, conditions, mean, percentile, saveResults, say, startBenchServer } from './support';

const BEEPS = Number(process.env.BENCH_BEEPS ?? 60);
/** One beep every 600 ms: any plausible latency pairs each heard beep with the one just sent. */
const PERIOD = 0.6;
const BEEP_SECONDS = 0.1;
/** Onset threshold: the beeps peak at 0.5, so -26 dBFS is far above silence and early on the rise. */
const THRESHOLD = 0.05;

let server: RunningServer | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** For each onset heard, the delay since the latest onset sent before it (within one period). */
function pair(sent: number[], heard: number[]): number[] {
  const delays: number[] = [];
  for (const h of heard) {
    const s = sent.filter((t) => t <= h && h - t < PERIOD).at(-1);
    if (s !== undefined) delays.push((h - s) * 1000);
  }
  return delays;
}

it.skipIf(!chromiumAvailable())('mouth to ear over loopback', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-bench-'));
  const wav = join(dir, 'beeps.wav');
  const beeps: Beep[] = Array.from({ length: BEEPS }, (_, i) => ({ start: 0.3 + i * PERIOD, duration: BEEP_SECONDS, frequency: 1000 }));
  writeBeepWav(wav, { beeps, length: BEEPS * PERIOD + 0.3 });
  await buildBenchPages();
  server = await startBenchServer();
  browser = await launchChromium({ micWav: wav });
  const page = await browser.newPage();
  page.on('pageerror', (e) => say(`page error: ${e.message}`));
  await page.goto(`${server.httpUrl}/bench/bench.html`);
  await page.waitForFunction(() => window.bench !== undefined);
  const wsUrl = server.wsUrl;
  const { invite } = await page.evaluate((ws) => window.bench.host(ws, { mouthTapThreshold: 0.05 }), wsUrl);
  await page.evaluate(([ws, inv, t]) => window.bench.ear(ws, inv, t), [wsUrl, invite, THRESHOLD] as const);
  // Let the jitter buffer settle, then measure a fresh stretch of beeps.
  await page.waitForTimeout(3000);
  await page.evaluate(() => window.bench.clearOnsets());
  const stats0 = await page.evaluate(() => Promise.all([window.bench.receiverStats(), window.bench.senderStats()]));
  say(`mouth to ear: ${BEEPS} beeps over ${(BEEPS * PERIOD).toFixed(0)} s; ${JSON.stringify(conditions())}`);
  await page.waitForTimeout((BEEPS * PERIOD + 1) * 1000);
  const onsets = await page.evaluate(() => window.bench.onsets());
  const [[rx1], tx1] = await page.evaluate(() => Promise.all([window.bench.receiverStats(), window.bench.senderStats()]));
  const [[rx0]] = stats0 as [ReceiverStats[], SenderStats];
  const latency = await page.evaluate(() => window.bench.audioLatency());

  const mouth = onsets.mouth ?? [];
  const ear = onsets.ear ?? [];
  const delays = pair(mouth, ear);
  const d = (a: keyof ReceiverStats) => rx1![a] - rx0![a];
  const split = {
    jitterBufferMs: (1000 * d('jitterBufferDelay')) / d('jitterBufferEmittedCount'),
    jitterBufferTargetMs: (1000 * d('jitterBufferTargetDelay')) / d('jitterBufferEmittedCount'),
    jitterBufferMinimumMs: (1000 * d('jitterBufferMinimumDelay')) / d('jitterBufferEmittedCount'),
    playoutMs: d('totalPlayoutSamples') > 0 ? (1000 * d('totalPlayoutDelay')) / d('totalPlayoutSamples') : NaN,
    networkOneWayMs: (1000 * (tx1.sendRoundTrip + rx1!.recvRoundTrip)) / 2 / 2,
    sfuRoundTripMs: 1000 * tx1.remoteRoundTrip,
    jitterMs: 1000 * rx1!.jitter,
    packetsLost: d('packetsLost'),
    concealedPct: (100 * d('concealedSamples')) / d('totalSamplesReceived'),
    audioContextBaseLatencyMs: 1000 * latency.baseLatency,
    audioContextOutputLatencyMs: 1000 * latency.outputLatency,
  };
  const summary = {
    conditions: conditions(),
    beepsSent: mouth.length,
    beepsHeard: ear.length,
    paired: delays.length,
    p50Ms: percentile(delays, 50),
    p95Ms: percentile(delays, 95),
    minMs: Math.min(...delays),
    maxMs: Math.max(...delays),
    meanMs: mean(delays),
    split,
  };
  say(
    `mouth to ear: ${delays.length} beeps paired (${mouth.length} sent, ${ear.length} heard): ` +
      `p50 ${summary.p50Ms.toFixed(1)} ms, p95 ${summary.p95Ms.toFixed(1)} ms (min ${summary.minMs.toFixed(1)}, max ${summary.maxMs.toFixed(1)})`,
  );
  say(
    `  split: jitter buffer ${split.jitterBufferMs.toFixed(1)} ms (target ${split.jitterBufferTargetMs.toFixed(1)}, minimum ${split.jitterBufferMinimumMs.toFixed(1)}), ` +
      `network one way ${split.networkOneWayMs.toFixed(2)} ms, ` +
      `jitter ${split.jitterMs.toFixed(1)} ms, lost ${split.packetsLost}, concealed ${split.concealedPct.toFixed(2)} %; ` +
      `the rest (20 ms packetisation, Opus look-ahead, decoding, Web Audio delivery): ${(summary.p50Ms - split.jitterBufferMs - split.networkOneWayMs).toFixed(1)} ms at p50`,
  );
  say(
    `  not in the measured path, heard on top of it: the audio element's output device ${split.playoutMs.toFixed(1)} ms (media-playout), ` +
      `Web Audio output ${split.audioContextBaseLatencyMs.toFixed(1)} + ${split.audioContextOutputLatencyMs.toFixed(1)} ms`,
  );
  say(`saved ${saveResults('mouth-to-ear', summary)}`);
  expect(delays.length).toBeGreaterThanOrEqual(Math.min(50, BEEPS - 2));
});
