// Whether a Space has a replay, and where it stands (recording while live; processing or published after).
import { useEffect, useState } from 'react';
import type { ReplayStatus } from '../../shared/replay';

async function replayStatus(spaceId: string): Promise<ReplayStatus | undefined> {
  const response = await fetch(`/api/replays/${encodeURIComponent(spaceId)}`).catch(() => undefined);
  if (!response?.ok) return undefined;
  return ((await response.json()) as { status: ReplayStatus }).status;
}

/** The replay's status, asked again whenever `when` changes (e.g. the Space's phase); undefined: none. */
export function useReplayStatus(spaceId: string, when: unknown): ReplayStatus | undefined {
  const [status, setStatus] = useState<ReplayStatus>();
  useEffect(() => {
    if (spaceId) void replayStatus(spaceId).then(setStatus);
  }, [spaceId, when]);
  return status;
}
