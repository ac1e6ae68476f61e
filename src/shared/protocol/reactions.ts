// Emoji reactions: anyone in the Space sends them; everyone gets them folded into bursts.
import { z } from 'zod';
import { EVERY_MEMBER } from '../access.js';
import { ReactionBurstSchema, ReactionSchema } from '../space.js';
import { feature, request } from './define.js';
import { Done } from './fields.js';

export const reactions = feature({
  requests: {
    'reaction.send': request({ data: z.strictObject({ reaction: ReactionSchema }), reply: Done, access: EVERY_MEMBER }),
  },
  events: {
    /** Reactions from the last moment, folded together. */
    'space.reactions': ReactionBurstSchema,
  },
});
