// Caption test helpers: the caption worker built fresh from source (the SFU forks it), a stage speaker
// without a browser (a plain RTP producer on a real Space, fed with libopus-encoded speech), a
// captioned Space with speakers and a listener who shows captions, and a listener of the audio itself.
import type { types as ms } from 'mediasoup';
import { CaptionFeed } from '../../src/renderer/room/CaptionFeed';
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import type { SpaceCaptions } from '../../src/server/captions/SpaceCaptions';
import type { Member } from '../../src/server/Member';
import type { RunningServer } from '../../src/server/server';
import type { Space } from '../../src/server/Space';
import { pocketsphinxMissing } from '../../src/server/captions/engines/PocketsphinxEngine';
import type { CaptionState } from '../../src/shared/captions';
import { eventually, fakeRoom } from './fakeRoom';
import { encodeOpus, plainMicrophone, sendPaced } from './opusRtp';
import { plainListener, RtpRig } from './rtpRig';
import { speechToolsMissing, type Talk } from './talk';

export { buildCaptionWorker, CAPTION_WORKER } from './captionWorker';

/** Fails (never skips) with the command to run when the caption engine or the speech tools are missing. */
export function requireCaptionTools(): void {
  const missing = pocketsphinxMissing() ?? speechToolsMissing();
  if (missing) throw new Error(missing);
}

/** Puts a PlainTransport producer on the Stage as `member`'s microphone and returns how to speak into it. */
export async function stageSpeaker(space: Space, member: Member, ssrc: number) {
  const mic = await plainMicrophone(space.router, ssrc);
  await space.addProducer(member, mic.producer);
  return {
    producer: mic.producer,
    /** Speaks the talk in real time; `onSent` sees each 20 ms packet leave. */
    speak: (spoken: Talk, onSent?: (index: number, at: number) => void) => sendPaced(mic.port, ssrc, encodeOpus(spoken.samples), onSent),
    close: () => mic.transport.close(),
  };
}

/** People on a captioned Space's Stage, each speaking through a plain RTP producer, and a listener who shows captions. */
export interface CaptionedStage {
  spaceId: string;
  /** The listener invitation (for pages that join). */
  listenerInvite: string;
  space: Space;
  captions: SpaceCaptions;
  /** Stage members by name (the first is the host), with their microphones. */
  speakers: Array<{ name: string; client: RoomClient; memberId: string; mic: Awaited<ReturnType<typeof stageSpeaker>> }>;
  listener: RoomClient;
  feed: CaptionFeed;
  /** Every `captions.state` the listener received, in order. */
  states: CaptionState[];
  close(): void;
}

/**
 * Creates a captioned Space on `server` with `names` on stage (the first hosts it, the others are
 * invited on as speakers) and a listener who shows captions; returns once the server taps every
 * microphone, so speech spoken from now on reaches the captions from its first packet.
 */
export async function captionedStage(server: RunningServer, names: string[], title = 'Captioned show'): Promise<CaptionedStage> {
  const clients: RoomClient[] = [];
  const connect = async () => {
    const client = fakeRoom(server.wsUrl);
    clients.push(client);
    await client.connect();
    return client;
  };
  const host = await connect();
  const created = await host.createSpace(title, names[0]!, undefined, undefined, true);
  await host.join(created.hostToken);
  const guests: RoomClient[] = [];
  for (const name of names.slice(1)) {
    const guest = await connect();
    await guest.join(created.listenerInvite, name);
    await host.request('stage.invite', { memberId: guest.memberId!, as: 'speaker' });
    await eventually(() => {
      if (!guest.snapshot?.you.invitation) throw new Error(`${name} has no invitation yet`);
    });
    await guest.request('stage.answer', { accept: true });
    guests.push(guest);
  }
  const listener = await connect();
  await listener.join(created.listenerInvite, 'Listener');
  const feed = new CaptionFeed(listener);
  const states: CaptionState[] = [];
  feed.on('state', (state) => states.push(state));
  await feed.show(true);
  const space = server.sfu.space(created.spaceId)!;
  const captions = server.sfu.captions.of(created.spaceId)!;
  const speakers = await Promise.all(
    [host, ...guests].map(async (client, i) => ({
      name: names[i]!,
      client,
      memberId: client.memberId!,
      mic: await stageSpeaker(space, space.member(client.memberId!)!, 0x3000 + i),
    })),
  );
  await eventually(() => {
    const tapped = captions.talkerKeys();
    for (const s of speakers) if (!tapped.includes(`${created.spaceId}:${s.mic.producer.id}`)) throw new Error(`${s.name} is not tapped yet`);
  }, 10_000);
  return {
    spaceId: created.spaceId,
    listenerInvite: created.listenerInvite,
    space,
    captions,
    speakers,
    listener,
    feed,
    states,
    close() {
      for (const s of speakers) s.mic.close();
      feed.close();
      for (const c of clients) c.close();
    },
  };
}

/**
 * A listener of the SFU's own audio forwarding: a PlainTransport consumer per producer, counted in a
 * child process (tests/support/rtp-rig.mjs) so that a busy test process cannot miscount.
 */
export async function audioListener(router: ms.Router, producers: ms.Producer[]) {
  const rig = RtpRig.start();
  const ports = await rig.open(producers.length);
  const consumers = await Promise.all(producers.map((p, i) => plainListener(router, p.id, ports[i]!, false)));
  return {
    /** Packets that reached the listener per producer (in `producers` order). */
    async report() {
      const report = await rig.report();
      return consumers.map((c) => report.streams.find((s) => s.ssrc === c.ssrc) ?? { ssrc: c.ssrc, count: 0, seqGaps: 0, maxGapMs: 0 });
    },
    close() {
      for (const c of consumers) c.transport.close();
      rig.close();
    },
  };
}
