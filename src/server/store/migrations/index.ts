// Every migration, by name. Names sort into ranges so features written in parallel never collide:
// 0001–0099 platform core, 0100 scheduling, 0200 tickets, 0300 captions, 0400 replays, 0500 scale-out,
// 0600 studio tools. Adding a migration: one file here and one line below.
import type { Migration } from 'kysely';
import * as accounts from './0001_accounts.js';
import * as moderation from './0002_moderation.js';
import * as spaces from './0003_spaces.js';
import * as jobs from './0100_jobs.js';
import * as schedule from './0101_schedule.js';
import * as tickets from './0200_tickets.js';
import * as replays from './0400_replays.js';
import * as backchannel from './0600_backchannel.js';

export const MIGRATIONS: Record<string, Migration> = {
  '0001_accounts': accounts,
  '0002_moderation': moderation,
  '0003_spaces': spaces,
  '0100_jobs': jobs,
  '0101_schedule': schedule,
  '0200_tickets': tickets,
  '0400_replays': replays,
  '0600_backchannel': backchannel,
};
