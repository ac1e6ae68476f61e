// Join: from a listener pressing Listen on the real listener page to the first audible sample of the
// Stage's audio (the page's own level meter), 20 times, each in a fresh browser context. A host in a
// second browser sends a continuous warble from the fake microphone. Prints p50/p95 and where the time
// goes (WebSocket and request timings, the peer connection's states), read by an init script.
//
//   npx vitest run --config bench/vitest.bench.config.ts bench/join.bench.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import type { RunningServer } from '../src/server/server';
import { chromiumAvailable, launchChromium } from '../tests/support/browser';
import { SAMPLE_RATE, writeWav } from '../tests/support/wav';
import { buildBenchPages, conditions, percentile, saveResults, say, startBenchServer } from './support';

const JOINS = Number(process.env.BENCH_JOINS ?? 20);
/** A reading this loud is audible: the warble is sent at about -11 dBFS RMS. */
const AUDIBLE_DB = -40;

let server: RunningServer | undefined;
const browsers: Browser[] = [];

afterAll(async () => {
  for (const b of browsers) await b.close();
  await server?.close();
});

/** A continuous warble (the pitch changes every 50 ms), so there is always sound to hear and noise
 * suppression does not learn it away as a steady tone. */
function writeWarble(path: string, seconds: number): void {
  const samples = new Float32Array(seconds * SAMPLE_RATE);
  let phase = 0;
  for (let i = 0; i < samples.length; i++) {
    const step = Math.floor(i / (0.05 * SAMPLE_RATE));
    const frequency = 300 + ((step * 7919) % 1200);
    phase += (2 * Math.PI * frequency) / SAMPLE_RATE;
    samples[i] = 0.4 * Math.sin(phase);
  }
  writeWav(path, samples);
}

/** Runs in the listener page before its own scripts: timestamps the click, the socket and the peer connection. */
function instrument() {
  const marks: Array<[string, number]> = [];
  const state = { click: NaN, marks };
  (window as unknown as { benchJoin: typeof state }).benchJoin = state;
  document.addEventListener('click', (e) => {
    if ((e.target as Element | null)?.closest?.('[data-testid=listen]')) state.click = e.timeStamp;
  }, true);
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const types = new Map<number, string>();
      this.addEventListener('open', () => marks.push(['socket open', performance.now()]));
      this.addEventListener('message', (ev: MessageEvent<string>) => {
        const m = JSON.parse(ev.data) as { kind?: string; id?: number };
        if (m.kind === 'response' && m.id !== undefined) marks.push([`${types.get(m.id)} answered`, performance.now()]);
      });
      const send = this.send.bind(this);
      this.send = (data: string) => {
        const m = JSON.parse(data) as { id: number; type: string };
        types.set(m.id, m.type);
        send(data);
      };
    }
  } as typeof WebSocket;
  const addModule = AudioWorklet.prototype.addModule;
  AudioWorklet.prototype.addModule = function (this: AudioWorklet, ...args: Parameters<AudioWorklet['addModule']>) {
    return addModule.apply(this, args).then(() => void marks.push(['meter worklet loaded', performance.now()]));
  };
  const resume = AudioContext.prototype.resume;
  AudioContext.prototype.resume = function (this: AudioContext) {
    return resume.call(this).then(() => void marks.push(['audio context resumed', performance.now()]));
  };
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('connectionstatechange', () => marks.push([`peer ${this.connectionState}`, performance.now()]));
    }
  } as typeof RTCPeerConnection;
}

it.skipIf(!chromiumAvailable())('join: Listen pressed to first audible sample', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-bench-'));
  const wav = join(dir, 'warble.wav');
  writeWarble(wav, 10);
  await buildBenchPages();
  server = await startBenchServer();
  const hostBrowser = await launchChromium({ micWav: wav });
  browsers.push(hostBrowser);
  const hostPage = await hostBrowser.newPage();
  await hostPage.goto(`${server.httpUrl}/bench/bench.html`);
  await hostPage.waitForFunction(() => window.bench !== undefined);
  const { invite, listenPath } = await hostPage.evaluate((ws) => window.bench.host(ws), server.wsUrl);
  const link = `${server.httpUrl}${listenPath}#invite=${encodeURIComponent(invite)}`;
  const listenerBrowser = await launchChromium();
  browsers.push(listenerBrowser);
  say(`join: ${JOINS} joins; ${JSON.stringify(conditions())}`);

  const totals: number[] = [];
  const phases = new Map<string, number[]>();
  for (let i = 0; i < JOINS; i++) {
    const context = await listenerBrowser.newContext();
    await context.addInitScript(instrument);
    const page = await context.newPage();
    await page.goto(link);
    await page.getByTestId('listen').waitFor();
    await page.getByTestId('listen').click();
    const heardAt = await page.waitForFunction(
      (db) => window.hostlineListener?.meter.history().find((r) => r.rms > 10 ** (db / 20))?.wallTime,
      AUDIBLE_DB,
      { timeout: 15_000, polling: 20 },
    );
    const { click, marks } = await page.evaluate(() => (window as unknown as { benchJoin: { click: number; marks: Array<[string, number]> } }).benchJoin);
    const total = ((await heardAt.jsonValue()) as number) - click;
    totals.push(total);
    for (const [name, at] of marks) {
      if (!phases.has(name)) phases.set(name, []);
      phases.get(name)!.push(at - click);
    }
    say(`  join ${String(i + 1).padStart(2)}: ${total.toFixed(0)} ms (${marks.map(([n, t]) => `${n} ${(t - click).toFixed(0)}`).join(', ')})`);
    await context.close();
  }

  const order = [...phases.entries()].sort((a, b) => percentile(a[1], 50) - percentile(b[1], 50));
  const summary = {
    conditions: conditions(),
    joins: totals.length,
    p50Ms: percentile(totals, 50),
    p95Ms: percentile(totals, 95),
    minMs: Math.min(...totals),
    maxMs: Math.max(...totals),
    phasesP50Ms: Object.fromEntries(order.map(([name, values]) => [name, Number(percentile(values, 50).toFixed(1))])),
  };
  say(`join: Listen to first audible sample over ${totals.length} joins: p50 ${summary.p50Ms.toFixed(0)} ms, p95 ${summary.p95Ms.toFixed(0)} ms (min ${summary.minMs.toFixed(0)}, max ${summary.maxMs.toFixed(0)})`);
  say(`  p50 of each step after the click: ${order.map(([name, values]) => `${name} ${percentile(values, 50).toFixed(0)}`).join(', ')}, audible ${summary.p50Ms.toFixed(0)} ms`);
  say(`saved ${saveResults('join', summary)}`);
  expect(totals).toHaveLength(JOINS);
});
