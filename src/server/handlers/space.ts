// Opening, previewing, joining, resuming, leaving and ending a Space; its settings and invitations.
import { ProtocolError } from '../../shared/errors.js';
import type { RtpCapabilitiesWire } from '../../shared/media.js';
import type { JoinedSpace } from '../../shared/protocol.js';
import { space as spaceFeature } from '../../shared/protocol/space.js';
import type { Member } from '../Member.js';
import type { Space } from '../Space.js';
import { DONE, handlersFor, type BaseContext } from './context.js';

export const spaceHandlers = handlersFor(spaceFeature, {
  async 'space.create'(ctx, { title, hostName, studioKey, userToken, requestPolicy, captions, replay, liveClips }) {
    ctx.sfu.checkStudioKey(studioKey);
    const { space, hostToken, listenerInvite } = await ctx.sfu.createSpace({ title, hostName, userToken, requestPolicy, captions, replay, liveClips });
    return { spaceId: space.id, hostToken, listenerInvite, listenPath: `/listen/${space.id}` };
  },

  async 'space.join'(ctx, { token, displayName, userToken }) {
    if (ctx.joined && !ctx.joined.member.closed) throw new ProtocolError('already_joined', 'this connection has already joined a space');
    const verified = ctx.sfu.tokens.verify(token, 'join');
    if (!verified.ok) throw new ProtocolError('unauthenticated', verified.reason);
    const { claims } = verified;
    const space = ctx.sfu.space(claims.spaceId);
    if (!space) throw new ProtocolError('not_found', 'this space does not exist or has ended');
    // A host token names its holder; an invitation lets the joiner choose a name.
    const member = space.membership.join({
      userId: claims.userId ?? ctx.sfu.identify(userToken, 'user'),
      displayName: claims.displayName ?? displayName ?? 'Listener',
      role: claims.role,
      canRequest: claims.canRequest ?? false,
      push: ctx.push,
    });
    ctx.attach(space, member, member.attachment);
    ctx.sfu.captions.of(space.id)?.welcome(member);
    return joinedAnswer(ctx, space, member);
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
      recording: space.replay.recording,
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
