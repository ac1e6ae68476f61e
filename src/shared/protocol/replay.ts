// Replays while live: the host turns the server's recording on or off and allows live clips, hosts set
// markers (each starts a chapter of the replay), anyone cuts a clip of the last 30 s when allowed.
// Everything after the Space ends is HTTP (src/server/replay/replay-routes.ts).
import { z } from 'zod';
import { EVERY_MEMBER, HOST, HOSTS } from '../access.js';
import { ClipInfoSchema, LiveReplayStateSchema } from '../replay.js';
import { feature, request } from './define.js';

const Title = z
  .string()
  .trim()
  .max(120, 'at most 120 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters');

export const replay = feature({
  requests: {
    /** Host only: record the Space for its replay (or pause), and whether listeners may clip it live. */
    'replay.set': request({
      data: z.strictObject({ enabled: z.boolean(), liveClips: z.boolean().optional() }),
      reply: LiveReplayStateSchema,
      access: HOST,
    }),
    /** Hosts: a marker in the replay here; each marker starts a chapter. */
    'replay.mark': request({ data: z.strictObject({ title: Title }), reply: z.object({ atMs: z.number() }), access: HOSTS }),
    /** Anyone in a recorded Space whose host allows it: a clip of the last 30 s. */
    'replay.liveClip': request({ data: z.strictObject({ title: Title.optional() }), reply: ClipInfoSchema, access: EVERY_MEMBER }),
  },
  events: {},
});
