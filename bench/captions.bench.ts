// Benchmark: live captions through the real server path (a plain RTP producer per speaker on a real
// Space's Stage, the stage tap, the speech gate, the caption worker process with libopus and
// pocketsphinx, caption lines over WebSocket to the listener page in Chromium). It prints:
// - caption delay: end of a sentence's last word in the audio → its final line on the listener's
//   screen (the caption element appearing final in the page's DOM), p50/p95, and to a RoomClient;
// - CPU of the caption worker per simultaneous talker (1, 2, 4 speaking at once), and for 4 silent talkers;
// - the worker's memory with those recognition streams, and so how many talkers one core carries.
// The worker runs with the product's settings (nice 10, shedding at 8 s). Run: npm run bench:captions
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, it } from 'vitest';
import { CaptionFeed } from '../src/renderer/room/CaptionFeed';
import { launchChromium } from '../tests/support/browser';
import type { CaptionLine } from '../src/shared/captions';
import { buildCaptionWorker, requireCaptionTools, stageSpeaker } from '../tests/support/captions';
import { eventually, fakeRoom } from '../tests/support/fakeRoom';
import { SENTENCES, talk, type Talk } from '../tests/support/talk';
import { conditions, cpuMs, percentile, rssKiB, saveResults, say, startBenchServer } from './support';

requireCaptionTools();
const ROUNDS = [1, 2, 4];

declare global {
  interface Window {
    /** When each caption line first showed as final on the page (its wall clock, ms), by line id. */
    captionsSeen?: Record<string, number>;
  }
}

