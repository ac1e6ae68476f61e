// What one node tells another over Redis is validated on arrival (issue 15): a publish that is not a
// node batch, a message that fails its schema, a call to no method or with bad arguments are dropped or
// refused with a clear error, never acted on and never a crash; and the flags that make a node part of
// a cluster are checked before it starts.
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterBus, CHANNEL_PREFIX } from '../../src/server/cluster/ClusterBus';
import { parseConfig } from '../../src/server/config';
import { Logger } from '../../src/server/logger';
import { eventually } from '../support/fakeRoom';
import { startRedis, type TestRedis } from '../support/redis';

describe('the bus between nodes', () => {
  let redis: TestRedis;
  let a: ClusterBus;
  let b: ClusterBus;
  let raw: Redis;
  const logs: Array<Record<string, unknown>> = [];

  beforeEach(async () => {
    redis = await startRedis();
    const logger = new Logger('info', { service: 'test' }, (line) => logs.push(JSON.parse(line)));
    a = await ClusterBus.connect(redis.url, 'node-a', logger);
    b = await ClusterBus.connect(redis.url, 'node-b', logger);
    raw = new Redis(redis.url);
    raw.on('error', () => undefined); // Redis is taken away in one test
  });

  afterEach(async () => {
    raw.disconnect();
    a.close();
    b.close();
    await redis.stop();
  });

  it('drops publishes and messages that fail their schemas, and counts them', async () => {
    const seen: unknown[] = [];
    b.on('message', (_from, message) => seen.push(message));
    await raw.publish(CHANNEL_PREFIX + 'node-b', 'not json');
    await raw.publish(CHANNEL_PREFIX + 'node-b', JSON.stringify({ from: 'x', batch: [] }));
    await raw.publish(CHANNEL_PREFIX + 'node-b', JSON.stringify({ from: 'x', batch: [{ t: 'pipe.closed' }, { t: 'no.such' }, { t: 'pipe.closed', producerId: 'p1' }] }));
    await eventually(() => expect(b.stats.invalid).toBe(4), 3000);
    // Only the one valid message got through.
    expect(seen).toEqual([{ t: 'pipe.closed', producerId: 'p1' }]);
    expect(logs.some((l) => l.msg === 'dropped a node message that fails its schema')).toBe(true);
  });

  it('answers a call to an unknown method or with bad arguments with a clear error', async () => {
    b.handle('pipe.open', async () => {
      throw new Error('never reached with bad arguments');
    });
    await expect(a.call('node-b', 'pipe.open', { spaceId: 's', producerId: 'p', transportId: 't', edge: { ip: '', port: 0 } } as never, 3000)).rejects.toMatchObject({
      code: 'invalid_payload',
    });
    await expect(a.call('node-b', 'no.such' as never, {} as never, 3000)).rejects.toMatchObject({ code: 'unknown_call' });
    // A node that never answers: the call times out with a clear message.
    await expect(a.call('node-nobody', 'pipe.open', { spaceId: 's', producerId: 'p', transportId: 't', edge: { ip: '1.2.3.4', port: 5, srtp: { cryptoSuite: 'x', keyBase64: 'y' } } }, 500)).rejects.toMatchObject({
      code: 'timeout',
    });
  });

  it('refuses to send while Redis is away, and says so at once', async () => {
    await redis.pause();
    await eventually(() => expect(a.up).toBe(false), 3000);
    expect(a.send('node-b', { t: 'pipe.closed', producerId: 'p' })).toBe(false);
    await expect(a.call('node-b', 'pipe.open', { spaceId: 's', producerId: 'p', transportId: 't', edge: { ip: '1.2.3.4', port: 5, srtp: { cryptoSuite: 'x', keyBase64: 'y' } } })).rejects.toMatchObject({
      code: 'unavailable',
    });
    await redis.resume();
    await eventually(() => expect(a.up && b.up).toBe(true), 8000);
  });
});

describe('cluster flags', () => {
  it('--redis needs a PostgreSQL database, and an announced address when listening on every interface', () => {
    expect(() => parseConfig(['--redis', 'redis://127.0.0.1:6379'], {})).toThrow(/--redis needs --database postgres/);
    expect(() => parseConfig(['--redis', 'redis://h:1', '--database', 'postgres://u:p@h/db', '--host', '0.0.0.0'], {})).toThrow(/announced-ip/);
    expect(() => parseConfig(['--redis', 'http://h:1', '--database', 'postgres://u:p@h/db'], {})).toThrow(/redis:\/\//);
    expect(() => parseConfig(['--node-id', 'bad id!'], {})).toThrow(/letters, digits or dashes/);
    const ok = parseConfig(['--redis', 'redis://h:1', '--database', 'postgres://u:p@h/db', '--node-id', 'sfu-1'], {});
    expect(ok).toMatchObject({ redis: 'redis://h:1', nodeId: 'sfu-1' });
  });
});
