// Opening, previewing, joining, resuming, leaving and ending a Space; its settings and invitations.
import type { types as ms } from 'mediasoup';
import { checkAdmission } from '../../shared/access.js';
import { ProtocolError } from '../../shared/errors.js';
import type { RtpCapabilitiesWire } from '../../shared/media.js';
import type { JoinedSpace } from '../../shared/protocol.js';
import { space as spaceFeature } from '../../shared/protocol/space.js';
import type { Member } from '../Member.js';
import type { Space } from '../Space.js';
import { DONE, handlersFor, type BaseContext } from './context.js';
import { createConsumer, createTransport } from './media.js';

export const spaceHandlers = handlersFor(spaceFeature, {
  async 'space.create'(ctx, { title, hostName, studioKey, userToken, requestPolicy, captions }) {
    ctx.sfu.checkStudioKey(studioKey);
    const { space, hostToken, listenerInvite } = await ctx.sfu.createSpace({ title, hostName, userToken, requestPolicy, captions, accountId: ctx.account?.accountId });
    return { spaceId: space.id, hostToken, listenerInvite, listenPath: `/listen/${space.id}` };
  },

  async 'space.join'(ctx, { token, displayName, userToken, hear }) {
    if (ctx.joined && !ctx.joined.member.closed) throw new ProtocolError('already_joined', 'this connection has already joined a space');
    const verified = ctx.sfu.tokens.verify(token, 'join');
    if (!verified.ok) throw new ProtocolError('unauthenticated', verified.reason);
    const { claims } = verified;
    const space = ctx.sfu.space(claims.spaceId);
    if (!space) throw new ProtocolError('not_found', 'this space does not exist or has ended');
    // A ticketed Space admits listeners only as the account holding a paid ticket (the access rules'
    // checkAdmission); the join is then bound to that account, and the same account joining again from a
    // second connection takes over its place instead of adding a listener.
    const tickets = ctx.sfu.platform.tickets;
    const ticket = await tickets.admission(space.id);
    if (ticket) {
      const accountId = ctx.account?.accountId;
      const holdsTicket = accountId !== undefined && (await tickets.admits(space.id, accountId));
      const verdict = checkAdmission(claims.role, { ticket, accountId, holdsTicket });
      if (!verdict.ok) throw new ProtocolError(verdict.code, verdict.message);
      if (claims.role === 'listener' && accountId) {
        const earlier = space.membership.members().find((m) => m.userId === accountId && !m.closed && m.role === 'listener');
        if (earlier) {
          ctx.attach(space, earlier, space.membership.resume(earlier, ctx.push));
          const again = joinedAnswer(ctx, space, earlier);
          return hear ? { ...again, hearing: await hearing(ctx, space, earlier, again.producers, hear.rtpCapabilities) } : again;
        }
      }
    }
    // A host token names its holder; an invitation admits whoever holds it: their account when signed in
    // (so bans and blocks follow the account into any browser), else the identity their client kept.
    const member = space.membership.join({
      userId: (ticket && claims.role === 'listener' ? ctx.account?.accountId : undefined) ?? claims.userId ?? ctx.account?.accountId ?? ctx.sfu.identify(userToken, 'user'),
      displayName: claims.displayName ?? displayName ?? ctx.account?.displayName ?? 'Listener',
      role: claims.role,
      canRequest: claims.canRequest ?? false,
      push: ctx.push,
    });
    ctx.attach(space, member, member.attachment);
    ctx.sfu.captions.of(space.id)?.welcome(member);
    const joined = joinedAnswer(ctx, space, member);
    return hear ? { ...joined, hearing: await hearing(ctx, space, member, joined.producers, hear.rtpCapabilities) } : joined;
  },

  async 'space.preview'(ctx, { token }) {
    const verified = ctx.sfu.tokens.verify(token, 'join');
    if (!verified.ok) throw new ProtocolError('unauthenticated', verified.reason);
    const space = ctx.sfu.space(verified.claims.spaceId);
    if (!space || space.status !== 'live') throw new ProtocolError('not_found', 'this space does not exist or has ended');
    const { stage, listenerCount } = space.publicView();
    return {
      spaceId: space.id,
      title: space.title,
      stage: stage.map((m) => ({ displayName: m.displayName, role: m.role })),
      listenerCount,
      routerRtpCapabilities: space.router.rtpCapabilities as RtpCapabilitiesWire,
    };
  },

  async 'space.resume'(ctx, { resumeToken, lastStageSeq }) {
    if (ctx.joined && !ctx.joined.member.closed) throw new ProtocolError('already_joined', 'this connection has already joined a space');
    const found = ctx.sfu.resumable(resumeToken);
    if (!found) throw new ProtocolError('not_found', 'nothing to resume: the grace period is over or the space ended');
    const attachment = found.space.membership.resume(found.member, ctx.push);
    ctx.attach(found.space, found.member, attachment);
    ctx.sfu.captions.of(found.space.id)?.welcome(found.member);
    return joinedAnswer(ctx, found.space, found.member, lastStageSeq);
  },

  async 'space.leave'(ctx) {
    ctx.detach();
    ctx.space.membership.leave(ctx.member);
    return DONE;
  },

  async 'space.end'({ space }) {
    space.end('the host ended the space');
    return DONE;
  },

  async 'space.settings'({ space }, { requestPolicy }) {
    space.setRequestPolicy(requestPolicy);
    return DONE;
  },

  async 'space.invite'({ sfu, space }, { canRequest }) {
    return { invite: sfu.invitation(space.id, canRequest), listenPath: `/listen/${space.id}` };
  },

  async 'space.listeners'({ space }, { query, limit }) {
    return space.membership.findListeners(query, limit);
  },
});

