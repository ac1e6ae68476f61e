// The error every recording operation answers with when a request cannot be done (bad input, no take
// running, not enough disk); the bridge's routes turn it into a 400 with its message.
export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}
