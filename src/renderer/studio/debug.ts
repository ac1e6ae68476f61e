// Handles on the studio's objects for people (in the devtools console) and tests checking what it
// measured. Deliberately exposed and read-only in spirit: nothing in the product reads them.
import type { ConsoleEngine } from '../audio/engine/ConsoleEngine';
import type { Studio } from './createStudio';

declare global {
  interface Window {
    /** The studio's session: its state, the room, the recorder. */
    hostlineStudio?: Studio;
    /** The production console, for checking what it measured (meters' history, the speaking log). */
    hostlineConsole?: ConsoleEngine;
  }
}

export function exposeDebugHandles(session: Studio): void {
  window.hostlineStudio = session;
  session.on('engine', (engine) => (window.hostlineConsole = engine));
}
