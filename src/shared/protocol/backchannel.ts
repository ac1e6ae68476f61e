// The backchannel: a text line between the host, the co-hosts and the producers the host names (people
// who help run the show off the Stage). Listeners can neither read nor send it, and its messages go only
// to those the BACKCHANNEL rule admits; they are kept with the Space for its host.
import { z } from 'zod';
import { BACKCHANNEL, HOST } from '../access.js';
import { RoleSchema } from '../space.js';
import { feature, request } from './define.js';
import { Done, Id } from './fields.js';

/** What a person types: trimmed, 1–2000 characters, line breaks allowed, no other control characters. */
export const BackchannelTextSchema = z
  .string()
  .trim()
  .min(1, 'a message is required')
  .max(2000, 'a message has at most 2000 characters')
  .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'a message cannot hold control characters');

export const BackchannelMessageSchema = z.object({
  /** In order within the Space, from 1. */
  seq: z.number().int().min(1),
  /** Milliseconds since the epoch, on the server's clock. */
  at: z.number().int(),
  from: z.object({ memberId: Id, displayName: z.string(), role: RoleSchema, producer: z.boolean() }),
  text: z.string(),
});
export type BackchannelMessage = z.infer<typeof BackchannelMessageSchema>;

export const BackchannelPeopleSchema = z.array(z.object({ memberId: Id, displayName: z.string() }));

export const backchannel = feature({
  requests: {
    /** Host, co-hosts, producers: send a message; everyone on the backchannel gets `backchannel.message`. */
    'backchannel.send': request({ data: z.strictObject({ text: BackchannelTextSchema }), reply: z.object({ message: BackchannelMessageSchema }), access: BACKCHANNEL }),
    /** Host, co-hosts, producers: the messages so far (after a join or a drop) and who the producers are. */
    'backchannel.read': request({
      data: z.strictObject({ afterSeq: z.number().int().min(0).optional() }),
      reply: z.object({ messages: z.array(BackchannelMessageSchema), producers: BackchannelPeopleSchema }),
      access: BACKCHANNEL,
    }),
    /** Host only: name someone in the Space a producer (on the backchannel, not on the Stage), or take it back. */
    'backchannel.producer': request({ data: z.strictObject({ memberId: Id, producer: z.boolean() }), reply: Done, access: HOST, target: 'other' }),
  },
  events: {
    'backchannel.message': BackchannelMessageSchema,
    /** To a member whose place on the backchannel changed (named or no longer a producer), and the producers now. */
    'backchannel.access': z.object({ open: z.boolean(), producers: BackchannelPeopleSchema }),
  },
});
