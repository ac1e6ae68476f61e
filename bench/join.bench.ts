// Join, the product against bare mediasoup in the same run: from a listener pressing Listen to the first
// audible sample their RTCPeerConnection delivers. Two hosts stay live throughout with a continuous warble
// from the fake microphone: the real studio page, and the bare mediasoup page (bench/bare, which joins a
// listener in one round trip). Listeners join in turn, product and bare alternately, each in a fresh
// browser context: the real listener page, or the bare page. The probe (bench/probe) stamps the received
// track's first sound above -40 dBFS; an init script timestamps the click, the requests and the peer
// connection's states without touching either page's code. Prints p50/p95 of each, the ratio and where
// the time goes.
//
//   npm run bench:join          (BENCH_JOINS per side, default 20)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import type { StudioHost } from '../src/main/studio-host';
import { BROWSER_PROCESSING_FOR, defaultConsoleSettings } from '../src/shared/console-settings';
import { launchChromium } from '../tests/support/browser';
import { goLive, startTestStudio } from '../tests/support/studio';
import { SAMPLE_RATE, writeWav } from '../tests/support/wav';
import { startBareServer, type BareServer } from './bare/server';
import { BARE_PAGE_DIR, buildBarePage, conditions, percentile, probeScript, saveResults, say } from './support';

const JOINS = Number(process.env.BENCH_JOINS ?? 20);
/** A sample this loud is audible: the warble is sent at about -11 dBFS RMS. */
const AUDIBLE = 10 ** (-40 / 20);
const SIDES = ['product', 'bare'] as const;
type Side = (typeof SIDES)[number];

const dir = mkdtempSync(join(os.tmpdir(), 'hostline-bench-'));
let studio: StudioHost | undefined;
let bare: BareServer | undefined;
const browsers: Browser[] = [];

afterAll(async () => {
  for (const b of browsers) await b.close();
  await studio?.close();
  await bare?.close();
  rmSync(dir, { recursive: true, force: true });
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

/** Runs in each listener page before its own scripts: timestamps (epoch ms) the click, the socket, each
 * request's answer and the peer connection's states. Knows both pages' envelopes (`type` or `method`). */
function instrument() {
  const marks: Array<[string, number]> = [];
  const state = { click: NaN, marks };
  const now = () => performance.timeOrigin + performance.now();
  (window as unknown as { benchJoin: typeof state }).benchJoin = state;
  document.addEventListener('click', (e) => {
    if ((e.target as Element | null)?.closest?.('[data-testid=listen]')) state.click = performance.timeOrigin + e.timeStamp;
  }, true);
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const names = new Map<number, string>();
      this.addEventListener('open', () => marks.push(['socket open', now()]));
      this.addEventListener('message', (ev: MessageEvent<string>) => {
        const m = JSON.parse(ev.data) as { kind?: string; id?: number };
        if (m.id !== undefined && names.has(m.id) && (m.kind === undefined || m.kind === 'response')) marks.push([`${names.get(m.id)} answered`, now()]);
      });
      const send = this.send.bind(this);
      this.send = (data: string) => {
        const m = JSON.parse(data) as { id: number; type?: string; method?: string };
        names.set(m.id, m.type ?? m.method ?? '?');
        send(data);
      };
    }
  } as typeof WebSocket;
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('connectionstatechange', () => marks.push([`peer ${this.connectionState}`, now()]));
    }
  } as typeof RTCPeerConnection;
}

interface Joined {
  total: number;
  marks: Array<[string, number]>;
}

/** What each page shows once it has prepared everything that does not need the click. */
const READY: Record<Side, string> = { product: '[data-testid=preview]', bare: '[data-testid=listen]:not([disabled])' };

async function joinOnce(browser: Browser, side: Side, url: string, probe: string): Promise<Joined> {
  const context = await browser.newContext();
  try {
    await context.addInitScript(instrument);
    await context.addInitScript({ content: probe });
    const page: Page = await context.newPage();
    await page.goto(url);
    // Pressed once the page says it is ready, as a person would.
    await page.locator(READY[side]).waitFor();
    await page.getByTestId('listen').click();
    await page.waitForFunction(() => (window.hostlineProbe.onsets().ear?.length ?? 0) > 0, undefined, { timeout: 15_000, polling: 20 });
    const heard = await page.evaluate(() => window.hostlineProbe.onsets().ear![0]!);
    const { click, marks } = await page.evaluate(() => (window as unknown as { benchJoin: { click: number; marks: Array<[string, number]> } }).benchJoin);
    return { total: heard - click, marks: marks.map(([name, at]) => [name, at - click] as [string, number]) };
  } finally {
    await context.close();
  }
}

