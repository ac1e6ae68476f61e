// Music mode end to end in Chromium: the host's microphone is a stereo file with a different tone on
// each side (440 Hz left, 1 kHz right); the host turns music mode on in the console while live, and a
// listener on the real listener page receives both channels apart, sent as stereo Opus at up to
// 128 kbps. Turning it off sends mono voice again; low latency sends 10 ms packets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioHost } from '../../src/main/studio-host';
import { BROWSER_PROCESSING_FOR, defaultConsoleSettings } from '../../src/shared/console-settings';
import { launchChromium } from '../support/browser';
import { db, sine, toneLevel } from '../support/signals';
import { goLive, listen, startTestStudio } from '../support/studio';
import { writeWav } from '../support/wav';


const LEFT_HZ = 440;
const RIGHT_HZ = 1000;

/** Records `seconds` of what the listener's page receives from the Stage, channel by channel. */
async function recordReceived(page: Page, seconds: number): Promise<{ rate: number; channels: number[][] }> {
  return page.evaluate(async (ms) => {
    const remote = window.hostlineListener!.room.remoteTracks().at(-1)!;
    const reader = new MediaStreamTrackProcessor({ track: remote.track, maxBufferSize: 200 }).readable.getReader();
    const channels: number[][] = [];
    let rate = 0;
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const { value } = await reader.read();
      if (!value) break;
      rate = value.sampleRate;
      for (let c = 0; c < value.numberOfChannels; c++) {
        const plane = new Float32Array(value.numberOfFrames);
        value.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
        (channels[c] ??= []).push(...plane);
      }
      value.close();
    }
    await reader.cancel();
    return { rate, channels };
  }, seconds * 1000);
}

/** Runs in the studio page before its scripts: keeps its peer connections, to read what it sends. */
function keepPeerConnections() {
  const Native = window.RTCPeerConnection;
  const kept: RTCPeerConnection[] = [];
  (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = kept;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      kept.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** The sender's Opus line and bitrate over `seconds`, from the studio's sending peer connection. */
async function sending(page: Page, seconds: number): Promise<{ fmtp: string; kbps: number; packetMs: number }> {
  const read = () =>
    page.evaluate(async () => {
      // The sending connection, and on it the latest sender (music mode made a new one).
      const pc = (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections.find((p) => p.getSenders().some((s) => s.track))!;
      const mid = pc.getTransceivers().filter((t) => t.sender.track).at(-1)!.mid;
      const stats = [...((await pc.getStats()) as unknown as Map<string, Record<string, unknown>>).values()];
      const outbound = stats.find((s) => s.type === 'outbound-rtp' && s.mid === mid)!;
      const codec = stats.find((s) => s.type === 'codec' && s.id === outbound.codecId);
      return { bytes: outbound.bytesSent as number, packets: outbound.packetsSent as number, at: outbound.timestamp as number, fmtp: String(codec?.sdpFmtpLine ?? '') };
    });
  const a = await read();
  await page.waitForTimeout(seconds * 1000);
  const b = await read();
  return { fmtp: b.fmtp, kbps: (8 * (b.bytes - a.bytes)) / (b.at - a.at), packetMs: (b.at - a.at) / (b.packets - a.packets) };
}

describe('music mode, in Chromium through the SFU', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-music-'));
  let studio: StudioHost;
  let hostBrowser: Browser;
  let listenerBrowser: Browser;
  let host: Page;
  let listener: Page;

  beforeAll(async () => {
    const wav = join(dir, 'stereo.wav');
    writeWav(wav, [sine(LEFT_HZ, -12, 10), sine(RIGHT_HZ, -12, 10)]);
    studio = await startTestStudio(dir);
    // A host on speakers, as the studio starts: music mode must warn them.
    studio.settings.update({ console: { ...defaultConsoleSettings(), listeningOn: 'speakers', browser: { ...BROWSER_PROCESSING_FOR.speakers } } });
    hostBrowser = await launchChromium({ micWav: wav });
    listenerBrowser = await launchChromium();
    host = await hostBrowser.newPage();
    await host.addInitScript(keepPeerConnections);
    listener = await listenerBrowser.newPage();
    for (const page of [host, listener]) page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterAll(async () => {
    await hostBrowser?.close();
    await listenerBrowser?.close();
    await studio?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends mono voice before music mode: both tones arrive mixed in one channel', async () => {
    await listen(listener, await goLive(host, studio, 'Ada', 'Two tones'));
    await expect.poll(() => listener.evaluate(() => window.hostlineListener!.room.remoteTracks().length), { timeout: 10_000 }).toBe(1);
    const { rate, channels } = await recordReceived(listener, 2);
    expect(channels).toHaveLength(1);
    const mono = Float32Array.from(channels[0]!.slice(rate / 2));
    expect(db(toneLevel(mono, LEFT_HZ, rate))).toBeGreaterThan(-30);
    expect(db(toneLevel(mono, RIGHT_HZ, rate))).toBeGreaterThan(-30);
  });

  it('turning music mode on while live warns on speakers, and the listener gets both channels apart', async () => {
    await host.getByTestId('music-mode').check();
    await host.getByTestId('music-mode-warning').waitFor({ state: 'visible' });
    expect(await host.getByTestId('browser-echoCancellation').isDisabled()).toBe(true);
    // The producer is made again in stereo; the listener's page picks the new track up on its own.
    await expect
      .poll(async () => (await recordReceived(listener, 0.3)).channels.length, { timeout: 15_000, interval: 500 })
      .toBe(2);
    const { rate, channels } = await recordReceived(listener, 2);
    const [left, right] = channels.map((c) => Float32Array.from(c.slice(rate / 2)));
    // Each side carries its own tone; the other side's is far down (Opus stereo, not a mono mix).
    expect(db(toneLevel(left!, LEFT_HZ, rate))).toBeGreaterThan(-20);
    expect(db(toneLevel(right!, RIGHT_HZ, rate))).toBeGreaterThan(-20);
    expect(db(toneLevel(left!, RIGHT_HZ, rate))).toBeLessThan(db(toneLevel(left!, LEFT_HZ, rate)) - 30);
    expect(db(toneLevel(right!, LEFT_HZ, rate))).toBeLessThan(db(toneLevel(right!, RIGHT_HZ, rate)) - 30);
    const sent = await sending(host, 3);
    expect(sent.fmtp).toMatch(/stereo=1/);
    expect(sent.fmtp).toMatch(/maxaveragebitrate=128000/);
    expect(sent.kbps).toBeGreaterThan(100);
    console.log(`music mode: sending ${sent.kbps.toFixed(0)} kbps (${sent.fmtp})`);
  }, 60_000);

  it('turning music mode off sends mono voice again', async () => {
    await host.getByTestId('music-mode').uncheck();
    await expect
      .poll(async () => (await recordReceived(listener, 0.3)).channels.length, { timeout: 15_000, interval: 500 })
      .toBe(1);
    expect(studio.settings.get().console.musicMode).toBe(false);
  }, 60_000);

  it('low latency sends 10 ms packets instead of 20', async () => {
    expect((await sending(host, 1)).packetMs).toBeGreaterThan(15);
    await host.getByTestId('low-latency').check();
    await expect.poll(async () => (await sending(host, 1)).packetMs, { timeout: 15_000, interval: 500 }).toBeLessThan(12);
    // (Chromium's codec statistics do not show the negotiated ptime; the packet rate is the proof.)
    expect(studio.settings.get().console.lowLatency).toBe(true);
  }, 60_000);
});
