// The Stage: who is on it and in which role. Invitations, stepping down, moving people back to the
// audience, co-hosts, and handing over the host's role.
import { z } from 'zod';
import { HOST, HOSTS, LISTENER, members } from '../access.js';
import { RoleSchema, StageSeatSchema } from '../space.js';
import { feature, request } from './define.js';
import { Done, Id, MemberTarget, NoData } from './fields.js';

/** Why someone's place on the Stage changed. */
export const STAGE_CAUSES = [
  /** Came in already on stage (the host opening the Space). */
  'joined',
  /** A host approved their raised hand. */
  'approved',
  /** They accepted a host's invitation. */
  'invited',
  /** They stepped down to the audience. */
  'stepped_down',
  /** A host moved them back to the audience. */
  'moved_to_audience',
  /** The host made them a co-host, or a co-host a speaker again. */
  'promoted',
  'demoted',
  /** The host handed over the host's role (two changes: the new host and the old one). */
  'host_transferred',
  /** The host is gone and the longest-serving co-host took over. */
  'succession',
  /** A host removed them from the Space (or the host blocked them). */
  'removed',
  /** They left the Space. */
  'left',
  /** Their connection dropped and they did not come back within the grace period. */
  'dropped',
] as const;
export type StageCause = (typeof STAGE_CAUSES)[number];

/**
 * One change of the Stage: someone came on, changed role on it, or left it. `from` is null for someone
 * who was not in the Space, `to` for someone no longer in it. Announced to everyone in the Space the
 * moment it happens; numbered, so a client coming back (`space.resume`) gets what it missed.
 */
export const StageChangeSchema = z.object({
  /** Counts up from 1 in each Space. */
  seq: z.number().int().min(1),
  /** Server clock, ms since the epoch. */
  at: z.number(),
  memberId: z.string(),
  displayName: z.string(),
  from: RoleSchema.nullable(),
  to: RoleSchema.nullable(),
  cause: z.enum(STAGE_CAUSES),
  /** The member who did it (themselves when they stepped down or left), or null when nobody did. */
  by: z.string().nullable(),
});

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
    /** The Stage changed: see StageChangeSchema. */
    'stage.changed': StageChangeSchema,
    /** Who is speaking now, by member id (sent when it changes; snapshots do not carry it). */
    'space.speaking': z.object({ memberIds: z.array(z.string()) }),
  },
});
