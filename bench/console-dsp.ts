// Benchmark: the production console's DSP cost as a share of real time on one core (chain + meters +
// RNNoise + voice detector), and the meters' latency. Prints figures; see docs/PERFORMANCE.md.
// Run: npm run bench   (needs `npm run build` first for the in-browser meter latency part)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { VOICE_PRESET } from '../src/shared/console-settings';
import { PeakRmsMeter } from '../src/renderer/audio/dsp/PeakRmsMeter';
import { LoudnessMeter } from '../src/renderer/audio/dsp/Loudness';
import { PadMix } from '../src/renderer/audio/dsp/PadMix';
import { ProcessingChain } from '../src/renderer/audio/dsp/ProcessingChain';
import { createRnnoise, runRnnoise } from '../tests/support/rnnoise';
import { pinkNoise, RATE } from '../tests/support/signals';

const SECONDS = 30;
const BLOCK = 128;
const require = createRequire(import.meta.url);

/** Speech-like test audio: a vowel-ish tone in syllables over pink noise. */
function testAudio(): Float32Array {
  const noise = pinkNoise(-50, SECONDS, 3);
  for (let i = 0; i < noise.length; i++) {
    const t = i / RATE;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2 * t)) ** 2;
    noise[i]! += 0.3 * syllable * (Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t) + 0.25 * Math.sin(2 * Math.PI * 450 * t));
  }
  return noise;
}

/** Share of one core that processing `SECONDS` of audio took (best of 3 runs, after a warm-up). */
function measure(run: () => void): number {
  run();
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best / SECONDS;
}

const pct = (share: number) => `${(share * 100).toFixed(2)} %`;

async function main(): Promise<void> {
  const audio = testAudio();
  const block = new Float32Array(BLOCK);
  const blocks = Math.floor(audio.length / BLOCK);
  const each = (fn: (b: Float32Array) => void) => () => {
    for (let i = 0; i < blocks; i++) {
      block.set(audio.subarray(i * BLOCK, (i + 1) * BLOCK));
      fn(block);
    }
  };

  const chainSettings = { ...VOICE_PRESET, gate: { ...VOICE_PRESET.gate, bypass: false } };
  const chain = new ProcessingChain(RATE, chainSettings);
  const stages = ['gain', 'gate', 'compressor', 'limiter', 'voiceGate'] as const;
  chain.voiceGate.setOpen(false);
  const chainShare = measure(each((b) => chain.run(b, stages)));

  // RNNoise as the chain worker runs it: on whole 10 ms frames.
  const rnnoise = await createRnnoise();
  const rnnoiseShare = measure(() => void runRnnoise(rnnoise, audio));
  rnnoise.destroy();

  // The soundboard playing, as the chain worker mixes it: a looped stereo bed ducked in and out by the
  // voice detector every second, and a stereo jingle over it, in 10 ms blocks, added to the send.
  const pads = new PadMix(RATE);
  pads.load('bed', { channels: [pinkNoise(-26, 20, 5), pinkNoise(-26, 20, 6)] });
  pads.load('jingle', { channels: [pinkNoise(-18, 5, 8), pinkNoise(-18, 5, 9)] });
  const sendBlock = [new Float32Array(480), new Float32Array(480)];
  const soundboardShare = measure(() => {
    pads.play('bed', { gainDb: 0, loop: true, fadeInMs: 500, fadeOutMs: 1000, duck: true });
    for (let b = 0; b < SECONDS * 100; b++) {
      if (b % 500 === 0) pads.play('jingle', { gainDb: -3, loop: false, fadeInMs: 0, fadeOutMs: 200, duck: false });
      pads.ducker.setTalking(b % 200 < 100);
      const mix = pads.process(480, 2);
      for (let c = 0; c < 2; c++) for (let i = 0; i < 480; i++) sendBlock[c]![i]! += mix[c]![i]!;
    }
  });

  const meters = [0, 1].map(() => ({ levels: new PeakRmsMeter(RATE), loudness: new LoudnessMeter(RATE) }));
  const meterShare = measure(
    each((b) => {
      for (const m of meters) {
        m.levels.process(b, () => undefined);
        m.loudness.process(b);
      }
    }),
  );

  // Silero VAD v5 through onnxruntime-web's wasm (what the studio loads), one 512-sample frame per 32 ms.
  const ort = require('onnxruntime-web') as typeof import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const model = readFileSync(join(require.resolve('@ricky0123/vad-web/package.json'), '..', 'dist', 'silero_vad_v5.onnx'));
  const session = await ort.InferenceSession.create(model);
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const frames = Math.floor((SECONDS * 16000) / 512);
  const frame = new Float32Array(512);
  const vadRun = async () => {
    for (let i = 0; i < frames; i++) {
      for (let k = 0; k < 512; k++) frame[k] = audio[(i * 512 + k) * 3] ?? 0;
      const result = await session.run({ input: new ort.Tensor('float32', frame, [1, 512]), state, sr });
      state = result.stateN as typeof state;
    }
  };
  await vadRun();
  let vadBest = Infinity;
  for (let i = 0; i < 2; i++) {
    const started = process.hrtime.bigint();
    await vadRun();
    vadBest = Math.min(vadBest, Number(process.hrtime.bigint() - started) / 1e9);
  }
  const vadShare = vadBest / SECONDS;

  const total = chainShare + rnnoiseShare + meterShare + vadShare + soundboardShare;
  console.log(`Console DSP cost on one core (${cpus()[0]?.model.trim()}, Node ${process.version}), ${SECONDS} s of 48 kHz audio:`);
  console.log(`  chain (gain, gate, compressor, limiter, voice gate)  ${pct(chainShare)}`);
  console.log(`  RNNoise noise suppression                          ${pct(rnnoiseShare)}`);
  console.log(`  meters (input + processed: peak, RMS, LUFS)         ${pct(meterShare)}`);
  console.log(`  voice detector (Silero v5, onnxruntime-web wasm)    ${pct(vadShare)}`);
  console.log(`  soundboard (ducked stereo bed + jingle, mixed)     ${pct(soundboardShare)}`);
  console.log(`  total, soundboard playing                          ${pct(total)}  (target < 15 %)`);
  console.log(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);

  await meterLatency();
}

