// CaptionWorkerProcess against the real caption worker (pocketsphinx, libopus): what the SFU sees of
// a worker that dies, stops reading or stops answering. None of it may throw into the caller, the
// SFU's buffer for the worker stays bounded, and the worker comes back on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { CaptionWorkerProcess } from '../../src/server/captions/CaptionWorkerProcess';
import type { GatedPacket } from '../../src/server/captions/SpeechGate';
import type { WorkerLine } from '../../src/server/captions/worker-messages';
import { Logger } from '../../src/server/logger';
import { buildCaptionWorker, requireCaptionTools } from '../support/captions';
import { eventually } from '../support/fakeRoom';
import { encodeOpus } from '../support/opusRtp';
import { SENTENCES, talk } from '../support/talk';

requireCaptionTools();

/** A sentence as the speech gate would pass it on: every packet, timed from now. */
function speech(dir: string, text: string): GatedPacket[] {
  const spoken = talk(dir, 'festival', [text], { lead: 0.2, gap: 0.3 });
  const at = Date.now();
  return encodeOpus(spoken.samples).map((p, i) => ({ payload: p.payload, sequenceNumber: i, mediaAt: at + i * 20 }));
}

describe('CaptionWorkerProcess with the real worker', () => {
  let dir: string;
  let script: string;
  let sentence: GatedPacket[];
  const ctx: { worker?: CaptionWorkerProcess; lines: WorkerLine[]; downs: string[]; logs: string[] } = { lines: [], downs: [], logs: [] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-caption-process-'));
    script = await buildCaptionWorker();
    sentence = speech(dir, SENTENCES[0]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    ctx.worker?.close();
    ctx.worker = undefined;
    ctx.lines = [];
    ctx.downs = [];
    ctx.logs = [];
  });

  async function started(options: { watchdogMs?: number; maxBacklogBytes?: number } = {}): Promise<CaptionWorkerProcess> {
    const logger = new Logger('debug', { service: 'test' }, (line) => ctx.logs.push(line));
    const worker = new CaptionWorkerProcess(script, { engine: { kind: 'pocketsphinx' }, maxStreams: 2 }, logger, { nice: 0, ...options });
    ctx.worker = worker;
    worker.on('line', (line) => ctx.lines.push(line));
    worker.on('down', (reason) => ctx.downs.push(reason));
    const ready = new Promise((resolve) => worker.once('ready', resolve));
    worker.start();
    await ready;
    return worker;
  }

  const readyAgain = (worker: CaptionWorkerProcess) => new Promise<void>((resolve) => worker.once('ready', () => resolve()));

  it('send() to a worker killed with SIGKILL never throws; the worker is started again and recognises speech', async () => {
    const worker = await started();
    const firstPid = worker.pid!;
    const back = readyAgain(worker);
    process.kill(firstPid, 'SIGKILL');
    // Speech keeps coming while the worker is dead and while it restarts.
    const until = Date.now() + 300;
    let sent = 0;
    while (Date.now() < until) {
      expect(() => worker.send({ t: 'audio', talker: 'a', packets: sentence.slice(sent % 50, (sent % 50) + 1) })).not.toThrow();
      sent++;
      await new Promise((r) => setImmediate(r));
    }
    await eventually(() => expect(ctx.downs).toEqual([expect.stringMatching(/SIGKILL/)]), 5000);
    await back;
    expect(worker.pid).not.toBe(firstPid);
    worker.send({ t: 'audio', talker: 'b', packets: sentence });
    worker.send({ t: 'pause', talker: 'b' });
    await eventually(() => expect(ctx.lines.some((l) => l.talker === 'b' && l.final && l.text.includes('welcome'))).toBe(true), 30_000);
  }, 60_000);

  it('a worker that stops reading makes the SFU drop speech at the backlog bound, and the next line says what was skipped', async () => {
    const maxBacklogBytes = 16 * 1024;
    const worker = await started({ maxBacklogBytes, watchdogMs: 60_000 });
    process.kill(worker.pid!, 'SIGSTOP');
    try {
      // Forty seconds of two talkers' speech, as fast as the SFU could send it: far past the socket's buffer.
      let peak = 0;
      for (let round = 0; round < 40; round++) {
        for (const packet of sentence.slice(0, 50)) {
          for (const talker of ['a', 'c']) worker.send({ t: 'audio', talker, packets: [packet] });
          peak = Math.max(peak, worker.backlogBytes);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const biggest = Math.max(...sentence.map((p) => p.payload.length)) + 200;
      expect(peak).toBeLessThanOrEqual(maxBacklogBytes + biggest);
      expect(worker.droppedPackets).toBeGreaterThan(0);
    } finally {
      process.kill(worker.pid!, 'SIGCONT');
    }
    // Once it reads again, the talker's next speech carries how much never reached it.
    await eventually(() => expect(worker.backlogBytes).toBeLessThan(maxBacklogBytes), 10_000);
    worker.send({ t: 'audio', talker: 'a', packets: sentence });
    worker.send({ t: 'pause', talker: 'a' });
    await eventually(() => expect(ctx.lines.some((l) => l.talker === 'a' && l.final && l.skippedSeconds > 0)).toBe(true), 30_000);
    expect(ctx.downs).toEqual([]);
  }, 60_000);

  it('a worker that stops answering is killed by the watchdog and started again', async () => {
    const worker = await started({ watchdogMs: 2500 });
    const firstPid = worker.pid!;
    const back = readyAgain(worker);
    process.kill(firstPid, 'SIGSTOP');
    const stoppedAt = Date.now();
    await eventually(() => expect(ctx.downs).toEqual([expect.stringMatching(/SIGKILL/)]), 10_000);
    const killedAfter = Date.now() - stoppedAt;
    expect(killedAfter).toBeGreaterThanOrEqual(2000);
    expect(ctx.logs.some((l) => l.includes('caption worker stopped answering'))).toBe(true);
    await back;
    expect(worker.pid).not.toBe(firstPid);
  }, 30_000);
});
