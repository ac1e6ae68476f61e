// The time rules of scheduling: clock times in a zone to instants (daylight-saving gaps and repeats,
// zones without DST, southern hemisphere, half-hour shifts, a skipped day), and the limits.
import { describe, expect, it } from 'vitest';
import {
  countRefusal,
  DEFAULT_SCHEDULE_LIMITS,
  instantToZoned,
  isTimeZone,
  sameMinute,
  startTimeRefusal,
  zonedToInstant,
} from '../../src/shared/schedule-time';

const utc = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('clock times in a zone', () => {
  it('an ordinary time in Berlin in winter is UTC+1, in summer UTC+2', () => {
    expect(zonedToInstant({ date: '2026-01-15', time: '20:00', timeZone: 'Europe/Berlin' })).toEqual({ ok: true, startsAt: utc('2026-01-15T19:00:00Z'), offsetMinutes: 60 });
    expect(zonedToInstant({ date: '2026-07-15', time: '20:00', timeZone: 'Europe/Berlin' })).toEqual({ ok: true, startsAt: utc('2026-07-15T18:00:00Z'), offsetMinutes: 120 });
  });

  it('uses the offset of the day of the Space, not of today (a Space scheduled across a DST change)', () => {
    // New York changes on 8 March 2026: 19:00 on the 7th is UTC-5, on the 9th UTC-4.
    expect(zonedToInstant({ date: '2026-03-07', time: '19:00', timeZone: 'America/New_York' })).toMatchObject({ startsAt: utc('2026-03-08T00:00:00Z') });
    expect(zonedToInstant({ date: '2026-03-09', time: '19:00', timeZone: 'America/New_York' })).toMatchObject({ startsAt: utc('2026-03-09T23:00:00Z') });
  });

  it('refuses a time the clocks skip (spring forward) and suggests the time after the jump', () => {
    const result = zonedToInstant({ date: '2026-03-29', time: '02:30', timeZone: 'Europe/Berlin' });
    expect(result).toMatchObject({ ok: false, code: 'nonexistent', suggestion: { date: '2026-03-29', time: '03:30' } });
    expect(result.ok ? '' : result.reason).toMatch(/02:30 does not exist on 2026-03-29 in Europe\/Berlin.*choose 03:30/);
    // The minute before and the minute the clocks land on both exist.
    expect(zonedToInstant({ date: '2026-03-29', time: '01:59', timeZone: 'Europe/Berlin' })).toMatchObject({ ok: true, startsAt: utc('2026-03-29T00:59:00Z') });
    expect(zonedToInstant({ date: '2026-03-29', time: '03:00', timeZone: 'Europe/Berlin' })).toMatchObject({ ok: true, startsAt: utc('2026-03-29T01:00:00Z') });
  });

  it('asks which of the two when the clocks go back, and takes the one chosen', () => {
    const result = zonedToInstant({ date: '2026-10-25', time: '02:30', timeZone: 'Europe/Berlin' });
    expect(result).toMatchObject({
      ok: false,
      code: 'ambiguous',
      choices: [
        { offsetMinutes: 120, label: 'UTC+02:00', startsAt: utc('2026-10-25T00:30:00Z') },
        { offsetMinutes: 60, label: 'UTC+01:00', startsAt: utc('2026-10-25T01:30:00Z') },
      ],
    });
    expect(zonedToInstant({ date: '2026-10-25', time: '02:30', timeZone: 'Europe/Berlin', offsetMinutes: 60 })).toEqual({ ok: true, startsAt: utc('2026-10-25T01:30:00Z'), offsetMinutes: 60 });
    expect(zonedToInstant({ date: '2026-10-25', time: '02:30', timeZone: 'Europe/Berlin', offsetMinutes: 120 })).toMatchObject({ startsAt: utc('2026-10-25T00:30:00Z') });
    // An offset that is neither of the two is no choice at all.
    expect(zonedToInstant({ date: '2026-10-25', time: '02:30', timeZone: 'Europe/Berlin', offsetMinutes: 0 })).toMatchObject({ ok: false, code: 'ambiguous' });
    // An offset given for an unambiguous time changes nothing.
    expect(zonedToInstant({ date: '2026-10-25', time: '04:00', timeZone: 'Europe/Berlin', offsetMinutes: 120 })).toMatchObject({ ok: true, offsetMinutes: 60 });
  });

  it('the southern hemisphere springs forward in October (Sydney)', () => {
    expect(zonedToInstant({ date: '2026-10-04', time: '02:30', timeZone: 'Australia/Sydney' })).toMatchObject({ ok: false, code: 'nonexistent' });
    expect(zonedToInstant({ date: '2026-04-05', time: '02:30', timeZone: 'Australia/Sydney' })).toMatchObject({ ok: false, code: 'ambiguous' });
  });

  it('Lord Howe Island shifts by half an hour', () => {
    const gap = zonedToInstant({ date: '2026-10-04', time: '02:15', timeZone: 'Australia/Lord_Howe' });
    expect(gap).toMatchObject({ ok: false, code: 'nonexistent', suggestion: { time: '02:45' } });
  });

  it('zones without daylight saving have one instant for every clock time (Kolkata, UTC+5:30)', () => {
    expect(zonedToInstant({ date: '2026-03-29', time: '02:30', timeZone: 'Asia/Kolkata' })).toEqual({ ok: true, startsAt: utc('2026-03-28T21:00:00Z'), offsetMinutes: 330 });
  });

  it('a day a zone skipped entirely does not exist (Samoa, 30 December 2011)', () => {
    expect(zonedToInstant({ date: '2011-12-30', time: '12:00', timeZone: 'Pacific/Apia' })).toMatchObject({ ok: false, code: 'nonexistent' });
  });

  it('refuses unknown zones, malformed and impossible dates and times with the reason', () => {
    expect(zonedToInstant({ date: '2026-01-15', time: '20:00', timeZone: 'Mars/Olympus_Mons' })).toMatchObject({ ok: false, code: 'invalid_zone' });
    expect(zonedToInstant({ date: '15/01/2026', time: '20:00', timeZone: 'UTC' })).toMatchObject({ ok: false, code: 'invalid_date' });
    expect(zonedToInstant({ date: '2026-02-30', time: '20:00', timeZone: 'UTC' })).toMatchObject({ ok: false, code: 'invalid_date' });
    expect(zonedToInstant({ date: '2026-01-15', time: '8pm', timeZone: 'UTC' })).toMatchObject({ ok: false, code: 'invalid_time' });
    expect(zonedToInstant({ date: '2026-01-15', time: '24:30', timeZone: 'UTC' })).toMatchObject({ ok: false, code: 'invalid_date' });
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('../../etc/passwd')).toBe(false);
  });

  it('shows an instant on the clock of a zone, round-tripping with zonedToInstant', () => {
    expect(instantToZoned(utc('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toEqual({ date: '2026-10-25', time: '02:30', offsetMinutes: 60 });
    const shown = instantToZoned(utc('2026-07-01T12:00:00Z'), 'America/Los_Angeles');
    expect(zonedToInstant({ ...shown, timeZone: 'America/Los_Angeles' })).toMatchObject({ startsAt: utc('2026-07-01T12:00:00Z') });
  });
});

describe('schedule limits', () => {
  const now = utc('2026-03-01T12:00:00Z');
  const limits = DEFAULT_SCHEDULE_LIMITS;

  it('refuses a time that has passed, and one too soon to be worth scheduling', () => {
    expect(startTimeRefusal(now - 1, now, limits)).toBe('that time has already passed');
    expect(startTimeRefusal(now + 10_000, now, limits)).toMatch(/at least 1 minute.*go live/);
    expect(startTimeRefusal(now + 5 * 60_000, now, limits)).toBeUndefined();
  });

  it('allows up to 30 days ahead by default, to the millisecond, counting real days across a DST change', () => {
    // 30 days from 1 March crosses Europe's and America's spring change: still 30 × 24 h.
    expect(startTimeRefusal(now + 30 * DAY, now, limits)).toBeUndefined();
    expect(startTimeRefusal(now + 30 * DAY + 1, now, limits)).toBe('a Space can be scheduled at most 30 days ahead');
  });

  it('takes configured limits', () => {
    const tight = { ...limits, maxDaysAhead: 7, maxPerHost: 2 };
    expect(startTimeRefusal(now + 8 * DAY, now, tight)).toMatch(/at most 7 days/);
    expect(countRefusal(1, tight)).toBeUndefined();
    expect(countRefusal(2, tight)).toMatch(/already have 2 Spaces scheduled/);
  });

  it('allows up to 10 scheduled per host by default', () => {
    expect(countRefusal(9, limits)).toBeUndefined();
    expect(countRefusal(10, limits)).toMatch(/already have 10/);
  });

  it('two starts within the same minute are the same time', () => {
    expect(sameMinute(utc('2026-03-05T18:00:10Z'), utc('2026-03-05T18:00:50Z'))).toBe(true);
    expect(sameMinute(utc('2026-03-05T18:00:10Z'), utc('2026-03-05T18:01:00Z'))).toBe(false);
  });
});
