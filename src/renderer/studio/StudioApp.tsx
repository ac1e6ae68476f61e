// The studio's window: the top bar and the screen for where the host is (setting up, live, ended).
// Rendering only: the StudioSession owns going live, the console engine, the room and every action.
import { useEffect, useState } from 'react';
import { studioApi } from '../bridge/studio';
import type { Studio } from './createStudio';
import { EndedScreen } from './screens/EndedScreen';
import { LiveScreen } from './screens/LiveScreen';
import { SetupScreen } from './screens/SetupScreen';
import { TopBar } from './screens/TopBar';
import { useStudioState } from './useStudio';

export function StudioApp({ session }: { session: Studio }) {
  const studio = studioApi();
  const state = useStudioState(session);
  const [engine, setEngine] = useState(session.engine);
  const [recorder, setRecorder] = useState(session.recorder);
  useEffect(() => {
    const offs = [session.on('engine', setEngine), session.on('recorder', setRecorder)];
    return () => offs.forEach((off) => off());
  }, [session]);
  const { phase, live, snapshot } = state;

  return (
    <div className="app studio">
      <TopBar state={state} runtime={studio.runtime} />
      {(phase === 'loading' || phase === 'setup' || phase === 'starting') && <SetupScreen session={session} state={state} engine={engine} studio={studio} />}
      {phase === 'live' && live && snapshot && <LiveScreen session={session} state={{ ...state, live, snapshot }} engine={engine} recorder={recorder} studio={studio} />}
      {phase === 'ended' && <EndedScreen studio={studio} replay={session.replay} />}
    </div>
  );
}
