// The Stage: who is on it and in which role. Invitations, stepping down, moving people back to the
// audience, co-hosts, and handing over the host's role.
import { z } from 'zod';
import { HOST, HOSTS, LISTENER, members } from '../access.js';
import { StageSeatSchema } from '../space.js';
import { feature, request } from './define.js';
import { Done, Id, MemberTarget, NoData } from './fields.js';

export const stage = feature({
  requests: {
    /** Hosts: invite a listener on stage directly (as co-host: the host only). */
    'stage.invite': request({
      data: z.strictObject({ memberId: Id, as: StageSeatSchema }),
      reply: Done,
      access: HOSTS,
      target: 'moderated',
    }),
    /** Listeners: accept or decline an invitation to the stage. */
    'stage.answer': request({ data: z.strictObject({ accept: z.boolean() }), reply: Done, access: LISTENER }),
    /** Speakers and co-hosts: step down to the audience. */
    'stage.leave': request({ data: NoData, reply: Done, access: members('cohost', 'speaker') }),
    /** Hosts: move someone from the stage back to the audience. */
    'stage.remove': request({ data: MemberTarget, reply: Done, access: HOSTS, target: 'moderated' }),
    /** Host only: make a speaker a co-host, or a co-host a speaker again. */
    'cohost.promote': request({ data: MemberTarget, reply: Done, access: HOST, target: 'moderated' }),
    'cohost.demote': request({ data: MemberTarget, reply: Done, access: HOST, target: 'moderated' }),
    /** Host only: hand the host's role to a co-host (the host becomes a co-host). */
    'host.transfer': request({ data: MemberTarget, reply: Done, access: HOST, target: 'moderated' }),
  },
  events: {
    /** Who is speaking now, by member id (sent when it changes). */
    'space.speaking': z.object({ memberIds: z.array(z.string()) }),
  },
});
