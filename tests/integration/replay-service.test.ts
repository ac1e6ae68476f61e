// Replays through the real service: a Space created with Replay on over signaling, a speaker sending
// real Opus on its Stage, the end publishing the replay, and the HTTP API a replay page uses (info,
// ranges, timeline, clips), the host's controls (trim, retention, delete), live controls (pause,
// markers, live clips), retention, the ticket hook and recovery after a restart. Files are checked with
// ffprobe.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebVTTParser } from 'webvtt-parser';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { ClipInfo, ReplayInfo, ReplayTimeline } from '../../src/shared/replay';
import type { Space } from '../../src/server/Space';
import { Store } from '../../src/server/store/Store';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { encodeOpus, ffprobe, requireFfmpeg } from '../support/ffmpeg';
import { frameLevels, levelsOf } from '../support/levels';
import { oggPackets } from '../support/ogg';
import { plainProducer, type PlainProducer } from '../support/plainProducer';
import { startTestServer, type TestServer } from '../support/server';
import { writeBeepWav } from '../support/wav';

describe('replays through the service and its HTTP API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostline-replay-svc-'));
  let packets: Buffer[];
  let levels: number[];
  let server: TestServer;
  let host: RoomClient;
  let listener: RoomClient;
  const sources: PlainProducer[] = [];
  let created: { spaceId: string; hostToken: string; listenerInvite: string };
  /** When the last `space.create` was sent. */
  let createdAt = 0;
  let createAnsweredAt = 0;

  beforeAll(() => {
    requireFfmpeg();
    writeBeepWav(join(dir, 'beeps.wav'));
    encodeOpus(join(dir, 'beeps.wav'), join(dir, 'beeps.ogg'));
    packets = oggPackets(join(dir, 'beeps.ogg'));
    levels = frameLevels(join(dir, 'beeps.wav'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function startServer(dataDir = mkdtempSync(join(dir, 'data-'))) {
    server = await startTestServer({ dataDir });
    return dataDir;
  }

  /** Opens a Space with Replay on (or not), the host joined and a listener listening. */
  async function openSpace(options: { replay?: boolean; liveClips?: boolean } = { replay: true }) {
    host = fakeRoom(server.wsUrl);
    await host.connect();
    createdAt = Date.now();
    created = await host.request('space.create', { title: 'Late show', hostName: 'Ada', replay: options.replay, liveClips: options.liveClips });
    createAnsweredAt = Date.now();
    await host.join(created.hostToken);
    listener = fakeRoom(server.wsUrl);
    await listener.connect();
    await listener.join(created.listenerInvite, 'Lee');
    return server.sfu.space(created.spaceId)!;
  }

  /** A speaker on the Stage sending real Opus (a beep pattern) from a plain RTP socket. */
  async function speak(space: Space, name: string, cycles = 1): Promise<void> {
    const member = space.membership.join({ userId: `user-${name}`, displayName: name, role: 'listener', canRequest: true, push: () => {} });
    space.queue.raise(member);
    space.queue.approve(space.members().find((m) => m.role === 'host')!, member);
    const source = await plainProducer(space.router, 0x4000 + sources.length);
    sources.push(source);
    await space.addProducer(member, source.producer);
    // Recorded Spaces: wait until the recorder has the speaker's track (the tap consumes asynchronously).
    if (space.replay.recording) {
      const folder = server.sfu.replays.folder(space.id);
      await eventually(() => expect(folder.readManifest().tracks.map((t) => t.name)).toContain(name));
    }
    await new Promise((r) => setTimeout(r, 100));
    await source.sendOpus(Array.from({ length: cycles }, () => packets).flat(), { level: levelsOf(levels) });
  }

  const api = (path: string, init?: RequestInit) => fetch(`${server.httpUrl}${path}`, init);
  const json = async <T>(path: string, init?: RequestInit) => {
    const res = await api(path, init);
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as T;
  };
  const published = async (spaceId: string) => {
    await eventually(async () => expect((await json<ReplayInfo>(`/api/replays/${spaceId}`)).status).toBe('published'), 30_000);
    return json<ReplayInfo>(`/api/replays/${spaceId}`);
  };

  beforeEach(async () => {
    await startServer();
  });
  afterEach(async () => {
    host?.close();
    listener?.close();
    for (const s of sources.splice(0)) s.close();
    await server.sfu.replays.idle();
    await server.close();
  });

  it('a Space created with Replay on shows everyone the mark; its end publishes a replay of the recorded length', async () => {
    const space = await openSpace();
    await eventually(() => expect(listener.snapshot?.replay).toEqual({ recording: true, liveClips: false }));
    expect(host.snapshot?.replay.recording).toBe(true);
    const before = await json<ReplayInfo>(`/api/replays/${created.spaceId}`);
    expect(before).toMatchObject({ status: 'recording', title: 'Late show', hostName: 'Ada' });
    expect(before.audioUrl).toBeUndefined();
    expect((await api(`/api/replays/${created.spaceId}/audio.webm`)).status).toBe(404);

    await speak(space, 'Grace');
    await host.request('space.end', {});
    const endedAt = Date.now();
    const info = await published(created.spaceId);
    expect(info).toMatchObject({ status: 'published', peakListeners: 1, uniqueListeners: 1, retention: { mode: 'days', days: 30 }, trimStartMs: 0 });
    expect(info.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    // As long as the Space was live by the service's own account (it was recorded from the start)…
    expect(Math.abs(info.durationMs - (info.endedAt! - info.liveAt))).toBeLessThan(100);
    // …and by the test's clock, give or take the requests' round trips on a busy machine.
    expect(info.durationMs).toBeLessThanOrEqual(endedAt - createdAt);
    expect(info.durationMs).toBeGreaterThan(endedAt - createAnsweredAt - 400);

    const audio = await api(info.audioUrl!);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/webm');
    expect(audio.headers.get('accept-ranges')).toBe('bytes');
    const file = join(dir, 'downloaded.webm');
    writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
    expect(Math.abs(ffprobe(file).durationSec * 1000 - (info.endedAt! - info.liveAt))).toBeLessThan(100);

    const timeline = await json<ReplayTimeline>(info.timelineUrl!);
    // Only people who sent audio have a track (the host here never turned a microphone on).
    expect(timeline.speakers.map((s) => s.name)).toEqual(['Grace']);
    // Her beeps are less than the hangover apart: one stretch of speech, from the first beep to the last.
    const grace = timeline.segments.filter((s) => s.speaker === 0);
    expect(grace, JSON.stringify(timeline.segments)).toHaveLength(1);
    expect(grace[0]!.endMs - grace[0]!.startMs).toBeGreaterThan(4400);
    expect(grace[0]!.endMs - grace[0]!.startMs).toBeLessThan(4700);
    expect(timeline.stage.map((s) => [s.name, s.change])).toEqual(expect.arrayContaining([['Ada', 'joined'], ['Grace', 'joined']]));
    expect(server.logs.some((l) => l.msg === 'replay published' && typeof l.publishMs === 'number')).toBe(true);
  }, 60_000);

  it('serves byte ranges for seeking: 206 with Content-Range, suffix ranges, HEAD, 416 past the end', async () => {
    const space = await openSpace();
    await speak(space, 'Grace');
    await host.request('space.end', {});
    const info = await published(created.spaceId);
    const whole = await api(info.audioUrl!, { method: 'HEAD' });
    const size = Number(whole.headers.get('content-length'));
    expect(size).toBeGreaterThan(1000);
    const part = await api(info.audioUrl!, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const tail = await api(info.audioUrl!, { headers: { range: 'bytes=-50' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 50}-${size - 1}/${size}`);
    const past = await api(info.audioUrl!, { headers: { range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
  }, 60_000);

  it('anyone cuts a 30 s clip with its own link; bad requests are refused and change nothing', async () => {
    const space = await openSpace();
    await speak(space, 'Grace', 7); // 39 s
    await host.request('space.end', {});
    const info = await published(created.spaceId);
    const post = (body: unknown, type = 'application/json') =>
      api(`/api/replays/${created.spaceId}/clips`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    for (const [body, type, status] of [
      ['{not json', 'application/json', 400],
      [{ startMs: -5 }, 'application/json', 400],
      [{ startMs: 1000, extra: 1 }, 'application/json', 400],
      [{ startMs: 1000 }, 'text/plain', 400],
      [{ startMs: info.durationMs + 10_000 }, 'application/json', 400],
    ] as const) {
      const res = await post(body, type);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    }
    expect((await json<ReplayInfo>(`/api/replays/${created.spaceId}`)).clips).toEqual([]);

    const res = await post({ startMs: 5000, title: 'The best bit' });
    expect(res.status).toBe(201);
    const clip = (await res.json()) as ClipInfo;
    expect(clip).toMatchObject({ spaceId: created.spaceId, title: 'The best bit', startMs: 5000, durationMs: 30_000, fromLive: false, pagePath: `/clip/${clip.id}` });
    const page = await json<{ clip: ClipInfo; replay: { title: string } }>(`/api/clips/${clip.id}`);
    expect(page.replay.title).toBe('Late show');
    const audio = await api(clip.audioUrl);
    const file = join(dir, 'clip.webm');
    writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
    expect(ffprobe(file)).toMatchObject({ codec: 'opus', format: 'matroska,webm' });
    expect(Math.abs(ffprobe(file).durationSec - 30)).toBeLessThan(0.1);
    expect((await api(`/clip/${clip.id}`)).status).toBe(200);
    // Near the end, a clip is what is left.
    const late = (await (await post({ startMs: info.durationMs - 4000 })).json()) as ClipInfo;
    expect(late.durationMs).toBe(4000);
    expect((await json<ReplayInfo>(`/api/replays/${created.spaceId}`)).clips.map((c) => c.id)).toEqual([clip.id, late.id]);
  }, 90_000);

  it('the host trims the start, sets retention and deletes; nobody else can', async () => {
    const space = await openSpace();
    await speak(space, 'Grace');
    await host.request('space.end', {});
    const info = await published(created.spaceId);
    const patch = (body: unknown, token?: string) =>
      api(`/api/replays/${created.spaceId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await patch({ trimStartMs: 2000 })).status).toBe(401);
    expect((await patch({ trimStartMs: 2000 }, listener.userToken)).status).toBe(403);
    // An invitation names nobody: it is no identity.
    expect((await patch({ trimStartMs: 2000 }, created.listenerInvite)).status).toBe(401);
    expect((await patch({}, created.hostToken)).status).toBe(400);
    expect((await patch({ retention: { mode: 'days', days: 0 } }, created.hostToken)).status).toBe(400);
    expect((await json<ReplayInfo>(`/api/replays/${created.spaceId}`)).trimStartMs).toBe(0);

    const trimmed = (await (await patch({ trimStartMs: 2000, retention: { mode: 'keep' } }, created.hostToken)).json()) as ReplayInfo;
    expect(trimmed).toMatchObject({ trimStartMs: 2000, durationMs: info.durationMs - 2000, retention: { mode: 'keep' }, expiresAt: null });
    const file = join(dir, 'trimmed.webm');
    writeFileSync(file, Buffer.from(await (await api(trimmed.audioUrl!)).arrayBuffer()));
    expect(Math.abs(ffprobe(file).durationSec * 1000 - trimmed.durationMs)).toBeLessThan(100);
    const timeline = await json<ReplayTimeline>(trimmed.timelineUrl!);
    expect(timeline.durationMs).toBe(trimmed.durationMs);

    // The host's user token works too (the host managing later, from the same studio).
    const clip = (await (await api(`/api/replays/${created.spaceId}/clips`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ startMs: 0 }) })).json()) as ClipInfo;
    expect((await api(`/api/replays/${created.spaceId}`, { method: 'DELETE', headers: { authorization: `Bearer ${listener.userToken}` } })).status).toBe(403);
    expect((await api(`/api/replays/${created.spaceId}`, { method: 'DELETE', headers: { authorization: `Bearer ${host.userToken}` } })).status).toBe(204);
    expect((await api(`/api/replays/${created.spaceId}`)).status).toBe(404);
    expect((await api(`/api/clips/${clip.id}`)).status).toBe(404);
    expect(existsSync(server.sfu.replays.folder(created.spaceId).dir)).toBe(false);
  }, 60_000);

  it('live: the host pauses and resumes recording, sets markers, allows live clips of the last 30 s', async () => {
    const space = await openSpace({ replay: false });
    expect(listener.snapshot?.replay.recording).toBe(false);
    await expect(listener.request('replay.set', { enabled: true })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(host.request('replay.mark', { title: 'Too early' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await host.request('replay.set', { enabled: true })).toEqual({ recording: true, liveClips: false });
    await eventually(() => expect(listener.snapshot?.replay.recording).toBe(true));
    const speaking = speak(space, 'Grace', 2);
    await new Promise((r) => setTimeout(r, 2500));
    await expect(listener.request('replay.liveClip', {})).rejects.toMatchObject({ code: 'forbidden' });
    expect(await host.request('replay.set', { enabled: true, liveClips: true })).toEqual({ recording: true, liveClips: true });
    const liveClip = await listener.request('replay.liveClip', { title: 'Just now' });
    expect(liveClip).toMatchObject({ fromLive: true, title: 'Just now' });
    expect(liveClip.durationMs).toBeGreaterThan(2000);
    expect(liveClip.durationMs).toBeLessThan(5000);
    const { atMs } = await host.request('replay.mark', { title: 'Second half' });
    expect(atMs).toBeGreaterThan(2000);
    await host.request('replay.set', { enabled: false });
    await eventually(() => expect(listener.snapshot?.replay.recording).toBe(false));
    await new Promise((r) => setTimeout(r, 2000));
    await host.request('replay.set', { enabled: true });
    await speaking;
    await host.request('space.end', {});
    const info = await published(created.spaceId);
    const timeline = await json<ReplayTimeline>(info.timelineUrl!);
    expect(timeline.chapters.map((c) => c.title)).toEqual(['Late show', 'Second half']);
    expect(timeline.gaps).toEqual([expect.objectContaining({ why: 'paused' })]);
    expect(timeline.gaps[0]!.missedMs).toBeGreaterThan(1800);
    expect(info.clips.map((c) => c.id)).toEqual([liveClip.id]);
    const clipAudio = await api(liveClip.audioUrl);
    expect(clipAudio.status).toBe(200);
  }, 60_000);

  it('a captioned Space’s replay carries its captions as WebVTT on the replay’s clock, read by a parser not ours', async () => {
    const space = await openSpace();
    const t0 = space.startedAt;
    // The Space's saved captions, as the caption service keeps them (final lines; a hidden one; a correction applied).
    const line = (lineId: string, startMs: number, text: string, hidden = false) => ({
      lineId,
      memberId: 'm',
      displayName: 'Grace',
      text,
      final: true,
      startedAt: t0 + startMs,
      endedAt: t0 + startMs + 1200,
      delayed: false,
      skippedSeconds: 0,
      hidden,
      editedBy: null,
      revision: 0,
    });
    await speak(space, 'Grace');
    server.sfu.captions.store.save({
      spaceId: space.id,
      title: space.title,
      startedAt: t0,
      lines: [line('a', 1500, 'Welcome to the late show'), line('b', 3000, 'hidden by the host', true), line('c', 4000, 'Thanks for coming')],
    });
    await host.request('space.end', {});
    const info = await published(created.spaceId);
    expect(info.captionsUrl).toBe(`/api/replays/${created.spaceId}/captions.vtt`);
    expect((await json<ReplayTimeline>(info.timelineUrl!)).captions).toBe(true);
    const res = await api(info.captionsUrl!);
    expect(res.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const parsed = new WebVTTParser().parse(await res.text(), 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues.map((c: { tree: { children: Array<{ value: string; children: Array<{ value: string }> }> } }) => [c.tree.children[0]!.value, c.tree.children[0]!.children[0]!.value])).toEqual([
      ['Grace', 'Welcome to the late show'],
      ['Grace', 'Thanks for coming'],
    ]);
    // Recording began a moment after the Space did: the cue sits that much earlier on the replay's clock.
    const recordingFrom = server.sfu.replays.folder(created.spaceId).readManifest().periods[0]!.from;
    expect(parsed.cues[0].startTime).toBeCloseTo((t0 + 1500 - recordingFrom) / 1000, 2);
    // Trimming the start moves the captions with it.
    const trimmed = await api(`/api/replays/${created.spaceId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${created.hostToken}` },
      body: JSON.stringify({ trimStartMs: 1000 }),
    });
    expect(trimmed.status).toBe(200);
    const again = new WebVTTParser().parse(await (await api(info.captionsUrl!)).text(), 'metadata');
    expect(again.cues[0].startTime).toBeCloseTo((t0 + 1500 - recordingFrom - 1000) / 1000, 2);
  }, 60_000);

  it('replays past their retention are deleted by the sweep', async () => {
    await openSpace();
    await host.request('space.end', {});
    await published(created.spaceId);
    expect(await server.sfu.replays.sweep(Date.now() + 29 * 86_400_000)).toEqual([]);
    expect(await server.sfu.replays.sweep(Date.now() + 31 * 86_400_000)).toEqual([created.spaceId]);
    expect((await api(`/api/replays/${created.spaceId}`)).status).toBe(404);
  }, 60_000);

  it('a ticketed Space’s replay is refused (402) unless the access hook lets the listener in; the host may always listen', async () => {
    await openSpace();
    await host.request('space.end', {});
    await published(created.spaceId);
    const record = (await server.sfu.replays.store.getReplay(created.spaceId))!;
    await server.sfu.replays.store.saveReplay({ ...record, ticketed: true });
    const refused = await api(`/api/replays/${created.spaceId}/audio.webm`);
    expect(refused.status).toBe(402);
    expect(await refused.json()).toEqual({ error: { code: 'ticket_required', message: 'this replay is for ticket holders' } });
    expect((await api(`/api/replays/${created.spaceId}`, { headers: { authorization: `Bearer ${created.hostToken}` } })).status).toBe(200);
    // The ticketing service's answer: this listener holds a ticket.
    const holder = server.sfu.tokens.verify(listener.userToken!, 'user');
    if (!holder.ok) throw new Error(holder.reason);
    server.sfu.replays.access = {
      mayListen: (_replay, viewer) =>
        viewer.userId === holder.claims.userId ? { ok: true } : { ok: false, status: 402, code: 'ticket_required', message: 'buy a ticket' },
    };
    expect((await api(`/api/replays/${created.spaceId}/audio.webm`, { headers: { authorization: `Bearer ${listener.userToken}` } })).status).toBe(200);
    expect((await api(`/api/replays/${created.spaceId}/audio.webm`)).status).toBe(402);
  }, 60_000);

  /** As a crash: the recording is not finished, the Space stays live in the store, the process's state is gone. */
  async function crash(): Promise<void> {
    server.sfu.replays.close();
    host.close();
    listener.close();
    await server.close();
  }

  it('a restart carries a live recording on: the restored Space records again, and its end publishes both parts with the gap', async () => {
    await server.close();
    const dataDir = await startServer();
    const space = await openSpace();
    await speak(space, 'Grace');
    await crash();
    await startServer(dataDir);
    const restored = server.sfu.space(created.spaceId);
    expect(restored, 'the Space comes back from the store').toBeDefined();
    expect(restored!.replay.recording).toBe(true);
    expect((await json<ReplayInfo>(`/api/replays/${created.spaceId}`)).status).toBe('recording');
    await new Promise((r) => setTimeout(r, 1000));
    restored!.end('the host did not come back');
    const info = await published(created.spaceId);
    expect(info.durationMs).toBeGreaterThan(5000);
    const timeline = await json<ReplayTimeline>(`/api/replays/${created.spaceId}/timeline.json`);
    expect(timeline.gaps.map((g) => g.why)).toEqual(['interrupted']);
  }, 60_000);

  it('a recording whose Space did not come back is published at the next start, from what was kept', async () => {
    await server.close();
    const dataDir = await startServer();
    const space = await openSpace();
    await speak(space, 'Grace');
    await crash();
    // The Space ended in the store (it was ending as the process died): nothing restores it.
    const store = await Store.open({ kind: 'sqlite', file: join(dataDir, 'hostline.db') });
    await store.repos.spaces.end(created.spaceId, 'ended as the service died', Date.now());
    await store.close();
    await startServer(dataDir);
    expect(server.sfu.space(created.spaceId)).toBeUndefined();
    const info = await published(created.spaceId);
    expect(info.durationMs).toBeGreaterThan(5000);
    expect(server.logs.some((l) => l.msg === 'publishing a replay a crash interrupted')).toBe(true);
  }, 60_000);
});
