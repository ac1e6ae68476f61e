// First start after the move to a database: block lists (blocks.json) and reports (reports.jsonl) that
// earlier versions kept in the data folder are copied into the store, then renamed `*.imported` (kept,
// never deleted). Idempotent: a report already stored is skipped, a block already there is updated.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { Report } from './repositories/ModerationRepository.js';
import type { Store } from './Store.js';

type LegacyBlocks = Record<string, Record<string, { displayName: string; at: string }>>;

export async function importLegacyFiles(store: Store, dataDir: string, logger: Logger): Promise<{ blocks: number; reports: number }> {
  const counts = { blocks: 0, reports: 0 };
  const blocksFile = join(dataDir, 'blocks.json');
  if (existsSync(blocksFile)) {
    const stored = JSON.parse(readFileSync(blocksFile, 'utf8')) as LegacyBlocks;
    await store.transaction(async (repos) => {
      for (const [owner, list] of Object.entries(stored)) {
        for (const [userId, entry] of Object.entries(list)) {
          await repos.moderation.block(owner, { userId, displayName: entry.displayName }, Date.parse(entry.at) || Date.now());
          counts.blocks++;
        }
      }
    });
    renameSync(blocksFile, `${blocksFile}.imported`);
  }
  const reportsFile = join(dataDir, 'reports.jsonl');
  if (existsSync(reportsFile)) {
    const lines = readFileSync(reportsFile, 'utf8').split('\n').filter((line) => line.trim());
    // A torn last line (a crash mid-append) is the only thing that can be unreadable; say so, keep going.
    const reports: Report[] = [];
    for (const [i, line] of lines.entries()) {
      try {
        reports.push(JSON.parse(line) as Report);
      } catch {
        logger.warn('a line of reports.jsonl is not JSON and was not imported', { line: i + 1 });
      }
    }
    await store.transaction(async (repos) => {
      for (const report of reports) await repos.moderation.report(report);
    });
    counts.reports = reports.length;
    renameSync(reportsFile, `${reportsFile}.imported`);
  }
  if (counts.blocks || counts.reports) logger.info('imported block lists and reports from the data folder', counts);
  return counts;
}
