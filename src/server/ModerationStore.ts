// Block lists and reports. Each user's block list keeps people out of the Spaces that user hosts;
// reports are kept for the service's moderators with who, when, why and where. With a data folder
// both survive restarts (blocks.json rewritten atomically, reports.jsonl appended).
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Report {
  id: string;
  at: string;
  spaceId: string;
  spaceTitle: string;
  reporter: { userId: string; displayName: string };
  reported: { userId: string; displayName: string };
  reason: string;
}

export class ModerationStore {
  readonly #dataDir: string | undefined;
  /** Block lists by the blocking user's id. */
  readonly #blocks = new Map<string, Map<string, { displayName: string; at: string }>>();
  readonly #reports: Report[] = [];

  constructor(dataDir?: string) {
    this.#dataDir = dataDir;
    if (!dataDir) return;
    mkdirSync(dataDir, { recursive: true });
    try {
      const stored = JSON.parse(readFileSync(join(dataDir, 'blocks.json'), 'utf8')) as Record<
        string,
        Record<string, { displayName: string; at: string }>
      >;
      for (const [owner, list] of Object.entries(stored)) this.#blocks.set(owner, new Map(Object.entries(list)));
    } catch {
      // No block list yet.
    }
    try {
      for (const line of readFileSync(join(dataDir, 'reports.jsonl'), 'utf8').split('\n')) {
        if (line.trim()) this.#reports.push(JSON.parse(line) as Report);
      }
    } catch {
      // No reports yet.
    }
  }

  isBlocked(ownerUserId: string, userId: string): boolean {
    return this.#blocks.get(ownerUserId)?.has(userId) ?? false;
  }

  block(ownerUserId: string, blocked: { userId: string; displayName: string }): void {
    let list = this.#blocks.get(ownerUserId);
    if (!list) this.#blocks.set(ownerUserId, (list = new Map()));
    list.set(blocked.userId, { displayName: blocked.displayName, at: new Date().toISOString() });
    this.#saveBlocks();
  }

  blockList(ownerUserId: string): Array<{ userId: string; displayName: string }> {
    return [...(this.#blocks.get(ownerUserId) ?? new Map()).entries()].map(([userId, v]) => ({ userId, displayName: v.displayName }));
  }

  report(report: Omit<Report, 'id' | 'at'>): Report {
    const stored: Report = { id: randomUUID(), at: new Date().toISOString(), ...report };
    this.#reports.push(stored);
    if (this.#dataDir) appendFileSync(join(this.#dataDir, 'reports.jsonl'), JSON.stringify(stored) + '\n');
    return stored;
  }

  reports(): readonly Report[] {
    return this.#reports;
  }

  #saveBlocks(): void {
    if (!this.#dataDir) return;
    const out: Record<string, Record<string, { displayName: string; at: string }>> = {};
    for (const [owner, list] of this.#blocks) out[owner] = Object.fromEntries(list);
    const file = join(this.#dataDir, 'blocks.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2));
    renameSync(`${file}.tmp`, file);
  }
}
