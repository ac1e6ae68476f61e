// On air: the share link and who may ask to speak, the Stage with its moderation actions, the audience,
// the recording, the replay for listeners, the requests to speak, the host's own mute, and the console. Every action calls the
// StudioSession; this only renders its state.
import { useState } from 'react';
import { can } from '../../../shared/protocol';
import type { StudioApi } from '../../../shared/studio-api';
import type { ConsoleEngine } from '../../audio/engine/ConsoleEngine';
import type { Recorder } from '../../recording/Recorder';
import { AudiencePanel } from '../../ui/AudiencePanel';
import { CaptionsPanel } from '../../ui/CaptionsPanel';
import { QueuePanel } from '../../ui/QueuePanel';
import { ReactionFeed } from '../../ui/Reactions';
import { StageList } from '../../ui/StageList';
import { useServerNow, useSpeaking } from '../../ui/useRoom';
import { ConsolePanel } from '../console/ConsolePanel';
import type { Studio } from '../createStudio';
import { RecordingPanel } from '../recording/RecordingPanel';
import { ReplayLivePanel } from '../replay/ReplayPanels';
import { RunOfShowPanel } from '../RunOfShowPanel';
import type { LiveSpace, StudioState } from '../StudioSession';

interface LiveScreenProps {
  session: Studio;
  state: StudioState & { live: LiveSpace; snapshot: NonNullable<StudioState['snapshot']> };
  engine: ConsoleEngine | undefined;
  recorder: Recorder | undefined;
  studio: StudioApi;
}

export function LiveScreen({ session, state, engine, recorder, studio }: LiveScreenProps) {
  const { live, snapshot } = state;
  const room = session.room!;
  const serverNow = useServerNow(snapshot);
  const speaking = useSpeaking(room);
  const [copied, setCopied] = useState<string>();
  const muted = snapshot.you.muted;
  const role = snapshot.you.role;

  async function copy(text: string | undefined, what: string) {
    if (!text) return;
    await navigator.clipboard?.writeText(text).catch(() => undefined);
    setCopied(what);
    setTimeout(() => setCopied(undefined), 1500);
  }

  return (
    <main className="console">
      <section className="card share">
        <h2>Share link</h2>
        <div className="share-row">
          <input data-testid="share-link" readOnly value={live.shareLink} onFocus={(e) => e.target.select()} />
          <button onClick={() => void copy(live.shareLink, 'listen')}>{copied === 'listen' ? 'Copied' : 'Copy'}</button>
        </div>
        <div className="share-row policy">
          <label className="inline">
            Who can ask to speak
            <select data-testid="request-policy" value={snapshot.policy.requestPolicy} onChange={(e) => void session.setRequestPolicy(e.target.value as 'everyone' | 'invited')}>
              <option value="everyone">Everyone</option>
              <option value="invited">Only people I invite</option>
            </select>
          </label>
          <button onClick={() => void session.speakerInviteLink().then((link) => copy(link, 'speaker'))}>
            {copied === 'speaker' ? 'Copied' : 'Copy speaker invite link'}
          </button>
        </div>
      </section>
      <div className="column">
        <section className="card stage-card">
          <h2>Stage</h2>
          <StageList snapshot={snapshot} speaking={speaking} selfId={room.memberId} onAction={(action, member) => void session.stageAction(action, member)} />
          <ReactionFeed room={room} />
        </section>
        <section className="card">
          <h2>Audience</h2>
          {/* Inviting a co-host is the host's, like promoting one. */}
          <AudiencePanel room={room} isHost={can(role, 'cohost.promote')} listenerCount={snapshot.listenerCount} onAction={(action, memberId) => void session.audienceAction(action, memberId)} />
        </section>
      </div>
      <div className="column">
        <RunOfShowPanel
          show={state.show}
          live
          nextKey={state.settings?.shortcuts.nextSegment}
          onNext={() => void session.nextSegment()}
          onEdit={(segments) => void session.editRunOfShow(segments)}
        />
        {recorder && <RecordingPanel studio={studio} recorder={recorder} onMarker={() => session.addMarker()} />}
        {session.replay && <ReplayLivePanel replay={session.replay} isHost={role === 'host'} canMark={role === 'host' || role === 'cohost'} />}
        {session.captions && <CaptionsPanel feed={session.captions} snapshot={snapshot} onError={(error) => session.reportError(error)} />}
        <section className="card">
          <h2>Requests to speak</h2>
          <QueuePanel
            snapshot={snapshot}
            serverNow={serverNow}
            onAction={(action, memberId) => void session.queueAction(action, memberId)}
            onApproveNext={() => void session.approveNext()}
          />
        </section>
        <section className="card mic">
          <h2>On air</h2>
          <div className="actions">
            <button data-testid="mute" className={muted ? 'warn' : ''} onClick={() => void session.toggleMute()}>
              {muted ? 'Unmute' : 'Mute'}
            </button>
            {can(role, 'stage.muteAll') && <button data-testid="mute-all" onClick={() => void session.muteAll()}>Mute all</button>}
            {can(role, 'space.end') && (
              <button data-testid="end-space" className="danger" onClick={() => void session.endSpace()}>End space</button>
            )}
          </div>
        </section>
      </div>
      {engine && state.settings && (
        <section className="console-live">
          <ConsolePanel session={session} engine={engine} />
        </section>
      )}
    </main>
  );
}
