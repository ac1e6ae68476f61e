// Known speech through the real server path: a mediasoup producer on a Space's Stage (plain RTP with
// libopus-encoded speech and the audio level Chromium would send), the stage tap, the speech gate,
// the caption worker process (libopus → 16 kHz → pocketsphinx), and caption lines over the signaling
// to a listener who shows captions. Two speakers talk at once; each line must carry the right name and
// the word error rate must stay under the bounds measured for this engine (see README, Captions).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptionLine } from '../../src/shared/captions';
import { CaptionFeed } from '../../src/renderer/room/CaptionFeed';
import { buildCaptionWorker, requireCaptionTools, stageSpeaker } from '../support/captions';
import { eventually, fakeRoom } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { SENTENCES, talk, wordErrorRate, type Talk, type Voice } from '../support/talk';

requireCaptionTools();

/** Upper bounds on WER, set from measured runs with headroom (README, "Accuracy to expect"). */
const WER_BOUND: Record<string, number> = {
  // Measured at load 12-14 on 2 cores: 4.7 %, 19.5 %, 25.6 %, 22.0 %.
  'festival clean': 0.15,
  'espeak clean': 0.35,
  'festival noisy': 0.4,
  'espeak noisy': 0.4,
};
const NOISE_DB = -32;

describe('captions on known speech, through the real server path', () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-captions-wer-'));
    // Accuracy, not load: at the SFU's own priority and never skipping audio (tests/integration/captions.test.ts covers shedding).
    server = await startTestServer({ captionWorkerScript: await buildCaptionWorker(), dataDir: dir, captionNice: 0, captionShedMs: 600_000 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function round(noisy: boolean) {
    const host = fakeRoom(server.wsUrl);
    const guest = fakeRoom(server.wsUrl);
    const listener = fakeRoom(server.wsUrl);
    try {
      for (const c of [host, guest, listener]) await c.connect();
      const created = await host.createSpace(noisy ? 'Noisy room' : 'Quiet room', 'Ada', undefined, undefined, true);
      await host.join(created.hostToken);
      await guest.join(created.listenerInvite, 'Grace');
      await listener.join(created.listenerInvite, 'Listener');
      await host.request('stage.invite', { memberId: guest.memberId!, as: 'speaker' });
      await eventually(() => expect(guest.snapshot?.you.invitation).toBeTruthy());
      await guest.request('stage.answer', { accept: true });
      const feed = new CaptionFeed(listener);
      await feed.show(true);
      const seen: CaptionLine[] = [];
      feed.on('lines', () => undefined);
      listener.signaling.on('caption.line', (line) => seen.push(line));

      const space = server.sfu.space(created.spaceId)!;
      const talks: Record<string, { voice: Voice; talk: Talk; memberId: string }> = {
        Ada: { voice: 'festival', talk: talk(dir, 'festival', SENTENCES.slice(0, 4), { noiseRmsDb: noisy ? NOISE_DB : undefined }), memberId: host.memberId! },
        Grace: { voice: 'espeak', talk: talk(dir, 'espeak', SENTENCES.slice(2, 6), { noiseRmsDb: noisy ? NOISE_DB : undefined }), memberId: guest.memberId! },
      };
      const speakers = await Promise.all(
        Object.values(talks).map((t, i) => stageSpeaker(space, space.member(t.memberId)!, 0x1000 + i)),
      );
      await Promise.all(Object.values(talks).map((t, i) => speakers[i]!.speak(t.talk)));
      // The last words come out once the gate's hangover has passed and the engine caught up.
      await eventually(() => {
        for (const t of Object.values(talks)) {
          const finals = feed.lines().filter((l) => l.final && l.memberId === t.memberId);
          const lastEnd = (t.talk.sentences.at(-1)!.end) * 1000;
          expect(finals.some((l) => l.endedAt - finals[0]!.startedAt > lastEnd - 1500 - t.talk.sentences[0]!.start * 1000)).toBe(true);
        }
      }, 30_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2500));
      for (const s of speakers) s.close();

      const results: Record<string, { wer: number; lines: number; text: string }> = {};
      for (const [name, t] of Object.entries(talks)) {
        const finals = feed.lines().filter((l) => l.final && l.memberId === t.memberId);
        // Every line of this member carries their name.
        expect(finals.every((l) => l.displayName === name)).toBe(true);
        const text = finals.map((l) => l.text).join(' ');
        const score = wordErrorRate(t.talk.sentences.map((s) => s.text).join(' '), text);
        const key = `${t.voice} ${noisy ? 'noisy' : 'clean'}`;
        results[key] = { wer: score.wer, lines: finals.length, text };
        const skipped = finals.reduce((s, l) => s + l.skippedSeconds, 0);
        const delayed = finals.filter((l) => l.delayed).length;
        console.log(`${key} (${name}): ${delayed} lines delayed, ${skipped} s skipped; WER ${(score.wer * 100).toFixed(1)} % (${score.errors}/${score.words}) in ${finals.length} lines: "${text}"`);
      }
      // Partial lines streamed before the finals.
      expect(seen.some((l) => !l.final && l.text.length > 0)).toBe(true);
      expect(feed.rejected).toBe(0);
      return results;
    } finally {
      for (const c of [host, guest, listener]) c.close();
    }
  }

  it('captions two speakers at once, each under their own name, within the WER bounds (clean speech)', async () => {
    const results = await round(false);
    for (const [key, r] of Object.entries(results)) {
      expect(r.lines, key).toBeGreaterThanOrEqual(3);
      expect(r.wer, `${key}: "${r.text}"`).toBeLessThan(WER_BOUND[key]!);
    }
  }, 120_000);

  it('stays within the bounds with pink noise under the speech', async () => {
    const results = await round(true);
    for (const [key, r] of Object.entries(results)) expect(r.wer, `${key}: "${r.text}"`).toBeLessThan(WER_BOUND[key]!);
  }, 120_000);
});