function phases(joins: Joined[]): Array<[string, number]> {
  const byName = new Map<string, number[]>();
  for (const j of joins) for (const [name, at] of j.marks) (byName.get(name) ?? byName.set(name, []).get(name)!).push(at);
  return [...byName.entries()].map(([name, values]) => [name, percentile(values, 50)] as [string, number]).sort((a, b) => a[1] - b[1]);
}

it('join: Listen pressed to first audible sample, the product against bare mediasoup', async () => {
  const wav = join(dir, 'warble.wav');
  writeWarble(wav, 10);
  await buildBarePage();
  const probe = await probeScript({ threshold: AUDIBLE, quietMs: 100 });
  [studio, bare] = await Promise.all([startTestStudio(dir), startBareServer(BARE_PAGE_DIR)]);
  const hostBrowser = await launchChromium({ micWav: wav });
  browsers.push(hostBrowser);
  // The studio on headphones with its default chain, as a host would go live.
  studio.settings.update({ console: { ...defaultConsoleSettings(), listeningOn: 'headphones', browser: { ...BROWSER_PROCESSING_FOR.headphones } } });
  const studioPage = await hostBrowser.newPage();
  const link = await goLive(studioPage, studio, 'Bench host', 'Join bench');
  const barePage = await hostBrowser.newPage();
  await barePage.goto(bare.httpUrl);
  await barePage.evaluate((mic) => window.bare.host(mic), { channelCount: 1, sampleRate: 48000, ...BROWSER_PROCESSING_FOR.headphones });
  const listenerBrowser = await launchChromium();
  browsers.push(listenerBrowser);
  const url: Record<Side, string> = { product: link, bare: bare.httpUrl };
  say(`join: ${JOINS} joins each, product and bare alternately; ${JSON.stringify(conditions())}`);

  const joins: Record<Side, Joined[]> = { product: [], bare: [] };
  const loads: number[] = [];
  for (let i = 0; i < JOINS; i++) {
    loads.push(os.loadavg()[0]!);
    for (const side of i % 2 ? [...SIDES].reverse() : SIDES) {
      const j = await joinOnce(listenerBrowser, side, url[side], probe);
      joins[side].push(j);
      say(`  join ${String(i + 1).padStart(2)} ${side.padEnd(7)} ${j.total.toFixed(0)} ms (${j.marks.map(([n, t]) => `${n} ${t.toFixed(0)}`).join(', ')})`);
    }
  }

  const summary = (side: Side) => {
    const totals = joins[side].map((j) => j.total);
    return {
      joins: totals.length,
      p50Ms: percentile(totals, 50),
      p95Ms: percentile(totals, 95),
      minMs: Math.min(...totals),
      maxMs: Math.max(...totals),
      phasesP50Ms: Object.fromEntries(phases(joins[side]).map(([name, at]) => [name, Number(at.toFixed(1))])),
    };
  };
  const results = { product: summary('product'), bare: summary('bare') };
  const ratio = { p50: results.product.p50Ms / results.bare.p50Ms, p95: results.product.p95Ms / results.bare.p95Ms };
  say(`join: Listen to first audible sample (load average ${loads.map((l) => l.toFixed(1)).join(' ')}):`);
  for (const side of SIDES) {
    const r = results[side];
    say(`  ${side.padEnd(7)} p50 ${r.p50Ms.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(0)} ms (min ${r.minMs.toFixed(0)}, max ${r.maxMs.toFixed(0)}, ${r.joins} joins)`);
    say(`          p50 of each step after the click: ${phases(joins[side]).map(([name, at]) => `${name} ${at.toFixed(0)}`).join(', ')}, audible ${r.p50Ms.toFixed(0)}`);
  }
  say(`  product against bare: p50 ×${ratio.p50.toFixed(2)}, p95 ×${ratio.p95.toFixed(2)}`);
  say(`saved ${saveResults('join', { conditions: conditions(), loadAverage: loads, results, ratio })}`);
  for (const side of SIDES) expect(joins[side]).toHaveLength(JOINS);
});
