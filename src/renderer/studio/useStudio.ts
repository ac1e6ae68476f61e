// React glue for the studio: re-render on the session's state and on its shortcut router's changes.
import { useEffect, useState } from 'react';
import type { ShortcutRouter } from './shortcuts/ShortcutRouter';
import type { StudioState } from './StudioSession';
import type { Studio } from './createStudio';

export function useStudioState(session: Studio): StudioState {
  const [state, setState] = useState(session.state);
  useEffect(() => {
    setState(session.state);
    return session.on('state', setState);
  }, [session]);
  return state;
}

/** Re-renders whenever bindings, their keys or the capture change; answers a counter to key effects on. */
export function useShortcuts(router: ShortcutRouter): number {
  const [version, setVersion] = useState(0);
  useEffect(() => router.on('changed', () => setVersion((v) => v + 1)), [router]);
  return version;
}
