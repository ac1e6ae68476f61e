// React glue: re-renders on a RoomClient's state and who is speaking, and keeps a ticking clock aligned
// to the server's.
import { useEffect, useState } from 'react';
import type { SpaceSnapshot } from '../../shared/space';
import type { RoomClient } from '../room/RoomClient';

export function useSnapshot(room: RoomClient | undefined): SpaceSnapshot | undefined {
  const [snapshot, setSnapshot] = useState(room?.snapshot);
  useEffect(() => {
    setSnapshot(room?.snapshot);
    return room?.on('state', setSnapshot);
  }, [room]);
  return snapshot;
}

/** Who the server hears speaking now (it travels in its own event, not in snapshots). */
export function useSpeaking(room: RoomClient | undefined): ReadonlySet<string> {
  const [speaking, setSpeaking] = useState<ReadonlySet<string>>(room?.speaking ?? new Set());
  useEffect(() => {
    setSpeaking(room?.speaking ?? new Set());
    return room?.on('speaking', (memberIds) => setSpeaking(new Set(memberIds)));
  }, [room]);
  return speaking;
}

/** The server's clock, estimated from the last snapshot, ticking every second. */
export function useServerNow(snapshot: SpaceSnapshot | undefined): number {
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (snapshot) setOffset(snapshot.serverTime - Date.now());
  }, [snapshot]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now + offset;
}
