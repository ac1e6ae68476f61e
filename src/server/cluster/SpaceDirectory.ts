// Which node is each live Space's origin (where its Stage's producers and its authority live), kept in
// Redis. Claims are atomic (Lua), so two nodes never both become a Space's origin: a new Space is
// claimed by the node that opens it; when its origin dies, the first live node to take it over wins and
// the claim's epoch goes up; a node that finds a higher epoch than its own has lost the Space.
import type { ClusterBus } from './ClusterBus.js';

export const SPACE_KEY_PREFIX = 'hostline:space:';
export const ORIGIN_SET_PREFIX = 'hostline:origin:';

export interface OriginClaim {
  /** The origin node's id. */
  origin: string;
  /** Goes up by one each time another node takes the Space over. */
  epoch: number;
}

/** KEYS: space, my origin set; ARGV: me, space id, epoch to set when new. Answers {origin, epoch}. */
const CLAIM = `
local origin = redis.call('HGET', KEYS[1], 'origin')
if not origin then
  redis.call('HSET', KEYS[1], 'origin', ARGV[1], 'epoch', ARGV[3])
  redis.call('SADD', KEYS[2], ARGV[2])
  return {ARGV[1], ARGV[3]}
end
if origin == ARGV[1] then redis.call('SADD', KEYS[2], ARGV[2]) end
return {origin, redis.call('HGET', KEYS[1], 'epoch')}
`;

/** KEYS: space, my origin set, the dead node's origin set; ARGV: me, space id, dead node. */
const TAKE_OVER = `
local origin = redis.call('HGET', KEYS[1], 'origin')
if origin and origin ~= ARGV[3] then return {origin, redis.call('HGET', KEYS[1], 'epoch')} end
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0') + 1
redis.call('HSET', KEYS[1], 'origin', ARGV[1], 'epoch', tostring(epoch))
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
return {ARGV[1], tostring(epoch)}
`;

/** KEYS: space, my origin set; ARGV: me, space id. */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'origin') == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SREM', KEYS[2], ARGV[2])
return 1
`;

function toClaim(reply: unknown): OriginClaim {
  const [origin, epoch] = reply as [string, string];
  return { origin, epoch: Number(epoch) };
}

export class SpaceDirectory {
  readonly #bus: ClusterBus;

  constructor(bus: ClusterBus) {
    this.#bus = bus;
  }

  get #me(): string {
    return this.#bus.nodeId;
  }

  /**
   * Makes this node the origin of `spaceId` unless another node is: answers who is. `epoch` is what a
   * new claim starts at (a Space this node already held before Redis lost its keys keeps its epoch).
   */
  async claim(spaceId: string, epoch = 1): Promise<OriginClaim> {
    return toClaim(await this.#bus.redis.eval(CLAIM, 2, SPACE_KEY_PREFIX + spaceId, ORIGIN_SET_PREFIX + this.#me, this.#me, spaceId, String(epoch)));
  }

  /** Takes over a Space whose origin `deadNode` is gone (or which has none); answers who holds it now. */
  async takeOver(spaceId: string, deadNode: string): Promise<OriginClaim> {
    return toClaim(
      await this.#bus.redis.eval(TAKE_OVER, 3, SPACE_KEY_PREFIX + spaceId, ORIGIN_SET_PREFIX + this.#me, ORIGIN_SET_PREFIX + deadNode, this.#me, spaceId, deadNode),
    );
  }

  /** The Space's origin now, if it has one. */
  async lookup(spaceId: string): Promise<OriginClaim | undefined> {
    const [origin, epoch] = await this.#bus.redis.hmget(SPACE_KEY_PREFIX + spaceId, 'origin', 'epoch');
    return origin ? { origin, epoch: Number(epoch ?? 1) } : undefined;
  }

  /** The Space ended (or moved away from here): forget this node's claim. */
  async release(spaceId: string): Promise<void> {
    await this.#bus.redis.eval(RELEASE, 2, SPACE_KEY_PREFIX + spaceId, ORIGIN_SET_PREFIX + this.#me, this.#me, spaceId);
  }

  /** The Spaces `nodeId` is the origin of. */
  async spacesOf(nodeId: string): Promise<string[]> {
    return this.#bus.redis.smembers(ORIGIN_SET_PREFIX + nodeId);
  }
}