/**
 * The receiving side of a join, made in the same answer: a receive transport and a playing consumer of
 * each producer. The member has joined whatever happens here: if the media cannot be made, the answer
 * goes without it and the client sets it up with its own requests.
 */
async function hearing(ctx: BaseContext, space: Space, member: Member, producers: JoinedSpace['producers'], rtpCapabilities: RtpCapabilitiesWire): Promise<JoinedSpace['hearing']> {
  let transport: Awaited<ReturnType<typeof createTransport>> | undefined;
  try {
    transport = await createTransport(ctx.sfu, space, member, 'recv', (reason) => ctx.mediaLost(reason));
    const made = transport;
    const consumers = await Promise.all(
      producers.map(async (p) => ({
        ...(await createConsumer(space, member, made.transport, p.producerId, rtpCapabilities as ms.RtpCapabilities, false)),
        memberId: p.memberId,
        displayName: p.displayName,
      })),
    );
    return { transport: transport.options, consumers };
  } catch (error) {
    ctx.logger.warn('could not make the joining member\'s receiving media; the client will', { memberId: member.id, error });
    transport?.transport.close();
    return undefined;
  }
}

/** What a member needs on entering; `lastStageSeq` (on resume) asks for the Stage changes they missed. */
function joinedAnswer(ctx: BaseContext, space: Space, member: Member, lastStageSeq?: number): JoinedSpace {
  return {
    memberId: member.id,
    spaceId: space.id,
    role: member.role,
    routerRtpCapabilities: space.router.rtpCapabilities as RtpCapabilitiesWire,
    snapshot: space.snapshotFor(member),
    producers: space.producers().filter((p) => p.memberId !== member.id),
    speaking: space.speakingNow(),
    stageSeq: space.stage.seq,
    stageChanges: lastStageSeq === undefined ? [] : space.stage.changesSince(lastStageSeq),
    resumeToken: member.resumeToken,
    userToken: ctx.sfu.userToken(member.userId),
    captions: ctx.sfu.captions.of(space.id)!.stateFor(member),
  };
}
