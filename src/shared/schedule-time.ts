// The time rules of scheduling: a host picks a date and a time on the clock of their own time zone;
// the server stores the instant (UTC). Daylight-saving changes make some clock times not exist (the
// clocks jump forward) and others happen twice (the clocks go back): the first is refused with the
// nearest valid time, the second needs the host to say which of the two they mean. Then the instant
// must lie within the limits (not past, not too far ahead). World-free: the studio checks as the host
// types, the server checks again.
import { Temporal } from 'temporal-polyfill';

/** How far ahead and how many at once a host may schedule (server configuration). */
export interface ScheduleLimits {
  maxDaysAhead: number;
  maxPerHost: number;
  /** A Space must start at least this far in the future (a clock a little off is not "in the past"). */
  minLeadMs: number;
}

export const DEFAULT_SCHEDULE_LIMITS: ScheduleLimits = { maxDaysAhead: 30, maxPerHost: 10, minLeadMs: 60_000 };

/** A clock time in a zone, as the host typed it. `offsetMinutes` picks one of two times an ambiguous hour has. */
export interface ZonedInput {
  date: string;
  time: string;
  timeZone: string;
  offsetMinutes?: number;
}

/** One of the two instants a repeated clock time names, as the host chooses between them. */
export interface OffsetChoice {
  offsetMinutes: number;
  /** e.g. "UTC+02:00". */
  label: string;
  startsAt: number;
}

export type ZonedResult =
  | { ok: true; startsAt: number; offsetMinutes: number }
  | { ok: false; code: 'invalid_zone' | 'invalid_date' | 'invalid_time' | 'nonexistent'; reason: string; suggestion?: { date: string; time: string } }
  | { ok: false; code: 'ambiguous'; reason: string; choices: OffsetChoice[] };

/** Whether `zone` names an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(zone)) return false;
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** "UTC+05:30" for 330. */
export function offsetLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function offsetOf(zoned: Temporal.ZonedDateTime): number {
  return Math.round(zoned.offsetNanoseconds / 60e9);
}

/** The instant a clock time in a zone names, or why it names none (or two). */
export function zonedToInstant(input: ZonedInput): ZonedResult {
  if (!isTimeZone(input.timeZone)) return { ok: false, code: 'invalid_zone', reason: `“${input.timeZone}” is not a time zone` };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date)) return { ok: false, code: 'invalid_date', reason: 'the date is written YYYY-MM-DD' };
  if (!/^\d{2}:\d{2}$/.test(input.time)) return { ok: false, code: 'invalid_time', reason: 'the time is written HH:MM (24-hour clock)' };
  let wall: Temporal.PlainDateTime;
  try {
    wall = Temporal.PlainDateTime.from(`${input.date}T${input.time}`, { overflow: 'reject' });
  } catch {
    return { ok: false, code: 'invalid_date', reason: `${input.date} ${input.time} is not a date and time on the calendar` };
  }
  const earlier = wall.toZonedDateTime(input.timeZone, { disambiguation: 'earlier' });
  const later = wall.toZonedDateTime(input.timeZone, { disambiguation: 'later' });
  if (!earlier.toPlainDateTime().equals(wall)) {
    // In a gap: 'compatible' moves forward by the length of the gap, as the clocks did.
    const moved = wall.toZonedDateTime(input.timeZone, { disambiguation: 'compatible' }).toPlainDateTime();
    return {
      ok: false,
      code: 'nonexistent',
      reason: `${input.time} does not exist on ${input.date} in ${input.timeZone}: the clocks go forward then; choose ${moved.toPlainTime().toString({ smallestUnit: 'minute' })}`,
      suggestion: { date: moved.toPlainDate().toString(), time: moved.toPlainTime().toString({ smallestUnit: 'minute' }) },
    };
  }
  if (earlier.epochMilliseconds === later.epochMilliseconds) return { ok: true, startsAt: earlier.epochMilliseconds, offsetMinutes: offsetOf(earlier) };
  const choices = [earlier, later].map((z) => ({ offsetMinutes: offsetOf(z), label: offsetLabel(offsetOf(z)), startsAt: z.epochMilliseconds }));
  const chosen = choices.find((c) => c.offsetMinutes === input.offsetMinutes);
  if (chosen) return { ok: true, startsAt: chosen.startsAt, offsetMinutes: chosen.offsetMinutes };
  return {
    ok: false,
    code: 'ambiguous',
    reason: `${input.time} happens twice on ${input.date} in ${input.timeZone} (the clocks go back): choose ${choices[0]!.label} (the first) or ${choices[1]!.label} (the second)`,
    choices,
  };
}

/** The clock time of an instant in a zone, as the schedule form shows it. */
export function instantToZoned(startsAt: number, timeZone: string): { date: string; time: string; offsetMinutes: number } {
  const zoned = Temporal.Instant.fromEpochMilliseconds(startsAt).toZonedDateTimeISO(timeZone);
  return {
    date: zoned.toPlainDate().toString(),
    time: zoned.toPlainTime().toString({ smallestUnit: 'minute' }),
    offsetMinutes: offsetOf(zoned),
  };
}

/** Why a start time is outside the limits, or undefined when it is within them. */
export function startTimeRefusal(startsAt: number, now: number, limits: ScheduleLimits): string | undefined {
  if (startsAt < now + limits.minLeadMs) {
    return startsAt <= now ? 'that time has already passed' : `a scheduled Space starts at least ${Math.ceil(limits.minLeadMs / 60_000)} minute(s) from now; to start right away, go live`;
  }
  const latest = Temporal.Instant.fromEpochMilliseconds(now).add({ hours: 24 * limits.maxDaysAhead }).epochMilliseconds;
  if (startsAt > latest) return `a Space can be scheduled at most ${limits.maxDaysAhead} days ahead`;
  return undefined;
}

/** Why a host may not schedule one more, or undefined. */
export function countRefusal(upcoming: number, limits: ScheduleLimits): string | undefined {
  return upcoming >= limits.maxPerHost ? `you already have ${upcoming} Spaces scheduled, the most this service allows; cancel or start one first` : undefined;
}

/** Two upcoming Spaces of one host at the same minute are one Space scheduled twice. */
export function sameMinute(a: number, b: number): boolean {
  return Math.floor(a / 60_000) === Math.floor(b / 60_000);
}
