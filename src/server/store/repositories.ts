// Every repository of the store, by name. A feature adds its tables in a migration and its queries in
// one repository file, then one line here; the store builds each over the same database handle.
import type { StoreDb } from './connect.js';
import { AccountRepository } from './repositories/AccountRepository.js';
import { BackchannelRepository } from './repositories/BackchannelRepository.js';
import { FollowRepository } from './repositories/FollowRepository.js';
import { JobRepository } from './repositories/JobRepository.js';
import { LinkTokenRepository } from './repositories/LinkTokenRepository.js';
import { MetaRepository } from './repositories/MetaRepository.js';
import { ModerationRepository } from './repositories/ModerationRepository.js';
import { ProfileRepository } from './repositories/ProfileRepository.js';
import { ScheduleRepository } from './repositories/ScheduleRepository.js';
import { ReplayRepository } from './repositories/ReplayRepository.js';
import { SessionRepository } from './repositories/SessionRepository.js';
import { SpaceRepository } from './repositories/SpaceRepository.js';
import { TicketRepository } from './repositories/TicketRepository.js';

export const REPOSITORIES = {
  accounts: AccountRepository,
  profiles: ProfileRepository,
  sessions: SessionRepository,
  links: LinkTokenRepository,
  follows: FollowRepository,
  moderation: ModerationRepository,
  meta: MetaRepository,
  spaces: SpaceRepository,
  tickets: TicketRepository,
  jobs: JobRepository,
  schedule: ScheduleRepository,
  replays: ReplayRepository,
  backchannel: BackchannelRepository,
} satisfies Record<string, new (db: StoreDb) => object>;

export type Repositories = { readonly [K in keyof typeof REPOSITORIES]: InstanceType<(typeof REPOSITORIES)[K]> };

export function buildRepositories(db: StoreDb): Repositories {
  const out: Record<string, object> = {};
  for (const [name, Repository] of Object.entries(REPOSITORIES)) out[name] = new Repository(db);
  return out as Repositories;
}
