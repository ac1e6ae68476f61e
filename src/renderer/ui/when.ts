// Times as people read them: a start in the viewer's own zone, and a countdown to it.
import { useEffect, useState } from 'react';

/** "Mon 22 Mar, 19:30 CET" in `timeZone` (default: this browser's). */
export function formatStart(startsAt: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(startsAt);
}

/** "in 2 d 3 h", "in 1:04:09", "in 4:09", "now". */
export function formatCountdown(ms: number): string {
  if (ms <= 0) return 'any moment now';
  const s = Math.floor(ms / 1000);
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (days > 0) return `in ${days} d ${hours} h`;
  const mm = String(minutes).padStart(2, '0');
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `in ${hours}:${mm}:${ss}` : `in ${minutes}:${ss}`;
}

/** The server's clock (from the `serverTime` it last sent), ticking every second. */
export function useServerClock(serverTime: number | undefined): number {
  const [offset, setOffset] = useState(0);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (serverTime !== undefined) setOffset(serverTime - Date.now());
  }, [serverTime]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now + offset;
}

/** The IANA zone of this browser. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
