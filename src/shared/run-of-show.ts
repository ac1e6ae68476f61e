// The run of show: the segments a host plans (a title and a planned length each), kept in the studio's
// settings and edited before or during the show. World-free: the studio and its settings both use it.
import { z } from 'zod';

export const SegmentSchema = z.strictObject({
  id: z.string().min(1).max(64),
  title: z
    .string()
    .trim()
    .min(1, 'a segment needs a title')
    .max(80, 'a segment title has at most 80 characters')
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a segment title cannot hold control characters'),
  /** Planned length, seconds (up to 10 hours). */
  plannedSeconds: z.number().int().min(1, 'a segment lasts at least a second').max(36_000, 'a segment lasts at most 10 hours'),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const RunOfShowSchema = z.array(SegmentSchema).max(200, 'a run of show has at most 200 segments');
