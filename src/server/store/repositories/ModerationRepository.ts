// Block lists and reports. A block keeps the blocked person out of every Space the blocker hosts; a
// report is kept for the service's owners with who, when, why and where.
import type { StoreDb } from '../connect.js';

export interface BlocksTable {
  owner_id: string;
  blocked_id: string;
  blocked_name: string;
  created_at: number;
}

export interface ReportsTable {
  id: string;
  created_at: number;
  space_id: string;
  space_title: string;
  reporter_id: string;
  reporter_name: string;
  reported_id: string;
  reported_name: string;
  reason: string;
}

export interface Report {
  id: string;
  at: string;
  spaceId: string;
  spaceTitle: string;
  reporter: { userId: string; displayName: string };
  reported: { userId: string; displayName: string };
  reason: string;
}

function toReport(row: ReportsTable): Report {
  return {
    id: row.id,
    at: new Date(row.created_at).toISOString(),
    spaceId: row.space_id,
    spaceTitle: row.space_title,
    reporter: { userId: row.reporter_id, displayName: row.reporter_name },
    reported: { userId: row.reported_id, displayName: row.reported_name },
    reason: row.reason,
  };
}

export class ModerationRepository {
  readonly #db;

  constructor(db: StoreDb) {
    this.#db = db.withTables<{ blocks: BlocksTable; reports: ReportsTable }>();
  }

  async block(ownerId: string, blocked: { userId: string; displayName: string }, now: number): Promise<void> {
    await this.#db
      .insertInto('blocks')
      .values({ owner_id: ownerId, blocked_id: blocked.userId, blocked_name: blocked.displayName, created_at: now })
      .onConflict((oc) => oc.columns(['owner_id', 'blocked_id']).doUpdateSet({ blocked_name: blocked.displayName }))
      .execute();
  }

  async unblock(ownerId: string, blockedId: string): Promise<void> {
    await this.#db.deleteFrom('blocks').where('owner_id', '=', ownerId).where('blocked_id', '=', blockedId).execute();
  }

  /** Whether any of `ownerIds` blocked any of `identityIds` (an account and its anonymous past). */
  async anyBlocked(ownerIds: readonly string[], identityIds: readonly string[]): Promise<boolean> {
    if (ownerIds.length === 0 || identityIds.length === 0) return false;
    const row = await this.#db
      .selectFrom('blocks')
      .select('owner_id')
      .where('owner_id', 'in', [...ownerIds])
      .where('blocked_id', 'in', [...identityIds])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async blockList(ownerId: string): Promise<Array<{ userId: string; displayName: string }>> {
    const rows = await this.#db.selectFrom('blocks').selectAll().where('owner_id', '=', ownerId).orderBy('created_at').execute();
    return rows.map((r) => ({ userId: r.blocked_id, displayName: r.blocked_name }));
  }

  /** Keeps a report; a report with a known id (a re-import) changes nothing. */
  async report(report: Report): Promise<Report> {
    await this.#db
      .insertInto('reports')
      .values({
        id: report.id,
        created_at: Date.parse(report.at),
        space_id: report.spaceId,
        space_title: report.spaceTitle,
        reporter_id: report.reporter.userId,
        reporter_name: report.reporter.displayName,
        reported_id: report.reported.userId,
        reported_name: report.reported.displayName,
        reason: report.reason,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return report;
  }

  async reports(limit = 1000): Promise<Report[]> {
    const rows = await this.#db.selectFrom('reports').selectAll().orderBy('created_at').limit(limit).execute();
    return rows.map(toReport);
  }
}
