// The studio page's composition root: a StudioSession wired to the real parts (the console engine, the
// room client, the recorder, the window's keyboard, localStorage and the browser's dialogs).
import { ConsoleEngine } from '../audio/engine/ConsoleEngine';
import { studioApi } from '../bridge/studio';
import { Recorder } from '../recording/Recorder';
import { RoomClient } from '../room/RoomClient';
import { StudioSession } from './StudioSession';

/** The session as the studio's screens see it. */
export type Studio = StudioSession<ConsoleEngine, Recorder>;

export function createStudio(): Studio {
  const studio = studioApi();
  const session: Studio = new StudioSession({
    studio,
    createEngine: (settings) => new ConsoleEngine(settings),
    createRoom: (options) => new RoomClient({ ...options, clientName: 'studio' }),
    createRecorder: (engine, room, hostName, captions) => new Recorder(studio, engine, room, hostName, captions),
    tokens: localStorage,
    keys: window,
    dialogs: { confirm: (message) => window.confirm(message), prompt: (message, initial) => window.prompt(message, initial) },
  });
  // A key released while the window is in the background never sends its key up: let go of push to talk.
  window.addEventListener('blur', () => session.shortcuts.releaseAll());
  return session;
}
