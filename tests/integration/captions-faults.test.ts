// The caption worker failing under a live show, through the whole server path: two people on stage
// talk (plain RTP producers, festival speech), a listener shows captions, and a listener of the audio
// counts every packet the SFU forwards. The worker is killed (SIGKILL) or frozen (SIGSTOP) mid-speech.
// The SFU must stay up and answer, every audio packet must still reach the listener, nothing may be
// thrown out of the server, the SFU's buffer to a frozen worker stays bounded, and captions come back
// by themselves after the restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { MAX_BACKLOG_BYTES } from '../../src/server/captions/CaptionWorkerProcess';
import type { CaptionLine } from '../../src/shared/captions';
import { audioListener, buildCaptionWorker, captionedStage, requireCaptionTools, type CaptionedStage } from '../support/captions';
import { eventually } from '../support/fakeRoom';
import { startTestServer, type TestServer } from '../support/server';
import { SENTENCES, talk, type Talk } from '../support/talk';

requireCaptionTools();

describe('the caption worker failing during a show', () => {
  let dir: string;
  let script: string;
  let ada: Talk;
  let grace: Talk;
  const ctx: { server?: TestServer; stage?: CaptionedStage; audio?: Awaited<ReturnType<typeof audioListener>>; uncaught: unknown[] } = { uncaught: [] };
  const onUncaught = (error: unknown) => ctx.uncaught.push(error);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-captions-faults-'));
    script = await buildCaptionWorker();
    ada = talk(dir, 'festival', SENTENCES, { gap: 1.0 });
    grace = talk(dir, 'festival', [...SENTENCES.slice(3), ...SENTENCES.slice(0, 3)], { gap: 1.0, lead: 1.4 });
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
  });
  afterAll(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    ctx.audio?.close();
    ctx.stage?.close();
    await ctx.server?.close();
    Object.assign(ctx, { server: undefined, stage: undefined, audio: undefined, uncaught: [] });
  });

  /** A server, the stage of Ada and Grace, and the audio listener; returns when everything is tapped. */
  async function show(watchdogMs = 30_000) {
    // At the SFU's own priority: other test runs on the machine must not starve the worker into shedding.
    ctx.server = await startTestServer({ captionWorkerScript: script, dataDir: dir, captionNice: 0, captionWatchdogMs: watchdogMs, logLevel: 'warn' });
    ctx.stage = await captionedStage(ctx.server, ['Ada', 'Grace']);
    await eventually(() => expect(ctx.server!.sfu.captions.worker.ready).toBe(true), 20_000);
    ctx.audio = await audioListener(ctx.stage.space.router, ctx.stage.speakers.map((s) => s.mic.producer));
    return ctx.stage;
  }

  const finals = (stage: CaptionedStage, memberId: string, after = 0): CaptionLine[] =>
    stage.feed.lines().filter((l) => l.final && l.memberId === memberId && l.startedAt > after && l.text.length > 0);

  /** Both talk; `fault` runs once each has a final line on the listener's screen. */
  async function talkThrough(stage: CaptionedStage, fault: () => Promise<void>) {
    const sent = [0, 0];
    const speaking = Promise.all(stage.speakers.map((s, i) => s.mic.speak(i === 0 ? ada : grace, () => sent[i]!++)));
    await eventually(() => {
      for (const s of stage.speakers) expect(finals(stage, s.memberId).length).toBeGreaterThan(0);
    }, 30_000);
    await fault();
    await speaking;
    return sent;
  }

  async function expectAudioUntouched(sent: number[]) {
    const heard = await ctx.audio!.report();
    console.log(`audio at the listener: ${heard.map((h, i) => `${h.count}/${sent[i]} packets, ${h.seqGaps} lost, longest gap ${h.maxGapMs.toFixed(0)} ms`).join('; ')}`);
    for (const [i, h] of heard.entries()) {
      expect(h.seqGaps, `packets lost for speaker ${i}`).toBe(0);
      expect(h.count).toBe(sent[i]);
    }
  }

  it('SIGKILL while two speakers talk: the SFU answers throughout, the audio is untouched, captions resume', async () => {
    const stage = await show();
    const firstPid = ctx.server!.sfu.captions.workerPid!;
    let killedAt = 0;
    let pings = 0;
    const sent = await talkThrough(stage, async () => {
      killedAt = Date.now();
      process.kill(firstPid, 'SIGKILL');
      // The SFU keeps answering while the worker is down and while it restarts.
      for (let i = 0; i < 10; i++) {
        await stage.listener.request('ping', {});
        pings++;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    expect(pings).toBe(10);
    // Listeners were told captions went away, then that they are back.
    await eventually(() => expect(stage.states.map((s) => s.load)).toEqual(expect.arrayContaining(['unavailable'])), 5000);
    await eventually(() => expect(stage.feed.state?.load).toBe('ok'), 20_000);
    expect(ctx.server!.sfu.captions.workerPid).not.toBe(firstPid);
    // Both speakers are captioned again: lines spoken after the restart arrive, under the right names.
    await eventually(() => {
      for (const s of stage.speakers) expect(finals(stage, s.memberId, killedAt + 1000).length, s.name).toBeGreaterThan(0);
    }, 30_000);
    for (const line of stage.feed.lines()) expect(line.displayName).toBe(stage.speakers.find((s) => s.memberId === line.memberId)!.name);
    // Nothing stays half-spoken: the lines the dead worker was hearing were ended.
    await eventually(() => expect(stage.feed.lines().filter((l) => !l.final)).toEqual([]), 10_000);
    expect(ctx.server!.sfu.space(stage.spaceId)?.status).toBe('live');
    await expectAudioUntouched(sent);
    expect(ctx.uncaught).toEqual([]);
  }, 120_000);

  it('SIGSTOP while two speakers talk: the SFU buffers at most its bound, the watchdog restarts the worker, captions resume', async () => {
    const stage = await show(4000);
    const worker = ctx.server!.sfu.captions.worker;
    const firstPid = worker.pid!;
    let stoppedAt = 0;
    let peakBacklog = 0;
    const sent = await talkThrough(stage, async () => {
      stoppedAt = Date.now();
      process.kill(firstPid, 'SIGSTOP');
      // Until the watchdog kills it (4 s of silence), the speech meant for it must not pile up in the SFU.
      while (worker.pid === firstPid && Date.now() - stoppedAt < 15_000) {
        peakBacklog = Math.max(peakBacklog, worker.backlogBytes);
        await stage.listener.request('ping', {});
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    console.log(`worker frozen: the SFU held at most ${peakBacklog} bytes for it; ${worker.droppedPackets} speech packets dropped; replaced after ${worker.pid === firstPid ? 'never' : 'the watchdog'}`);
    expect(worker.pid).not.toBe(firstPid);
    expect(peakBacklog).toBeLessThanOrEqual(MAX_BACKLOG_BYTES + 4096);
    expect(ctx.server!.logs.some((l) => l.msg === 'caption worker stopped answering: killing it')).toBe(true);
    await eventually(() => expect(stage.feed.state?.load).toBe('ok'), 20_000);
    await eventually(() => {
      for (const s of stage.speakers) expect(finals(stage, s.memberId, stoppedAt + 6000).length, s.name).toBeGreaterThan(0);
    }, 30_000);
    await eventually(() => expect(stage.feed.lines().filter((l) => !l.final)).toEqual([]), 10_000);
    await expectAudioUntouched(sent);
    expect(ctx.uncaught).toEqual([]);
  }, 120_000);
});
