// One small handler per request type, keyed by type. Each gets a validated payload and the caller's
// context; the access table in src/shared/access.ts has already been checked by Connection.
import type { types as ms } from 'mediasoup';
import { ProtocolError } from '../shared/errors.js';
import type { RequestData, RequestType, ResponseMap } from '../shared/protocol.js';
import { isOnStage } from '../shared/roles.js';
import type { Member, PushEvent } from './Member.js';
import { replayHandlers } from './replay/replay-handlers.js';
import type { Sfu } from './Sfu.js';
import type { Space } from './Space.js';

export interface HandlerContext {
  sfu: Sfu;
  /** Set once the connection has joined a Space. */
  joined: { space: Space; member: Member } | undefined;
  /** Binds this connection to the member it joined (or resumed) as. */
  attach(space: Space, member: Member, attachment: number): void;
  /** Forgets the joined member (after leave). */
  detach(): void;
  push: PushEvent;
}

type Handler<T extends RequestType> = (ctx: HandlerContext, data: RequestData<T>) => Promise<ResponseMap[T]>;
type HandlerTable = { [T in RequestType]: Handler<T> };

const EMPTY = {} as Record<string, never>;

function joinedOrThrow(ctx: HandlerContext): { space: Space; member: Member } {
  if (!ctx.joined) throw new ProtocolError('not_joined', 'join a space first');
  if (ctx.joined.member.closed && ctx.joined.space.status === 'live') {
    throw new ProtocolError('not_joined', 'you are no longer in this space');
  }
  if (ctx.joined.space.status !== 'live') throw new ProtocolError('space_ended', 'this space has ended');
  return ctx.joined;
}

function transportOf(member: Member, transportId: string): ms.WebRtcTransport {
  const transport = member.transport(transportId);
  if (!transport) throw new ProtocolError('not_found', `no transport ${transportId} on this connection`);
  return transport;
}

