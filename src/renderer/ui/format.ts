// How times read to people, everywhere in the studio and on the listener page.

/** Elapsed time as a clock: 75 → "1:15"; 3725 → "1:02:05". Takes seconds (divide ms by 1000). */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A rough, friendly wait: "under a minute", "about 3 minutes". */
export function formatWait(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes === 1) return 'about a minute';
  return `about ${minutes} minutes`;
}
