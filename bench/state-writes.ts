// Benchmark: what a live-state change costs when it is saved, on SQLite (a WAL file) and PostgreSQL
// (loopback), through the path the server uses: Journal → SpaceRepository → one transaction. A Space of
// 41 members; one change at a time, as a host clicks (a role change rewrites one member row, a queue
// move rewrites the queue on the Space's row), each timed from the write to its commit (what a request's
// answer waits for); then bursts of 50 changes in one moment (mute all, a flood of raised hands), which
// the journal folds into one commit. The event loop's delay during the run says what the show's other
// work (signaling, other Spaces) felt. Run: npm run bench:state-writes (figures in docs/PERFORMANCE.md)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { Logger } from '../src/server/logger';
import type { StoreTarget } from '../src/server/store/connect';
import { Journal } from '../src/server/store/Journal';
import type { MemberRecord, SpaceRecord } from '../src/server/store/repositories/SpaceRepository';
import { Store } from '../src/server/store/Store';
import { createTestDatabase } from '../tests/support/postgres';
import { makeTempDir } from '../tests/support/tempDir';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 1000);
const BURSTS = Number(process.env.BENCH_BURSTS ?? 40);
const MEMBERS = 41;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => Number(n.toFixed(3));

function member(i: number, role: MemberRecord['role']): MemberRecord {
  return {
    memberId: `member-${i}`,
    userId: `acc-${i}`,
    displayName: `Person ${i}`,
    role,
    muted: false,
    canRequest: false,
    stageSince: role === 'listener' ? 0 : Date.now(),
    joinedAt: Date.now() + i,
    resumeHash: `hash-${i}`.padEnd(43, 'x'),
    invitation: null,
  };
}

async function measure(label: string, target: StoreTarget) {
  const store = await Store.open(target);
  const journal = new Journal(store, new Logger('error'));
  const space: SpaceRecord = {
    id: 'bench',
    title: 'Two-hour show',
    hostUserId: 'acc-0',
    status: 'live',
    policy: { requestPolicy: 'everyone', maxSpeakers: 10, maxCohosts: 2 },
    queue: [],
    talkTimeMs: {},
    createdAt: Date.now(),
    startedAt: Date.now(),
    endedAt: null,
    endReason: null,
  };
  journal.write('space:bench', (r) => r.spaces.create(space, Date.now()));
  const members = Array.from({ length: MEMBERS }, (_, i) => member(i, i === 0 ? 'host' : i < 3 ? 'cohost' : i < 13 ? 'speaker' : 'listener'));
  for (const m of members) journal.write(`member:bench:${m.memberId}`, (r) => r.spaces.putMember('bench', m));
  await journal.settled();
  const queue = members.slice(13, 33).map((m, i) => ({ memberId: m.memberId, raisedAt: Date.now() + i }));

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const cpuBefore = process.cpuUsage();
  const single: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CHANGES; i++) {
    const t0 = performance.now();
    if (i % 2 === 0) {
      // A role change: someone comes on stage or goes back to the audience.
      const m = members[13 + (i % 28)]!;
      m.role = m.role === 'listener' ? 'speaker' : 'listener';
      m.stageSince = Date.now();
      const row = { ...m };
      journal.write(`member:bench:${m.memberId}`, (r) => r.spaces.putMember('bench', row));
    } else {
      // A queue move: two hands swap places.
      const k = i % (queue.length - 1);
      [queue[k], queue[k + 1]] = [queue[k + 1]!, queue[k]!];
      const order = [...queue];
      journal.write('queue:bench', (r) => r.spaces.setQueue('bench', order, Date.now()));
    }
    await journal.settled();
    single.push(performance.now() - t0);
  }
  const singleWall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  const bursts: number[] = [];
  for (let b = 0; b < BURSTS; b++) {
    const t0 = performance.now();
    for (const m of members.slice(1, 51)) {
      m.muted = !m.muted;
      const row = { ...m };
      journal.write(`member:bench:${m.memberId}`, (r) => r.spaces.putMember('bench', row));
    }
    await journal.settled();
    bursts.push(performance.now() - t0);
  }
  delay.disable();
  await journal.close();
  await store.close();
  single.sort((a, b) => a - b);
  bursts.sort((a, b) => a - b);
  return {
    database: label,
    changes: CHANGES,
    commitMs: { p50: ms(percentile(single, 50)), p99: ms(percentile(single, 99)), max: ms(single.at(-1)!) },
    changesPerSecondOneAtATime: Math.round(CHANGES / (singleWall / 1000)),
    mainThreadCpuMsPerChange: ms((cpu.user + cpu.system) / 1000 / CHANGES),
    burstOf40ChangesMs: { p50: ms(percentile(bursts, 50)), p99: ms(percentile(bursts, 99)) },
    eventLoopDelayMs: { p50: ms(delay.percentile(50) / 1e6), p99: ms(delay.percentile(99) / 1e6), max: ms(delay.max / 1e6) },
  };
}

const dir = makeTempDir('hostline-bench-store');
const database = await createTestDatabase();
try {
  const results = [
    await measure('sqlite (WAL, synchronous=NORMAL)', { kind: 'sqlite', file: `${dir.path}/bench.db` }),
    await measure('postgresql 15 (loopback)', { kind: 'postgres', url: database.url }),
  ];
  console.log(JSON.stringify({ bench: 'state-writes', cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)), results }, null, 2));
} finally {
  dir.remove();
  await database.drop();
}
