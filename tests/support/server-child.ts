// A whole server process for the multi-process job-queue tests: a real SFU service on PostgreSQL
// (DATABASE) sending mail to SMTP, whose clock the test moves over IPC ({ set: ms }). It says
// { ready, worker } once it serves, and stops cleanly on SIGTERM (or dies on SIGKILL). Its WebRtcServer
// takes a free port, so it never competes with other tests' servers.
import { ManualClock } from '../../src/server/clock';
import { defaultConfig } from '../../src/server/config';
import { Logger } from '../../src/server/logger';
import { startServer } from '../../src/server/server';

const clock = new ManualClock(Number(process.env.CLOCK_START));
const config = { ...defaultConfig(), port: 0, workers: 1, rtcPort: 0, logLevel: 'warn' as const, database: process.env.DATABASE!, smtp: process.env.SMTP! };
const logger = new Logger('warn', { service: 'child' }, (line) => process.stderr.write(`${line}\n`));
const server = await startServer(config, { clock, jobPollMs: 50, logger });
process.on('message', (message: { set?: number }) => {
  if (message.set !== undefined) clock.set(message.set);
  process.send!({ ok: true });
});
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
process.send!({ ready: true, worker: server.platform.jobs.worker });
