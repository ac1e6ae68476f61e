// AudioWorklet: one segment of the console's processing chain (the stages between RNNoise and the ends),
// running the same pure-TypeScript cores the unit tests check.
import { worklet } from '../worklet-scope';
import { ProcessingChain, type LocalStageId } from '../dsp/ProcessingChain';
import type { ChainCommand, ChainProcessorOptions, ChainReport } from './messages';

/** Report the stages' state about 20 times a second, enough for gain-reduction needles. */
const REPORT_EVERY = 19;

class ConsoleChainProcessor extends worklet.AudioWorkletProcessor {
  readonly #chain: ProcessingChain;
  #stages: LocalStageId[];
  #quanta = 0;
  #busyMs = 0;

  constructor(options: AudioWorkletNodeOptions & { processorOptions: ChainProcessorOptions }) {
    super(options);
    this.#chain = new ProcessingChain(worklet.sampleRate, options.processorOptions.settings);
    this.#stages = options.processorOptions.stages;
    this.port.onmessage = (event: MessageEvent<ChainCommand>) => {
      const command = event.data;
      if (command.type === 'configure') {
        this.#chain.configure(command.settings);
        this.#stages = command.stages;
      } else this.#chain.voiceGate.setOpen(command.open);
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const out = outputs[0]?.[0];
    if (!out) return true;
    const started = Date.now();
    const input = inputs[0]?.[0];
    if (input) out.set(input);
    else out.fill(0);
    this.#chain.run(out, this.#stages);
    for (let c = 1; c < (outputs[0]?.length ?? 0); c++) outputs[0]![c]!.set(out);
    this.#busyMs += Date.now() - started;
    if (++this.#quanta === REPORT_EVERY) {
      const seconds = (REPORT_EVERY * out.length) / worklet.sampleRate;
      const report: ChainReport = {
        type: 'activity',
        stages: this.#stages,
        activity: this.#chain.activity(),
        loadMsPerSecond: this.#busyMs / seconds,
      };
      this.port.postMessage(report);
      this.#quanta = 0;
      this.#busyMs = 0;
    }
    return true;
  }
}

worklet.registerProcessor('hostline-console-chain', ConsoleChainProcessor);
