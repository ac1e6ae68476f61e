// Who may send which request. The server checks every request against this table and the actor's
// current role (and, for actions on another person, `mayActOn` in roles.ts); clients read it only to
// hide what would be refused.
import type { RequestType } from './protocol.js';
import type { Role } from './roles.js';

/** `anyone` needs no joined Space (creating, joining, resuming); otherwise the roles allowed. */
export type Access = 'anyone' | readonly Role[];

const EVERY_MEMBER: readonly Role[] = ['host', 'cohost', 'speaker', 'listener'];
const STAGE: readonly Role[] = ['host', 'cohost', 'speaker'];
const HOSTS: readonly Role[] = ['host', 'cohost'];
const HOST: readonly Role[] = ['host'];
const LISTENER: readonly Role[] = ['listener'];

export const REQUEST_ACCESS: Record<RequestType, Access> = {
  'ping': 'anyone',
  'space.create': 'anyone',
  'space.join': 'anyone',
  'space.resume': 'anyone',
  'space.preview': 'anyone',
  'space.leave': EVERY_MEMBER,
  'space.end': HOST,
  'space.settings': HOSTS,
  'space.invite': HOSTS,
  'space.listeners': HOSTS,
  'host.transfer': HOST,
  'transport.create': EVERY_MEMBER,
  'transport.connect': EVERY_MEMBER,
  'producer.create': STAGE,
  'producer.close': STAGE,
  'producer.pause': STAGE,
  'producer.resume': STAGE,
  'consumer.create': EVERY_MEMBER,
  'consumer.resume': EVERY_MEMBER,
  'queue.raise': LISTENER,
  'queue.lower': LISTENER,
  'queue.micCheck': LISTENER,
  'queue.approve': HOSTS,
  'queue.decline': HOSTS,
  'queue.move': HOSTS,
  'stage.invite': HOSTS,
  'stage.answer': LISTENER,
  'stage.leave': ['cohost', 'speaker'],
  'stage.remove': HOSTS,
  'stage.muteAll': HOSTS,
  'cohost.promote': HOST,
  'cohost.demote': HOST,
  'member.mute': HOSTS,
  'member.remove': HOSTS,
  'member.block': EVERY_MEMBER,
  'member.report': EVERY_MEMBER,
  'reaction.send': EVERY_MEMBER,
  'replay.set': HOST,
  'replay.mark': HOSTS,
  'replay.liveClip': EVERY_MEMBER,
};

export function roleMayAccess(role: Role, access: Access): boolean {
  return access === 'anyone' || access.includes(role);
}
