// The whisper.cpp adapter on the same known speech as pocketsphinx, for deployments that supply a
// model: HOSTLINE_WHISPER_MODEL=/path/ggml-base.en.bin (and `npm rebuild smart-whisper`). No model
// ships with any package here and none can be downloaded, so without the variable this test skips, and
// says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptionWorkerCore } from '../../src/server/captions/CaptionWorkerCore';
import { WhisperEngine } from '../../src/server/captions/engines/WhisperEngine';
import { SpeechGate } from '../../src/server/captions/SpeechGate';
import type { WorkerLine } from '../../src/server/captions/worker-messages';
import { requireCaptionTools } from '../support/captions';
import { encodeOpus } from '../support/opusRtp';
import { SENTENCES, talk, wordErrorRate } from '../support/talk';

const MODEL = process.env.HOSTLINE_WHISPER_MODEL;
if (!MODEL) console.warn('SKIPPED captions-whisper: set HOSTLINE_WHISPER_MODEL=<ggml model file> (and run `npm rebuild smart-whisper`) to test the whisper.cpp engine');

describe.skipIf(!MODEL)('the whisper.cpp caption engine', () => {
  it('captions festival speech with a lower WER than the pocketsphinx bound', async () => {
    requireCaptionTools();
    const dir = mkdtempSync(join(tmpdir(), 'hostline-whisper-'));
    try {
      const spoken = talk(dir, 'festival', SENTENCES.slice(0, 4));
      const engine = await WhisperEngine.open(MODEL!);
      const lines: WorkerLine[] = [];
      const core = new CaptionWorkerCore(engine, { maxStreams: 1, emit: (l) => lines.push(l), schedule: () => {} });
      const gate = new SpeechGate();
      for (const [i, p] of encodeOpus(spoken.samples).entries()) {
        const { speech, ended } = gate.push({ payload: p.payload, sequenceNumber: i, timestamp: i * 960, audioLevel: p.level, arrivedAt: i * 20 });
        if (speech.length) core.accept({ t: 'audio', talker: 'a', packets: speech });
        if (ended) core.accept({ t: 'pause', talker: 'a' });
        if (i % 10 === 9) await core.drain();
      }
      core.accept({ t: 'close', talker: 'a', discard: false });
      await core.drain();
      const text = lines.filter((l) => l.final).map((l) => l.text).join(' ');
      const score = wordErrorRate(SENTENCES.slice(0, 4).join(' '), text);
      console.log(`whisper (${MODEL}): WER ${(score.wer * 100).toFixed(1)} %: "${text}"`);
      expect(score.wer).toBeLessThan(0.15);
      core.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
