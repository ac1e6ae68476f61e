// The AudioWorkletGlobalScope names our worklet modules use. The DOM lib does not declare them, and
// declaring them globally would let main-thread code use them by mistake, so the worklets import them.
interface AudioWorkletScope {
  readonly sampleRate: number;
  /** Moves with every render quantum: read it at the time of use. */
  readonly currentFrame: number;
  readonly AudioWorkletProcessor: new (options?: AudioWorkletNodeOptions) => { readonly port: MessagePort };
  registerProcessor(name: string, ctor: unknown): void;
}

export const worklet = globalThis as unknown as AudioWorkletScope;
