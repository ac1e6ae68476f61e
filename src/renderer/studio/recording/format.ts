// How recordings read to people: sizes, dates, and clock times typed back in (shown by ui/format.ts).

/** "1:23" / "1:02:03" / "83.5" → seconds; undefined when it does not read as a time. */
export function parseClock(text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(t)) return undefined;
  return t.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  return `${Math.max(1, Math.round(n / 1e3))} kB`;
}

export function date(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
