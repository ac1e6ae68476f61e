// Before going live: the host's name and the Space's title, Go live, the console (devices, levels, the
// chain) to get the sound right, the schedule (upcoming Spaces, Start now, the directory) and the
// library of earlier recordings.
import type { ConsoleEngine } from '../../audio/engine/ConsoleEngine';
import type { StudioApi } from '../../../shared/studio-api';
import { ConsolePanel } from '../console/ConsolePanel';
import type { Studio } from '../createStudio';
import { RecordingLibrary } from '../recording/RecordingLibrary';
import { SchedulePanel } from '../schedule/SchedulePanel';
import { canGoLive, canStartScheduled, type StudioState } from '../StudioSession';
import '../../ui/discover.css';

export function SetupScreen({ session, state, engine, studio }: { session: Studio; state: StudioState; engine: ConsoleEngine | undefined; studio: StudioApi }) {
  return (
    <>
      <main className="setup card">
        <h1>Start a space</h1>
        <label>
          Your name
          <input data-testid="host-name" value={state.hostName} maxLength={48} onChange={(e) => session.setHostName(e.target.value)} placeholder="How listeners see you" />
        </label>
        <label>
          Space title
          <input data-testid="space-title-input" value={state.title} maxLength={120} onChange={(e) => session.setTitle(e.target.value)} placeholder="What is the show about?" />
        </label>
        <label className="inline">
          <input type="checkbox" data-testid="listed" checked={state.listed} onChange={(e) => session.setListed(e.target.checked)} />
          List it in the directory (public); unticked, only people with the link find it
        </label>
        <label className="inline">
          <input type="checkbox" data-testid="live-captions" checked={state.captions} onChange={(e) => session.setCaptions(e.target.checked)} />
          Live captions (transcribed on the server; anyone on stage can decline)
        </label>
        {state.settings && (
          <label className="inline">
            <input type="checkbox" data-testid="replay-at-start" checked={state.replayAtStart} onChange={(e) => void session.setReplayAtStart(e.target.checked)} />
            Record a replay for listeners (they see a “Recorded” mark)
          </label>
        )}
        <p className="hint">Pick your microphone and check its level in the console below.</p>
        <button className="primary" data-testid="go-live" disabled={!canGoLive(state)} onClick={() => void session.goLive()}>
          {state.phase === 'starting' ? 'Starting…' : 'Go live'}
        </button>
      </main>
      {engine && state.settings && (
        <section className="console-setup">
          <ConsolePanel session={session} engine={engine} />
        </section>
      )}
      {state.phase === 'setup' && <SchedulePanel studio={studio} canStart={canStartScheduled(state)} onStartNow={(space) => void session.startScheduled(space)} />}
      {state.phase === 'setup' && <RecordingLibrary studio={studio} />}
    </>
  );
}
