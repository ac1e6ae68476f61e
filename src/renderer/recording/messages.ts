// Messages between the recording tap worklet and the Recorder.

/** A chunk of one tap's audio: `frame` is the audio clock's frame of its first sample. */
export interface TapChunk {
  frame: number;
  samples: Float32Array;
}

/** flush: post what is collected now; stop: flush, then stop processing. */
export type TapCommand = { type: 'flush' } | { type: 'stop' };
