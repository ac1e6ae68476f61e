// The console's chain worker: reads the microphone's frames (a MediaStreamTrackProcessor's stream), runs
// the SendPath over each 10 ms block as it arrives, and writes the result to the generators whose tracks
// the Stage and the voice detector receive. No Web Audio in between: a block leaves as soon as it is
// processed, so the send track keeps the capture's even 10 ms rhythm.
import { NoiseSuppressor, Rnnoise } from '../dsp/NoiseSuppressor';
import { SEND_RATE, SendPath } from '../dsp/SendPath';
import type { ChainCommand, ChainEvent } from './messages';

/** Report the chain's state about 20 times a second, enough for gain-reduction needles. */
const REPORT_EVERY_MS = 50;

/** The dedicated worker's scope (the DOM library this project compiles against does not declare it). */
const scope = globalThis as unknown as { postMessage(message: ChainEvent): void; onmessage: ((event: MessageEvent<ChainCommand>) => void) | null };
let path: SendPath | undefined;
let send: WritableStreamDefaultWriter<AudioData> | undefined;
let voice: WritableStreamDefaultWriter<AudioData> | undefined;
/** The stream being read; a new microphone replaces it. */
let input: ReadableStream<AudioData> | undefined;
/** RNNoise, loaded the first time the host turns noise suppression on. */
let rnnoise: Promise<void> | undefined;

const post = (event: ChainEvent) => scope.postMessage(event);

/** Microseconds on this worker's clock: AudioData timestamps count from the time origin of the realm
 * that reads or writes them. */
const nowMicros = () => performance.now() * 1000;

function audioData(channels: readonly Float32Array[], timestamp: number): AudioData {
  const frames = channels[0]!.length;
  const data = new Float32Array(frames * channels.length);
  channels.forEach((c, i) => data.set(c, i * frames));
  return new AudioData({ format: 'f32-planar', sampleRate: SEND_RATE, numberOfFrames: frames, numberOfChannels: channels.length, timestamp, data });
}

const report = { started: 0, busyMs: 0, audioMs: 0, delays: [] as number[] };

function process(frame: AudioData): void {
  const started = performance.now();
  const channels = Array.from({ length: frame.numberOfChannels }, (_, c) => {
    const plane = new Float32Array(frame.numberOfFrames);
    frame.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
    return plane;
  });
  const captured = frame.timestamp;
  const rate = frame.sampleRate;
  frame.close();
  const out = path!.process(channels, rate);
  // The console's track is a source of its own: its frames carry the time they leave the chain.
  const now = nowMicros();
  void send!.write(audioData(out.send, now)).catch(() => undefined);
  void voice!.write(audioData([out.voice], now)).catch(() => undefined);
  report.busyMs += performance.now() - started;
  report.audioMs += (1000 * out.voice.length) / SEND_RATE;
  report.delays.push((now - captured) / 1000);
  if (started - report.started >= REPORT_EVERY_MS) {
    const sorted = report.delays.sort((a, b) => a - b);
    post({
      type: 'activity',
      activity: path!.activity(),
      loadMsPerSecond: (1000 * report.busyMs) / Math.max(1, report.audioMs),
      delayMs: { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 },
      inputRate: rate,
      inputChannels: channels.length,
    });
    Object.assign(report, { started, busyMs: 0, audioMs: 0, delays: [] });
  }
}

async function read(stream: ReadableStream<AudioData>): Promise<void> {
  const reader = stream.getReader();
  try {
    while (input === stream) {
      const { value, done } = await reader.read();
      if (done) return;
      if (input !== stream || !path) value.close();
      else process(value);
    }
  } catch (error) {
    post({ type: 'error', message: `the microphone stream failed: ${(error as Error).message}` });
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

scope.onmessage = (event: MessageEvent<ChainCommand>) => {
  const command = event.data;
  switch (command.type) {
    case 'start':
      path = new SendPath(command.settings);
      send = command.send.getWriter();
      voice = command.voice.getWriter();
      return;
    case 'input':
      input = command.readable;
      void read(command.readable);
      return;
    case 'configure':
      path?.configure(command.settings);
      return;
    case 'noiseSuppressor':
      rnnoise ??= Rnnoise.load(command.wasm).then(
        (module) => path?.setNoiseSuppressor(new NoiseSuppressor(module)),
        (error: Error) => post({ type: 'error', message: `noise suppression is unavailable: ${error.message}` }),
      );
      return;
    case 'voiceGate':
      path?.setVoiceGateOpen(command.open);
      return;
    case 'talk':
      path?.setTalking(command.open);
      return;
    case 'padLoad':
      path?.pads.load(command.padId, { channels: command.channels });
      return;
    case 'padUnload':
      path?.pads.unload(command.padId);
      return;
    case 'padPlay':
      path?.pads.play(command.padId, command.playback);
      return;
    case 'padUpdate':
      path?.pads.update(command.padId, command.playback);
      return;
    case 'padStop':
      path?.pads.stop(command.padId);
      return;
    case 'ducking':
      path?.pads.ducker.set(command.params);
      return;
    case 'someoneTalking':
      path?.pads.ducker.setTalking(command.talking);
      return;
  }
};
