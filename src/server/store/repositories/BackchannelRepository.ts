// The backchannel's messages, one row each, in order per Space. Read back during the show by the people
// on the backchannel (through the BACKCHANNEL rule) and afterwards by the Space's host only.
import type { BackchannelMessage } from '../../../shared/protocol/backchannel.js';
import type { StoreDb } from '../connect.js';
import type { RoleValue } from './SpaceRepository.js';

export interface BackchannelMessagesTable {
  space_id: string;
  seq: number;
  host_user_id: string;
  at: number;
  member_id: string;
  display_name: string;
  role: RoleValue;
  producer: number;
  text: string;
}

function toMessage(row: BackchannelMessagesTable): BackchannelMessage {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    from: { memberId: row.member_id, displayName: row.display_name, role: row.role, producer: row.producer === 1 },
    text: row.text,
  };
}

export class BackchannelRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<{ backchannel_messages: BackchannelMessagesTable }>();
  }

  async add(spaceId: string, hostUserId: string, message: BackchannelMessage): Promise<void> {
    await this.#db
      .insertInto('backchannel_messages')
      .values({
        space_id: spaceId,
        seq: message.seq,
        host_user_id: hostUserId,
        at: message.at,
        member_id: message.from.memberId,
        display_name: message.from.displayName,
        role: message.from.role,
        producer: message.from.producer ? 1 : 0,
        text: message.text,
      })
      .execute();
  }

  /** The Space's messages after `afterSeq`, oldest first (at most `limit`). */
  async list(spaceId: string, afterSeq = 0, limit = 1000): Promise<BackchannelMessage[]> {
    const rows = await this.#db
      .selectFrom('backchannel_messages')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  /** The last number used in a Space (0: none yet), so numbering goes on after a restart. */
  async lastSeq(spaceId: string): Promise<number> {
    const row = await this.#db
      .selectFrom('backchannel_messages')
      .select((eb) => eb.fn.max('seq').as('last'))
      .where('space_id', '=', spaceId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /** What a Space's backchannel kept, for its host only: nobody else's id gets a row. */
  async forHost(hostUserId: string, spaceId: string): Promise<BackchannelMessage[]> {
    const rows = await this.#db
      .selectFrom('backchannel_messages')
      .selectAll()
      .where('space_id', '=', spaceId)
      .where('host_user_id', '=', hostUserId)
      .orderBy('seq')
      .execute();
    return rows.map(toMessage);
  }
}