/** The listener page with Show captions on, noting when each final line appears on screen. */
async function listenerScreen(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByTestId('listener-name').fill('Screen');
  await page.getByTestId('listen').click();
  await page.getByTestId('listen-status').waitFor({ timeout: 30_000 });
  await page.getByTestId('show-captions').click();
  await page.getByTestId('caption-lines').waitFor({ timeout: 10_000 });
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    window.captionsSeen = seen;
    const note = () => {
      for (const el of document.querySelectorAll('[data-testid="caption-line"][data-final="true"]')) {
        const id = el.getAttribute('data-line-id');
        if (id && !(id in seen) && (el.querySelector('[data-testid="caption-text"]')?.textContent ?? '').length > 0) seen[id] = performance.timeOrigin + performance.now();
      }
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

describe('captions benchmark', () => {
  it('measures caption delay, CPU per talker and memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostline-bench-captions-'));
    const server = await startBenchServer({ captionWorkerScript: await buildCaptionWorker(), captionStreams: 4 });
    const results: Record<string, unknown> = { conditions: conditions() };
    say(`captions bench: load average ${conditions().loadAverage.join(' ')}`);
    const clients = [];
    const browser = await launchChromium();
    try {
      const host = fakeRoom(server.wsUrl);
      const listener = fakeRoom(server.wsUrl);
      clients.push(host, listener);
      await host.connect();
      await listener.connect();
      const created = await host.createSpace('Bench', 'Talker 0', undefined, undefined, true);
      await host.join(created.hostToken);
      await listener.join(created.listenerInvite, 'Listener');
      const feed = new CaptionFeed(listener);
      await feed.show(true);
      const screen = await browser.newPage();
      await listenerScreen(screen, `${server.httpUrl}/listen/${created.spaceId}#invite=${encodeURIComponent(created.listenerInvite)}`);
      const arrivals = new Map<string, number>();
      const finals: CaptionLine[] = [];
      listener.signaling.on('caption.line', (line) => {
        if (line.final && line.text && !arrivals.has(line.lineId)) {
          arrivals.set(line.lineId, Date.now());
          finals.push(line);
        }
      });
      // Talkers 1..3 are listeners brought on stage (their microphones are plain producers).
      const members = [host.memberId!];
      for (let i = 1; i < Math.max(...ROUNDS); i++) {
        const c = fakeRoom(server.wsUrl);
        clients.push(c);
        await c.connect();
        await c.join(created.listenerInvite, `Talker ${i}`);
        await host.request('stage.invite', { memberId: c.memberId!, as: 'speaker' });
        await eventually(() => {
          if (!c.snapshot?.you.invitation) throw new Error('no invitation yet');
        });
        await c.request('stage.answer', { accept: true });
        members.push(c.memberId!);
      }
      const space = server.sfu.space(created.spaceId)!;
      const speakers = await Promise.all(members.map((m, i) => stageSpeaker(space, space.member(m)!, 0x2000 + i)));
      const talks: Talk[] = members.map((_, i) => talk(dir, 'festival', [...SENTENCES.slice(i % 3), ...SENTENCES.slice(0, i % 3)].slice(0, 4), { lead: 0.5, gap: 1.0 }));
      const silent: Talk = { samples: new Float32Array(48_000 * 12), sentences: [], seconds: 12 };

      // Warm up: the first decoder loads the model.
      await speakers[0]!.speak(talk(dir, 'festival', [SENTENCES[5]], { lead: 0.2, gap: 0.5 }));
      await new Promise((r) => setTimeout(r, 3000));
      const workerPid = server.sfu.captions.workerPid!;

      const delays: number[] = [];
      const screenDelays: number[] = [];
      const perTalker: Record<string, unknown> = {};
      for (const n of [0, ...ROUNDS]) {
        const speaking = n === 0 ? 4 : n;
        const spoken = n === 0 ? Array.from({ length: 4 }, () => silent) : talks.slice(0, n);
        const cpu0 = cpuMs(workerPid);
        const sfuCpu0 = process.cpuUsage();
        const started = Date.now();
        /** When each sentence's last sample left the sender, server clock. */
        const ends: Array<{ memberId: string; at: number }> = [];
        await Promise.all(
          spoken.map((t, i) =>
            speakers[i]!.speak(t, (index, at) => {
              for (const s of t.sentences) if (Math.abs(index * 0.02 + 0.02 - s.end) < 0.0101) ends.push({ memberId: members[i]!, at });
            }),
          ),
        );
        // Let the last lines come out and the backlog drain.
        await new Promise((r) => setTimeout(r, 4000));
        const wallMs = Date.now() - started;
        const cpu = cpuMs(workerPid) - cpu0;
        const sfu = process.cpuUsage(sfuCpu0);
        const speechSeconds = spoken.reduce((sum, t) => sum + t.sentences.reduce((s, x) => s + x.end - x.start, 0), 0);
        // Match each sentence end to the first final line of that talker that arrived after it.
        const roundLines = finals.filter((l) => arrivals.get(l.lineId)! >= started);
        const onScreen = (await screen.evaluate(() => window.captionsSeen ?? {})) as Record<string, number>;
        for (const end of ends) {
          const line = roundLines.find((l) => l.memberId === end.memberId && arrivals.get(l.lineId)! >= end.at && l.endedAt >= end.at - 1500);
          if (!line) continue;
          delays.push(arrivals.get(line.lineId)! - end.at);
          const shown = onScreen[line.lineId];
          if (shown !== undefined) screenDelays.push(shown - end.at);
        }
        const label = n === 0 ? '4 silent talkers' : `${n} talking at once`;
        const figures = {
          workerCpuPercentOfCore: Number(((cpu / wallMs) * 100).toFixed(1)),
          workerCpuPerTalkerPercent: Number(((cpu / wallMs) * 100 / speaking).toFixed(1)),
          workerCpuPerSpeechSecondMs: speechSeconds ? Number((cpu / speechSeconds).toFixed(0)) : 0,
          sfuProcessCpuPercent: Number((((sfu.user + sfu.system) / 1000 / wallMs) * 100).toFixed(1)),
          workerRssMiB: Number((rssKiB(workerPid) / 1024).toFixed(0)),
          lines: roundLines.length,
          delayedLines: roundLines.filter((l) => l.delayed).length,
          skippedSeconds: roundLines.reduce((s, l) => s + l.skippedSeconds, 0),
        };
        perTalker[label] = figures;
        say(`${label}: worker ${figures.workerCpuPercentOfCore} % of a core (${figures.workerCpuPerTalkerPercent} % per talker, ${figures.workerCpuPerSpeechSecondMs} ms CPU per second of speech), SFU process ${figures.sfuProcessCpuPercent} %, worker RSS ${figures.workerRssMiB} MiB, ${figures.lines} lines (${figures.delayedLines} delayed, ${figures.skippedSeconds} s skipped)`);
      }
      const perSpeechSecond = (perTalker['1 talking at once'] as { workerCpuPerSpeechSecondMs: number }).workerCpuPerSpeechSecondMs;
      const delay = { p50: Math.round(percentile(delays, 50)), p95: Math.round(percentile(delays, 95)), n: delays.length };
      const screenDelay = { p50: Math.round(percentile(screenDelays, 50)), p95: Math.round(percentile(screenDelays, 95)), n: screenDelays.length };
      results.delay = delay;
      results.screenDelay = screenDelay;
      results.perTalker = perTalker;
      results.talkersPerCore = Number((1000 / perSpeechSecond).toFixed(1));
      say(`caption delay (end of sentence → final line on the listener page's screen): p50 ${screenDelay.p50} ms, p95 ${screenDelay.p95} ms over ${screenDelays.length} sentences`);
      say(`caption delay (end of sentence → final line at a RoomClient): p50 ${delay.p50} ms, p95 ${delay.p95} ms over ${delays.length} sentences`);
      say(`one core carries about ${results.talkersPerCore} people talking without pause (CPU per second of speech: ${perSpeechSecond} ms)`);
      say(`load average after: ${conditions().loadAverage.join(' ')}`);
      for (const s of speakers) s.close();
    } finally {
      await browser.close();
      for (const c of clients) c.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
      say(`saved ${saveResults('captions', results)}`);
    }
  });
});
