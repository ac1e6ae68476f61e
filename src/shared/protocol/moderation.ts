// Moderation: muting people on stage, removing someone from the Space, and what anyone may do about
// someone else (block, report).
import { z } from 'zod';
import { EVERY_MEMBER, HOSTS } from '../access.js';
import { feature, request } from './define.js';
import { Done, Id, MemberTarget, NoData } from './fields.js';

export const moderation = feature({
  requests: {
    /** Hosts: mute one person on stage (they can unmute themselves). */
    'member.mute': request({ data: MemberTarget, reply: Done, access: HOSTS, target: 'moderated' }),
    /** Hosts: mute everyone on stage they may act on. */
    'stage.muteAll': request({ data: NoData, reply: z.object({ muted: z.number().int() }), access: HOSTS }),
    /** Hosts: remove someone from the Space; they cannot rejoin it. */
    'member.remove': request({ data: MemberTarget, reply: Done, access: HOSTS, target: 'moderated' }),
    /** Anyone: add someone to your block list (they cannot join Spaces you host). */
    'member.block': request({ data: MemberTarget, reply: Done, access: EVERY_MEMBER, target: 'other' }),
    /** Anyone: report someone to the service, with a reason. */
    'member.report': request({
      data: z.strictObject({ memberId: Id, reason: z.string().trim().min(1, 'say what happened').max(500) }),
      reply: z.object({ reportId: z.string() }),
      access: EVERY_MEMBER,
      target: 'other',
    }),
  },
  events: {},
});
