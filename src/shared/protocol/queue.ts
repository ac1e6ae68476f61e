// The speaker queue: listeners raise a hand to ask to speak (with a mic check), hosts approve, decline
// or reorder the requests.
import { z } from 'zod';
import { HOSTS, LISTENER } from '../access.js';
import { MIC_QUALITIES } from '../mic-check.js';
import { feature, request } from './define.js';
import { Done, Id, MemberTarget, NoData } from './fields.js';

const Db = z.number().min(-200).max(20);
const Position = z.object({ position: z.number().int() });

export const queue = feature({
  requests: {
    /** Listeners: raise a hand (join the speaker queue) and lower it. */
    'queue.raise': request({ data: NoData, reply: Position, access: LISTENER }),
    'queue.lower': request({ data: NoData, reply: Done, access: LISTENER }),
    /** Listeners with a raised hand: the figures of their page's mic check (the server rates them). */
    'queue.micCheck': request({
      data: z.strictObject({
        peakDb: Db,
        speechDb: Db,
        noiseFloorDb: Db,
        clippedShare: z.number().min(0).max(1),
        durationMs: z.number().int().min(0).max(60_000),
      }),
      reply: z.object({ quality: z.enum(MIC_QUALITIES), summary: z.string() }),
      access: LISTENER,
    }),
    /** Hosts: bring the request on stage, turn it down, or move it in the queue. */
    'queue.approve': request({ data: MemberTarget, reply: Done, access: HOSTS, target: 'moderated' }),
    /**
     * Hosts: approve whoever is first in the queue now, as the server sees it (so a co-host's reorder a
     * moment ago counts). Answers who came on stage; `conflict` when nobody is waiting.
     */
    'queue.approveNext': request({
      data: NoData,
      reply: z.object({ memberId: z.string(), displayName: z.string() }),
      access: HOSTS,
    }),
    'queue.decline': request({ data: MemberTarget, reply: Done, access: HOSTS, target: 'moderated' }),
    'queue.move': request({
      data: z.strictObject({ memberId: Id, direction: z.enum(['up', 'down']) }),
      reply: Position,
      access: HOSTS,
      target: 'moderated',
    }),
  },
  events: {},
});
