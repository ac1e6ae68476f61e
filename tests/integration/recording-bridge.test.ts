// The recording API of the browser studio over loopback HTTP (what `window.studio` calls in a browser):
// binary audio batches, JSON commands, track files with byte ranges for the player, export; and a studio
// host that starts over an interrupted recording offers it as recovered.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFileSettingsStore } from '../../src/main/services/SettingsService';
import { RecordingService } from '../../src/main/services/recording/RecordingService';
import { startStudioHost, type StudioHost } from '../../src/main/studio-host';
import { encodeAudioBatch, type RecordingManifest, type RecordingStatus, type RecordingSummary } from '../../src/shared/recording';
import { beepSignal, RATE } from '../support/recording';
import { RENDERER_DIR } from '../support/server';
import { soxi } from '../support/sox';

async function startHost(dir: string, recordingsDir: string): Promise<StudioHost> {
  return startStudioHost({
    argv: ['--port', '0', '--workers', '1', '--rtc-port', '0', '--log-level', 'error'],
    env: { HOSTLINE_DATA_DIR: dir },
    staticDir: RENDERER_DIR,
    settingsStore: new JsonFileSettingsStore(join(dir, 'settings.json')),
    browserBridge: true,
    recordingsDir,
  });
}

/** fetch with this run's bridge token, as the studio page's cookie carries it. */
let bridgeToken = '';
const bridged = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-hostline-bridge': bridgeToken } });

describe('the recording API over the browser bridge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-rec-bridge-'));
  let host: StudioHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('records binary batches, serves tracks with ranges, and exports', async () => {
    host = await startHost(dir, join(dir, 'a'));
    bridgeToken = host.bridgeToken;
    const base = `${host.server.httpUrl}/api/studio`;
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const res = await bridged(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as T & { error?: string };
      if (!res.ok) throw new Error(json.error);
      return json;
    };
    const { id } = await post<RecordingStatus & { id: string }>('recording/start', { spaceId: 's', title: 'Bridge show', originFrame: 96_000 });
    expect((await post<{ trackNo: number }>('recording/tracks', { kind: 'mix', name: 'Mix' })).trackNo).toBe(0);
    const signal = beepSignal([{ start: 0.5, duration: 0.2, frequency: 440 }], 2);
    // Frames are on the audio clock: the recording began at frame 96 000.
    const batch = encodeAudioBatch([0, 1, 2, 3].map((i) => ({ trackNo: 0, frame: 96_000 + i * RATE / 2, samples: signal.subarray((i * RATE) / 2, ((i + 1) * RATE) / 2) })));
    const sent = await bridged(`${base}/recording/audio`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: batch });
    expect(((await sent.json()) as RecordingStatus).seconds).toBeCloseTo(2, 5);
    // Audio as JSON is refused: only a binary type (which needs a CORS preflight) is taken.
    const asJson = await bridged(`${base}/recording/audio`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(asJson.status).toBe(400);
    await post('recording/events', { events: [{ atFrame: 96_000 + RATE, type: 'marker', label: 'One second in' }] });
    await expect(post('recording/events', { events: [{ atFrame: -1, type: 'marker' }] })).rejects.toThrow(/atFrame/);
    const summary = await post<RecordingSummary>('recording/stop', {});
    expect(summary).toMatchObject({ id, durationSec: 2, speakers: [] });

    const list = (await (await bridged(`${base}/recordings`)).json()) as RecordingSummary[];
    expect(list.map((r) => r.title)).toEqual(['Bridge show']);
    const manifest = (await (await bridged(`${base}/recordings/${encodeURIComponent(id)}`)).json()) as RecordingManifest;
    expect(manifest.events).toEqual([{ at: 1, type: 'marker', label: 'One second in' }]);
    const url = `${host.server.httpUrl}/api/studio/recordings/${encodeURIComponent(id)}/files/mix.wav`;
    const whole = await bridged(url);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect((await whole.arrayBuffer()).byteLength).toBe(58 + 2 * RATE * 4);
    const part = await bridged(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${58 + 2 * RATE * 4}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    // Only the manifest's tracks are served: no way out of the recording's folder.
    expect((await bridged(`${host.server.httpUrl}/api/studio/recordings/${encodeURIComponent(id)}/files/manifest.json`)).status).toBe(404);
    expect((await bridged(`${host.server.httpUrl}/api/studio/recordings/..%2F..%2Fetc/files/passwd`)).status).toBe(404);

    const exported = await post<{ dir: string; files: string[]; durationSec: number }>(`recordings/${encodeURIComponent(id)}/export`, { start: 0.25, end: 1.25 });
    expect(exported.files).toEqual(['mix.wav', 'chapters.json', 'chapters.cue']);
    expect(soxi(join(exported.dir, 'mix.wav'))).toMatchObject({ rate: 48_000, bits: 24, samples: RATE });
  });

  it('a studio host starting over an interrupted recording offers it as recovered', async () => {
    const running = new RecordingService({ root: join(dir, 'live'), flushIntervalMs: 100 });
    const { id } = await running.start({ spaceId: 's', title: 'Cut short' });
    await running.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
    running.append(0, 0, beepSignal([{ start: 0.1, duration: 0.1, frequency: 300 }], 1.5));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // A copy taken mid-recording is what a crash leaves behind.
    cpSync(join(dir, 'live'), join(dir, 'crashed'), { recursive: true });
    await running.close();

    host = await startHost(dir, join(dir, 'crashed'));
    bridgeToken = host.bridgeToken;
    const list = await host.recordings.list();
    expect(list).toMatchObject([{ id, title: 'Cut short', recovered: true, speakers: ['Ada'] }]);
    expect(soxi(join(dir, 'crashed', id, (await host.recordings.get(id)).tracks[0]!.file)).seconds).toBeCloseTo(1.5, 3);
    rmSync(join(dir, 'live'), { recursive: true, force: true });
  });
});
