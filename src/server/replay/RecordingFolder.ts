// The folder a replay is recorded into and published from, and what its files hold:
//   recording.json  the manifest: the Space, the recording periods, one entry per speaker track
//   speaker-N.opus  each speaker's Opus packets as they came (Ogg Opus, on the replay's clock)
//   events.jsonl    what happened, one JSON object a line: stage changes, speech, markers, audience
//   master.webm, master-timeline.json   the published replay before any trim
//   replay.webm, timeline.json, captions.vtt   what listeners get (trimmed as the host set)
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** A stretch of live time that was recorded, and where it starts on the replay's clock. */
const PeriodSchema = z.object({
  /** Epoch ms (the stage tap's clock) when the stretch began and ended. */
  from: z.number(),
  to: z.number().optional(),
  /** Where it starts on the replay's clock, ms. */
  atMs: z.number(),
  /** Why the time before it is missing: the host paused, or the service was down. */
  after: z.enum(['start', 'paused', 'interrupted']),
});

export const ManifestSchema = z.object({
  version: z.literal(1),
  spaceId: z.string(),
  title: z.string(),
  /** Epoch ms when the Space went live. */
  liveAt: z.number(),
  periods: z.array(PeriodSchema),
  tracks: z.array(z.object({ index: z.number().int(), memberId: z.string(), name: z.string(), file: z.string() })),
  /** Set when the recording finished cleanly (the Space ended); absent after a crash. */
  finished: z.object({ atMs: z.number(), stereo: z.boolean() }).optional(),
});
export type RecordingManifest = z.infer<typeof ManifestSchema>;
export type RecordingPeriod = z.infer<typeof PeriodSchema>;

export const EventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stage'),
    atMs: z.number(),
    memberId: z.string(),
    name: z.string(),
    change: z.enum(['joined', 'left', 'role']),
    role: z.enum(['host', 'cohost', 'speaker', 'listener']),
    /** Why (approved, invited, stepped down, …), as the Space announced it. */
    cause: z.string().optional(),
  }),
  z.object({ type: z.literal('speech'), atMs: z.number(), track: z.number().int(), edge: z.enum(['start', 'end']) }),
  z.object({ type: z.literal('marker'), atMs: z.number(), title: z.string() }),
  z.object({ type: z.literal('audience'), atMs: z.number(), listening: z.number().int(), unique: z.number().int() }),
  /** The recording's clock, every second: after a crash, how far it got even if nobody spoke. */
  z.object({ type: z.literal('tick'), atMs: z.number() }),
]);
export type RecordingEvent = z.infer<typeof EventSchema>;

export class RecordingFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  hasManifest(): boolean {
    return existsSync(this.path('recording.json'));
  }

  readManifest(): RecordingManifest {
    return ManifestSchema.parse(JSON.parse(readFileSync(this.path('recording.json'), 'utf8')));
  }

  /** Written whole to a temporary file and renamed, so a crash leaves the old or the new one. */
  writeManifest(manifest: RecordingManifest): void {
    const tmp = this.path('recording.json.tmp');
    writeFileSync(tmp, JSON.stringify(manifest, null, 1));
    renameSync(tmp, this.path('recording.json'));
  }

  /** Every event that was written whole; a line torn by a crash is skipped. */
  readEvents(): RecordingEvent[] {
    let text: string;
    try {
      text = readFileSync(this.path('events.jsonl'), 'utf8');
    } catch {
      return [];
    }
    const events: RecordingEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = EventSchema.safeParse(JSON.parse(line));
        if (parsed.success) events.push(parsed.data);
      } catch {
        // A torn last line.
      }
    }
    return events;
  }

  /** Opens the event log for appending; each append is one write of one line. */
  openEventLog(): EventLog {
    const fd = openSync(this.path('events.jsonl'), 'a+');
    // A line torn by a crash is ended, so the next event starts a line of its own.
    const size = fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) writeSync(fd, '\n');
    }
    return new EventLog(fd);
  }
}

export class EventLog {
  readonly #fd: number;
  #closed = false;

  constructor(fd: number) {
    this.#fd = fd;
  }

  append(event: RecordingEvent): void {
    if (this.#closed) return;
    writeSync(this.#fd, JSON.stringify(event) + '\n');
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
