// Load shedding, through the whole server path: the caption worker runs a deliberately slow engine
// (pocketsphinx plus three times each packet's length in burned CPU, tests/support/throttled-caption-
// worker.ts) at the product's priority, so it falls behind two people talking at once whatever the
// machine's load. Lines must then be marked delayed, listeners told captions are behind and then that
// words are skipped, audio skipped past the shed threshold (the next line says how much), the delay
// kept near the threshold, and every audio packet must still reach a listener.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEHIND_MS } from '../../src/server/captions/CaptionWorkerCore';
import { audioListener, buildCaptionWorker, captionedStage, requireCaptionTools } from '../support/captions';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { SENTENCES, talk } from '../support/talk';

requireCaptionTools();

const SHED_MS = 3000;

describe('captions when the caption worker cannot keep up', () => {
  let dir: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-captions-load-'));
    server = await startTestServer({ captionWorkerScript: await buildCaptionWorker({ throttle: 3 }), dataDir: dir, captionShedMs: SHED_MS, logLevel: 'warn' });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks lines delayed, says so, skips audio past the threshold, and never touches the audio', async () => {
    const stage = await captionedStage(server, ['Ada', 'Grace']);
    const audio = await audioListener(stage.space.router, stage.speakers.map((s) => s.mic.producer));
    try {
      await eventually(() => expect(server.sfu.captions.worker.ready).toBe(true), 20_000);
      expect(server.sfu.captions.engineName).toMatch(/throttled ×3/);
      let worstBacklog = 0;
      server.sfu.captions.worker.on('load', (load) => (worstBacklog = Math.max(worstBacklog, ...Object.values(load.backlogMs))));
      const talks = [talk(dir, 'festival', SENTENCES.slice(0, 3), { gap: 0.8 }), talk(dir, 'festival', SENTENCES.slice(3, 6), { gap: 0.8, lead: 1.3 })];
      const sent = [0, 0];
      let pings = 0;
      let done = false;
      const speaking = Promise.all(stage.speakers.map((s, i) => s.mic.speak(talks[i]!, () => sent[i]!++))).then(() => (done = true));
      // The SFU answers while its caption worker is overwhelmed.
      while (!done) {
        await stage.listener.request('ping', {});
        pings++;
        await new Promise((r) => setTimeout(r, 200));
      }
      await speaking;

      // Listeners were told: first that captions run behind, then that words are being skipped.
      await eventually(() => expect(stage.states.map((s) => s.load)).toEqual(expect.arrayContaining(['behind', 'shedding'])), 10_000);
      const loads = stage.states.map((s) => s.load);
      expect(loads.indexOf('behind')).toBeLessThan(loads.indexOf('shedding'));
      // Once the talking stops the worker catches up and says so.
      await eventually(() => expect(stage.feed.state?.load).toBe('ok'), 90_000);
      await eventually(() => expect(stage.feed.lines().filter((l) => !l.final)).toEqual([]), 30_000);

      const finals = stage.feed.lines().filter((l) => l.final);
      console.log(finals.map((l) => `${l.displayName}${l.delayed ? ' (delayed)' : ''}${l.skippedSeconds ? ` (${l.skippedSeconds} s skipped)` : ''}: ${l.text}`).join('\n'));
      console.log(`worst backlog ${worstBacklog} ms; ${pings} pings answered while the worker was behind`);
      for (const s of stage.speakers) {
        const theirs = finals.filter((l) => l.memberId === s.memberId);
        expect(theirs.length, s.name).toBeGreaterThan(0);
        expect(theirs.some((l) => l.delayed), `${s.name}: a delayed line`).toBe(true);
        expect(theirs.some((l) => l.skippedSeconds > 0), `${s.name}: a line after skipped audio`).toBe(true);
        expect(theirs.every((l) => l.displayName === s.name)).toBe(true);
      }
      // Shedding keeps the delay near its threshold: audio is dropped back to BEHIND_MS once past it.
      expect(worstBacklog).toBeGreaterThan(BEHIND_MS);
      expect(worstBacklog).toBeLessThanOrEqual(SHED_MS + 1000);
      expect(pings).toBeGreaterThan(10);

      const heard = await audio.report();
      console.log(`audio at the listener: ${heard.map((h, i) => `${h.count}/${sent[i]} packets, ${h.seqGaps} lost`).join('; ')}`);
      for (const [i, h] of heard.entries()) {
        expect(h.seqGaps).toBe(0);
        expect(h.count).toBe(sent[i]);
      }
    } finally {
      audio.close();
      stage.close();
    }
  }, 180_000);
});
