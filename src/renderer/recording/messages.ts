// Messages between the recording tap worklet and the Recorder.

/** A chunk of one tap's audio: `frame` is the audio clock's frame of its first sample. */
export interface TapChunk {
  type: 'chunk';
  frame: number;
  samples: Float32Array;
}

/** From the tap: a chunk, or the answer to a flush (sent after the flushed chunk). */
export type TapMessage = TapChunk | { type: 'flushed' };

/** flush: post what is collected now; stop: flush, then stop processing. */
export type TapCommand = { type: 'flush' } | { type: 'stop' };
