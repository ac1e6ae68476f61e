// Recovery after a crash: a recording folder whose manifest is not complete was interrupted (the studio
// was killed, the machine lost power). Its WAV headers are repaired from the file sizes, tracks that were
// synced at slightly different moments are padded to end together, the timeline is read back from the
// event log (captions.vtt, rewritten whole, stands as it is), and the manifest is completed and marked
// recovered, so the library offers it like any other.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RECORDING_SAMPLE_RATE, type RecordingSummary } from '../../../shared/recording.js';
import { CAPTIONS_FILE } from './RecordingCaptions.js';
import { EVENT_LOG, readEventLog, readManifest, sizeOf, summaryOf, writeManifest } from './recording-files.js';
import { padFloatWav, repairFloatWav } from './wav.js';

/** Repairs every interrupted recording under `root` except `running` (a take in progress). */
export async function recoverInterrupted(root: string, running?: string): Promise<RecordingSummary[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const recovered: RecordingSummary[] = [];
  for (const name of names) {
    if (name === running) continue;
    const dir = join(root, name);
    const manifest = await readManifest(dir);
    if (!manifest || manifest.status === 'complete') continue;
    for (const track of manifest.tracks) {
      track.frames = await repairFloatWav(join(dir, track.file)).catch(() => 0);
    }
    // Tracks synced at slightly different moments; silence at the end makes them line up again.
    const longest = Math.max(0, ...manifest.tracks.map((t) => t.frames));
    for (const track of manifest.tracks) {
      if (track.frames < longest && (await padFloatWav(join(dir, track.file), longest).then(() => true, () => false))) track.frames = longest;
    }
    manifest.events = await readEventLog(join(dir, EVENT_LOG));
    // The captions were rewritten whole at most a second apart: what is on disk stands.
    if (await stat(join(dir, CAPTIONS_FILE)).then(() => true, () => false)) manifest.captions = CAPTIONS_FILE;
    manifest.durationSec = Math.max(0, ...manifest.tracks.map((t) => t.frames)) / RECORDING_SAMPLE_RATE;
    manifest.status = 'complete';
    manifest.recovered = true;
    manifest.stopReason = 'recovered';
    await writeManifest(dir, manifest);
    await rm(join(dir, EVENT_LOG), { force: true });
    recovered.push(summaryOf(manifest, await sizeOf(dir, manifest)));
  }
  return recovered;
}
