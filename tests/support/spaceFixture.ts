// A live Space with people in every role, built through the real protocol: the host creates it,
// everyone else joins with the listener invitation, and the host brings people on stage.
import type { RoomClient } from '../../src/renderer/room/RoomClient';
import { eventually, fakeMicTrack, fakeRoom } from './fakeRoom';

export interface SpaceFixture {
  spaceId: string;
  invite: string;
  host: RoomClient;
  people: Record<string, RoomClient>;
  all: RoomClient[];
  id(name: string): string;
  close(): void;
}

/**
 * Builds a Space: `stage` names come on stage (as speakers, then `cohosts` among them are promoted),
 * `listeners` stay in the audience. Everyone on stage sends a (fake) microphone.
 */
export async function buildSpace(
  wsUrl: string,
  layout: { cohosts?: string[]; speakers?: string[]; listeners?: string[]; title?: string },
): Promise<SpaceFixture> {
  const all: RoomClient[] = [];
  const connect = async () => {
    const client = fakeRoom(wsUrl);
    all.push(client);
    await client.connect();
    return client;
  };
  const host = await connect();
  const created = await host.createSpace(layout.title ?? 'Fixture', 'Host');
  await host.join(created.hostToken);
  await host.startSending(fakeMicTrack());
  const people: Record<string, RoomClient> = {};
  const names = [...(layout.cohosts ?? []), ...(layout.speakers ?? []), ...(layout.listeners ?? [])];
  await Promise.all(
    names.map(async (name) => {
      const client = await connect();
      await client.join(created.listenerInvite, name);
      people[name] = client;
    }),
  );
  for (const name of [...(layout.cohosts ?? []), ...(layout.speakers ?? [])]) {
    const client = people[name]!;
    await client.setMicrophone(fakeMicTrack());
    await host.request('stage.invite', { memberId: client.memberId!, as: 'speaker' });
    await eventually(() => {
      if (!client.snapshot?.you.invitation) throw new Error(`${name} has no invitation yet`);
    });
    await client.request('stage.answer', { accept: true });
  }
  for (const name of layout.cohosts ?? []) {
    await host.request('cohost.promote', { memberId: people[name]!.memberId! });
  }
  // Wait until every stage member's producer exists and everyone sees the final roles.
  await eventually(() => {
    for (const name of layout.cohosts ?? []) if (people[name]!.role !== 'cohost' || !people[name]!.producer) throw new Error(`${name} not ready`);
    for (const name of layout.speakers ?? []) if (people[name]!.role !== 'speaker' || !people[name]!.producer) throw new Error(`${name} not ready`);
  });
  return {
    spaceId: created.spaceId,
    invite: created.listenerInvite,
    host,
    people,
    all,
    id: (name) => (name === 'host' ? host.memberId! : people[name]!.memberId!),
    close: () => all.forEach((c) => c.close()),
  };
}
