// Chromium's insertable streams for audio tracks ("breakout box"), exposed on the window and in dedicated
// workers; TypeScript's DOM library only knows the standard, video-only, worker-only variant.
interface MediaStreamTrackProcessor<T = AudioData> {
  readonly readable: ReadableStream<T>;
}
declare var MediaStreamTrackProcessor: {
  prototype: MediaStreamTrackProcessor;
  new (init: { track: MediaStreamTrack; maxBufferSize?: number }): MediaStreamTrackProcessor<AudioData>;
};

interface MediaStreamTrackGenerator<T = AudioData> extends MediaStreamTrack {
  readonly writable: WritableStream<T>;
}
declare var MediaStreamTrackGenerator: {
  prototype: MediaStreamTrackGenerator;
  new (init: { kind: 'audio' }): MediaStreamTrackGenerator<AudioData>;
};