/** In Chromium: how long a meter reading takes to reach the page after its audio was rendered. */
async function meterLatency(): Promise<void> {
  if (!existsSync('out/main/headless.js') || !existsSync('/usr/bin/chromium')) {
    console.log('meter latency: skipped (needs `npm run build` and /usr/bin/chromium)');
    return;
  }
  const { chromium } = await import('playwright-core');
  const studio = spawn(process.execPath, ['out/main/headless.js', '--port', '0', '--workers', '1', '--log-level', 'warn'], {
    env: { ...process.env, HOSTLINE_DATA_DIR: join('/tmp', `hostline-bench-${process.pid}`) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve) =>
      studio.stdout.on('data', (chunk: Buffer) => {
        const match = /Open the studio:\s+(\S+)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      }),
    );
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required'],
    });
    const page = await browser.newPage();
    await page.goto(url);
    // Measured once the voice detector has loaded: compiling its wasm blocks the page for a while.
    await page.waitForFunction(() => window.hostlineConsole?.voice.running === true, undefined, { timeout: 60_000 });
    await page.waitForTimeout(2000);
    const figures = await page.evaluate(
      () =>
        new Promise<{ delivery: number[]; load: number; outputLatency: number; baseLatency: number }>((resolve) => {
          const engine = window.hostlineConsole!;
          const delivery: number[] = [];
          // The audio clock's advance between a reading's end and its arrival is the delivery delay.
          const off = engine.inputMeter.on('reading', (r) => delivery.push((engine.context.currentTime - r.time) * 1000));
          setTimeout(() => {
            off();
            resolve({ delivery, load: engine.chainLoad, outputLatency: engine.context.outputLatency, baseLatency: engine.context.baseLatency });
          }, 5000);
        }),
    );
    await browser.close();
    const sorted = figures.delivery.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    console.log(`Meter latency in Chromium (${sorted.length} readings):`);
    console.log(`  reading period 20 ms: a level change shows at the end of its period (10 ms on average, 20 ms at worst)`);
    console.log(`  audio clock minus reading time on arrival: min ${at(0)} ms, median ${at(0.5)} ms, 95th percentile ${at(0.95)} ms`);
    console.log(`  (the minimum is the clock's lead over the audio thread's render position, not a delay; median − min is the delivery delay)`);
    console.log(`  drawn on the next animation frame: up to 16.7 ms more at 60 Hz`);
    console.log(`  output latency ${(figures.outputLatency * 1000).toFixed(1)} ms, base latency ${(figures.baseLatency * 1000).toFixed(1)} ms`);
  } finally {
    studio.kill('SIGTERM');
  }
}

await main();
