// After the show: start another, and the library with the recording just made.
import type { StudioApi } from '../../../shared/studio-api';
import { RecordingLibrary } from '../recording/RecordingLibrary';

export function EndedScreen({ studio }: { studio: StudioApi }) {
  return (
    <>
      <main className="card setup">
        <h1>The space has ended</h1>
        <button className="primary" onClick={() => window.location.reload()}>Start another</button>
      </main>
      <RecordingLibrary studio={studio} />
    </>
  );
}
