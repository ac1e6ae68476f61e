// The caption worker's core on known speech, in-process: festival sentences encoded by libopus, gated
// by their audio levels, decoded and recognised by pocketsphinx. Checks lines, their order and
// timing, partials, and that silence costs nothing. (The real server path is in
// tests/integration/captions-wer.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptionWorkerCore } from '../../src/server/captions/CaptionWorkerCore';
import { PocketsphinxEngine, pocketsphinxMissing } from '../../src/server/captions/engines/PocketsphinxEngine';
import { SpeechGate, type GatedPacket } from '../../src/server/captions/SpeechGate';
import type { WorkerLine } from '../../src/server/captions/worker-messages';
import { encodeOpus } from '../support/opusRtp';
import { SENTENCES, speechToolsMissing, talk, wordErrorRate, type Talk } from '../support/talk';

const missing = pocketsphinxMissing() ?? speechToolsMissing();
if (missing) throw new Error(missing);

/** Runs a talk through gate and core as if it arrived in real time from t=0. */
async function recognise(core: CaptionWorkerCore, key: string, spoken: Talk) {
  const gate = new SpeechGate();
  const packets = encodeOpus(spoken.samples);
  let fed = 0;
  for (const [i, p] of packets.entries()) {
    const { speech, ended } = gate.push({ payload: p.payload, sequenceNumber: i, timestamp: i * 960, audioLevel: p.level, arrivedAt: i * 20 });
    if (speech.length) core.accept({ t: 'audio', talker: key, packets: speech as GatedPacket[] });
    fed += speech.length;
    if (ended) core.accept({ t: 'pause', talker: key });
    // An engine that keeps up: recognise what arrived every 200 ms of audio.
    if (i % 10 === 9) await core.drain();
  }
  core.accept({ t: 'close', talker: key, discard: false });
  await core.drain();
  return { packets: packets.length, fed };
}

describe('CaptionWorkerCore with pocketsphinx', () => {
  let dir: string;
  let festival: Talk;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hostline-caption-core-'));
    festival = talk(dir, 'festival', SENTENCES.slice(0, 3));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives one final line per sentence, in order, timed to the speech, with partials before each', async () => {
    const lines: WorkerLine[] = [];
    const core = new CaptionWorkerCore(new PocketsphinxEngine(), { maxStreams: 2, emit: (l) => lines.push(l), schedule: () => {} });
    const { packets, fed } = await recognise(core, 'ada', festival);
    core.close();
    const finals = lines.filter((l) => l.final);
    expect(finals).toHaveLength(3);
    const hypothesis = finals.map((l) => l.text).join(' ');
    const score = wordErrorRate(SENTENCES.slice(0, 3).join(' '), hypothesis);
    console.log(`festival, 3 sentences: WER ${(score.wer * 100).toFixed(1)} % (${score.errors}/${score.words}); "${hypothesis}"`);
    expect(score.wer).toBeLessThan(0.35);
    finals.forEach((line, i) => {
      const sentence = festival.sentences[i]!;
      expect(Math.abs(line.startedAt - sentence.start * 1000)).toBeLessThan(400);
      expect(Math.abs(line.endedAt - sentence.end * 1000)).toBeLessThan(400);
      expect(lines.some((l) => !l.final && l.utterance === line.utterance && l.text.length > 0)).toBe(true);
    });
    // Only speech (and a little pre-roll and hangover) reached the decoder.
    const speechSeconds = festival.sentences.reduce((s, x) => s + x.end - x.start, 0);
    expect(fed * 0.02).toBeLessThan(speechSeconds + festival.sentences.length * 1.1);
    expect(fed).toBeLessThan(packets);
  });
});
