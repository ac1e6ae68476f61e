// The recording actions the renderer may ask for, with their arguments validated again here. Electron's
// IPC handlers and the browser bridge's HTTP routes both call these, so both check the same things.
import { z } from 'zod';
import {
  AddTrackSchema,
  FrameSchema,
  RecordingCaptionSchema,
  StartRecordingSchema,
  TimelineEventInputSchema,
  type ExportResult,
  type RecordingManifest,
  type RecordingStatus,
  type RecordingSummary,
} from '../../../shared/recording.js';
import { exportRecording } from './export.js';
import { RecordingError } from './RecordingError.js';
import type { RecordingService } from './RecordingService.js';

const EventsSchema = z.object({ events: z.array(TimelineEventInputSchema).max(2000) });
const CaptionsSchema = z.object({ lines: z.array(RecordingCaptionSchema).max(500) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RecordingError(`${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return parsed.data;
}

export interface RecordingCommands {
  start(body: unknown): Promise<RecordingStatus & { id: string }>;
  addTrack(body: unknown): Promise<{ trackNo: number }>;
  audio(batch: Uint8Array): RecordingStatus;
  events(body: unknown): Promise<void>;
  captions(body: unknown): void;
  pause(body: unknown): Promise<RecordingStatus>;
  resume(body: unknown): Promise<RecordingStatus>;
  stop(body: unknown): Promise<RecordingSummary>;
  status(): RecordingStatus;
  list(): Promise<RecordingSummary[]>;
  get(id: unknown): Promise<RecordingManifest>;
  export(id: unknown, body: unknown): Promise<ExportResult>;
}

export function recordingCommands(service: RecordingService): RecordingCommands {
  return {
    start: (body) => service.start(parse(StartRecordingSchema, body)),
    addTrack: (body) => service.addTrack(parse(AddTrackSchema, body)),
    audio: (batch) => service.appendBatch(batch),
    async events(body) {
      for (const event of parse(EventsSchema, body).events) await service.addEvent(event);
    },
    captions: (body) => service.addCaptions(parse(CaptionsSchema, body).lines),
    pause: (body) => service.pause(parse(FrameSchema, body).atFrame),
    resume: (body) => service.resume(parse(FrameSchema, body).atFrame),
    stop: (body) => service.stop('user', undefined, parse(FrameSchema.partial(), body ?? {}).atFrame),
    status: () => service.status(),
    list: () => service.list(),
    get: (id) => service.get(parse(z.string().max(200), id)),
    export: (id, body) => exportRecording(service, parse(z.string().max(200), id), body),
  };
}
