// A scheduled Space as an RFC 5545 calendar file (Add to calendar, and attached to reschedule mail).
// The UID names the Space, never the time, and SEQUENCE counts the host's changes, so a calendar
// that imports the file again updates the event it has instead of adding another.
import type { ScheduledSpaceRecord } from '../store/repositories/ScheduleRepository.js';

export interface CalendarEvent {
  space: Pick<ScheduledSpaceRecord, 'id' | 'title' | 'description' | 'startsAt' | 'revision' | 'status'>;
  hostName: string;
  /** The Space page (/s/<id>), where the event links. */
  link: string;
  /** When the alarm rings before the start. */
  alarmLeadMs: number;
  /** DTSTAMP: when this file was made. */
  now: number;
}

/** Spaces have no set length; calendars need one. */
const EVENT_LENGTH_MS = 3_600_000;

/** 20260305T180000Z */
function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line at 75 octets, never inside a UTF-8 character (RFC 5545 §3.1). */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // Continuation lines start with a space, which counts against their 75.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function alarmDuration(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes % 60 === 0 ? `-PT${minutes / 60}H` : `-PT${minutes}M`;
}

export function spaceCalendar(event: CalendarEvent): string {
  const { space } = event;
  const details = [space.description.trim(), `Hosted by ${event.hostName} on Hostline.`, `Listen: ${event.link}`].filter(Boolean).join('\n\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hostline//Scheduled Spaces//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:space-${space.id}@hostline`,
    `DTSTAMP:${utcStamp(event.now)}`,
    `DTSTART:${utcStamp(space.startsAt)}`,
    `DTEND:${utcStamp(space.startsAt + EVENT_LENGTH_MS)}`,
    `SEQUENCE:${space.revision}`,
    `STATUS:${space.status === 'cancelled' || space.status === 'missed' ? 'CANCELLED' : 'CONFIRMED'}`,
    `SUMMARY:${escapeText(space.title)}`,
    `DESCRIPTION:${escapeText(details)}`,
    `URL:${event.link}`,
    `LOCATION:${escapeText(event.link)}`,
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${escapeText(`${space.title} starts soon`)}`,
    `TRIGGER:${alarmDuration(event.alarmLeadMs)}`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
