// A Space before it starts, over the socket: the Space page watches it (countdown, reminder count,
// reschedules) and is told the moment it goes live, with an invitation to listen; the host starts a
// scheduled Space with everything it was set up with, under the same id and link.
import { z } from 'zod';
import { ANYONE, SIGNED_IN } from '../access.js';
import { SpaceIdSchema, SpacePageSchema, SpaceViewerSchema } from '../schedule.js';
import { feature, request } from './define.js';
import { DisplayNameSchema } from './fields.js';

export const schedule = feature({
  requests: {
    /** Follow a Space's page: the answer is how it stands; `space.page` events follow every change. */
    'space.watch': request({
      data: z.strictObject({ spaceId: SpaceIdSchema }),
      reply: z.object({ page: SpacePageSchema, viewer: SpaceViewerSchema }),
      access: ANYONE,
    }),
    /** The host starts their scheduled Space now: same id, title, listing, co-hosts and settings. */
    'space.start': request({
      data: z.strictObject({
        spaceId: SpaceIdSchema,
        hostName: DisplayNameSchema,
        studioKey: z.string().max(256).optional(),
        userToken: z.string().max(1024).optional(),
        /** Live captions from the start (chosen in the studio as the host starts it). */
        captions: z.boolean().optional(),
      }),
      reply: z.object({ spaceId: z.string(), hostToken: z.string(), listenerInvite: z.string(), listenPath: z.string() }),
      access: SIGNED_IN,
    }),
  },
  events: {
    /** A watched Space changed: rescheduled, a reminder set, live (with an invitation), ended, missed, cancelled. */
    'space.page': SpacePageSchema,
  },
});
