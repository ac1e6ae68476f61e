// After the show: start another, the server's replay (publication, trim, retention, delete), and the library with the recording just made.
import type { StudioApi } from '../../../shared/studio-api';
import { RecordingLibrary } from '../recording/RecordingLibrary';
import { ReplayManager } from '../replay/ReplayPanels';
import type { StudioReplay } from '../replay/StudioReplay';

export function EndedScreen({ studio, replay }: { studio: StudioApi; replay: StudioReplay | undefined }) {
  return (
    <>
      <main className="card setup">
        <h1>The space has ended</h1>
        <button className="primary" onClick={() => window.location.reload()}>Start another</button>
      </main>
      {replay && <ReplayManager replay={replay} />}
      <RecordingLibrary studio={studio} />
    </>
  );
}
