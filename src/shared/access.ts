// Who may send which request. The server checks every request against this table and the actor's
// current role; clients use it only to hide what would be refused.
import type { RequestType } from './protocol.js';
import { isOnStage, type Role } from './roles.js';

/**
 * - `anyone`: no Space needed (creating or joining one).
 * - `member`: anyone joined to a Space.
 * - `stage`: the host, co-hosts and speakers.
 * - `host`: the host alone.
 */
export type Access = 'anyone' | 'member' | 'stage' | 'host';

export const REQUEST_ACCESS: Record<RequestType, Access> = {
  'space.create': 'anyone',
  'space.join': 'anyone',
  'ping': 'anyone',
  'space.leave': 'member',
  'space.end': 'host',
  'transport.create': 'member',
  'transport.connect': 'member',
  'producer.create': 'stage',
  'producer.close': 'stage',
  'producer.pause': 'stage',
  'producer.resume': 'stage',
  'consumer.create': 'member',
  'consumer.resume': 'member',
};

export function roleMayAccess(role: Role, access: Access): boolean {
  switch (access) {
    case 'anyone':
    case 'member':
      return true;
    case 'stage':
      return isOnStage(role);
    case 'host':
      return role === 'host';
  }
}