/** Runs a mediasoup call and turns its refusal into a `media_error` answer. */
async function media<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('media_error', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const handlers: HandlerTable = {
  async 'ping'() {
    return { serverTime: Date.now() };
  },

  async 'space.create'(ctx, { title, hostName, studioKey, userToken, requestPolicy, replay, liveClips }) {
    ctx.sfu.checkStudioKey(studioKey);
    const { space, hostToken, listenerInvite } = await ctx.sfu.createSpace({ title, hostName, userToken, requestPolicy, replay, liveClips });
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
    const member = space.join({
      userId: claims.userId ?? ctx.sfu.identify(userToken, 'user'),
      displayName: claims.displayName ?? displayName ?? 'Listener',
      role: claims.role,
      canRequest: claims.canRequest ?? false,
      push: ctx.push,
    });
    ctx.attach(space, member, member.attachment);
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
      routerRtpCapabilities: space.router.rtpCapabilities as ResponseMap['space.preview']['routerRtpCapabilities'],
    };
  },

  async 'space.resume'(ctx, { resumeToken }) {
    if (ctx.joined && !ctx.joined.member.closed) throw new ProtocolError('already_joined', 'this connection has already joined a space');
    const found = ctx.sfu.resumable(resumeToken);
    if (!found) throw new ProtocolError('not_found', 'nothing to resume: the grace period is over or the space ended');
    const attachment = found.space.resume(found.member, ctx.push);
    ctx.attach(found.space, found.member, attachment);
    return joinedAnswer(ctx, found.space, found.member);
  },

  async 'space.leave'(ctx) {
    const { space, member } = joinedOrThrow(ctx);
    ctx.detach();
    space.leave(member);
    return EMPTY;
  },

  async 'space.end'(ctx) {
    const { space } = joinedOrThrow(ctx);
    space.end('the host ended the space');
    return EMPTY;
  },

  async 'space.settings'(ctx, { requestPolicy }) {
    joinedOrThrow(ctx).space.setRequestPolicy(requestPolicy);
    return EMPTY;
  },

  async 'space.invite'(ctx, { canRequest }) {
    const { space } = joinedOrThrow(ctx);
    return { invite: ctx.sfu.invitation(space.id, canRequest), listenPath: `/listen/${space.id}` };
  },

  async 'space.listeners'(ctx, { query, limit }) {
    return joinedOrThrow(ctx).space.findListeners(query, limit);
  },

  async 'host.transfer'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.transferHost(member, memberId);
    return EMPTY;
  },

  async 'transport.create'(ctx, { direction }) {
    const { space, member } = joinedOrThrow(ctx);
    if (direction === 'send' && !isOnStage(member.role)) {
      throw new ProtocolError('forbidden', 'listeners cannot send audio; ask to speak first');
    }
    if (member.transports.size >= 4) throw new ProtocolError('forbidden', 'too many transports on this connection');
    const transport = await media('creating the transport', () => ctx.sfu.createWebRtcTransport(space));
    transport.appData.direction = direction;
    member.transports.set(transport.id, transport);
    transport.observer.once('close', () => member.transports.delete(transport.id));
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates as unknown as Array<Record<string, unknown>>,
      dtlsParameters: transport.dtlsParameters,
    };
  },

  async 'transport.connect'(ctx, { transportId, dtlsParameters }) {
    const { member } = joinedOrThrow(ctx);
    const transport = transportOf(member, transportId);
    await media('connecting the transport', () =>
      transport.connect({ dtlsParameters: dtlsParameters as ms.DtlsParameters }),
    );
    return EMPTY;
  },

  async 'producer.create'(ctx, { transportId, kind, rtpParameters }) {
    const { space, member } = joinedOrThrow(ctx);
    const transport = transportOf(member, transportId);
    if (transport.appData.direction !== 'send') throw new ProtocolError('forbidden', 'that transport only receives');
    if (member.producers.size > 0) throw new ProtocolError('forbidden', 'you are already sending audio');
    const producer = await media('creating the producer', () =>
      transport.produce({ kind, rtpParameters: rtpParameters as ms.RtpParameters }),
    );
    await space.addProducer(member, producer);
    return { producerId: producer.id };
  },

  async 'producer.close'(ctx, { producerId }) {
    const { member } = joinedOrThrow(ctx);
    const producer = member.producers.get(producerId);
    if (!producer) throw new ProtocolError('not_found', `no producer ${producerId} of yours`);
    producer.close();
    return EMPTY;
  },

  async 'producer.pause'(ctx, { producerId }) {
    return setPaused(ctx, producerId, true);
  },

  async 'producer.resume'(ctx, { producerId }) {
    return setPaused(ctx, producerId, false);
  },

  async 'consumer.create'(ctx, { transportId, producerId, rtpCapabilities }) {
    const { space, member } = joinedOrThrow(ctx);
    const transport = transportOf(member, transportId);
    if (transport.appData.direction !== 'recv') throw new ProtocolError('forbidden', 'that transport only sends');
    const caps = rtpCapabilities as ms.RtpCapabilities;
    if (!space.producers().some((p) => p.producerId === producerId)) {
      throw new ProtocolError('not_found', `no producer ${producerId} in this space`);
    }
    if (!space.router.canConsume({ producerId, rtpCapabilities: caps })) {
      throw new ProtocolError('media_error', 'your device cannot receive this audio');
    }
    // Created paused, resumed by the client once its side is ready, so no early packets are lost.
    const consumer = await media('creating the consumer', () =>
      transport.consume({ producerId, rtpCapabilities: caps, paused: true }),
    );
    member.consumers.set(consumer.id, consumer);
    consumer.observer.once('close', () => member.consumers.delete(consumer.id));
    consumer.on('producerclose', () => member.push('consumer.closed', { consumerId: consumer.id }));
    consumer.on('producerpause', () => member.push('producer.paused', { producerId, paused: true }));
    consumer.on('producerresume', () => member.push('producer.paused', { producerId, paused: false }));
    return {
      consumerId: consumer.id,
      producerId,
      kind: 'audio',
      rtpParameters: consumer.rtpParameters as ResponseMap['consumer.create']['rtpParameters'],
    };
  },

  async 'consumer.resume'(ctx, { consumerId }) {
    const { member } = joinedOrThrow(ctx);
    const consumer = member.consumers.get(consumerId);
    if (!consumer) throw new ProtocolError('not_found', `no consumer ${consumerId} of yours`);
    await media('resuming the consumer', () => consumer.resume());
    return EMPTY;
  },

  async 'queue.raise'(ctx) {
    const { space, member } = joinedOrThrow(ctx);
    return { position: space.raiseHand(member) };
  },

  async 'queue.micCheck'(ctx, figures) {
    const { space, member } = joinedOrThrow(ctx);
    const { quality, summary } = space.recordMicCheck(member, figures);
    return { quality, summary };
  },

  async 'queue.lower'(ctx) {
    const { space, member } = joinedOrThrow(ctx);
    space.lowerHand(member);
    return EMPTY;
  },

  async 'queue.approve'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.approve(member, memberId);
    return EMPTY;
  },

  async 'queue.decline'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.decline(member, memberId);
    return EMPTY;
  },

  async 'queue.move'(ctx, { memberId, direction }) {
    const { space, member } = joinedOrThrow(ctx);
    return { position: space.moveHand(member, memberId, direction) };
  },

  async 'stage.invite'(ctx, { memberId, as }) {
    const { space, member } = joinedOrThrow(ctx);
    space.invite(member, memberId, as);
    return EMPTY;
  },

  async 'stage.answer'(ctx, { accept }) {
    const { space, member } = joinedOrThrow(ctx);
    space.answerInvitation(member, accept);
    return EMPTY;
  },

  async 'stage.leave'(ctx) {
    const { space, member } = joinedOrThrow(ctx);
    space.stepDown(member);
    return EMPTY;
  },

  async 'stage.remove'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.removeFromStage(member, memberId);
    return EMPTY;
  },

  async 'stage.muteAll'(ctx) {
    const { space, member } = joinedOrThrow(ctx);
    return { muted: await media('muting everyone', () => space.muteAll(member)) };
  },

  async 'cohost.promote'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.promote(member, memberId);
    return EMPTY;
  },

  async 'cohost.demote'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.demote(member, memberId);
    return EMPTY;
  },

  async 'member.mute'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    await media('muting', () => space.mute(member, memberId));
    return EMPTY;
  },

  async 'member.remove'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.removeFromSpace(member, memberId);
    return EMPTY;
  },

  async 'member.block'(ctx, { memberId }) {
    const { space, member } = joinedOrThrow(ctx);
    space.block(member, memberId);
    return EMPTY;
  },

  async 'member.report'(ctx, { memberId, reason }) {
    const { space, member } = joinedOrThrow(ctx);
    return { reportId: space.report(member, memberId, reason) };
  },

  async 'reaction.send'(ctx, { reaction }) {
    const { space, member } = joinedOrThrow(ctx);
    space.react(member, reaction);
    return EMPTY;
  },

  'replay.set': (ctx, data) => replayHandlers['replay.set'](ctx, data, joinedOrThrow(ctx)),
  'replay.mark': (ctx, data) => replayHandlers['replay.mark'](ctx, data, joinedOrThrow(ctx)),
  'replay.liveClip': (ctx, data) => replayHandlers['replay.liveClip'](ctx, data, joinedOrThrow(ctx)),
};

/** Muting yourself is a member's state: it survives reconnects and any later producer. */
async function setPaused(ctx: HandlerContext, producerId: string, paused: boolean) {
  const { space, member } = joinedOrThrow(ctx);
  if (!member.producers.has(producerId)) throw new ProtocolError('not_found', `no producer ${producerId} of yours`);
  await media(paused ? 'muting' : 'unmuting', () => space.setMuted(member, paused));
  return EMPTY;
}

function joinedAnswer(ctx: HandlerContext, space: Space, member: Member): ResponseMap['space.join'] {
  return {
    memberId: member.id,
    spaceId: space.id,
    role: member.role,
    routerRtpCapabilities: space.router.rtpCapabilities as ResponseMap['space.join']['routerRtpCapabilities'],
    snapshot: space.snapshotFor(member),
    producers: space.producers().filter((p) => p.memberId !== member.id),
    resumeToken: member.resumeToken,
    userToken: ctx.sfu.userToken(member.userId),
  };
}
