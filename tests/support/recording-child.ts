// A recording process for the crash test: records three tracks in real time (100 ms chunks) into the
// folder given as argv[2] and prints "fed <frames>" after each chunk, until it is killed.
import { RecordingService } from '../../src/main/services/recording/RecordingService';
import { beepSignal, RATE } from './recording';

const root = process.argv[2]!;
const service = new RecordingService({ root });
// A 50 ms beep every half second, starting at 0.25 s, for a minute.
const beeps = Array.from({ length: 120 }, (_, i) => ({ start: 0.25 + i * 0.5, duration: 0.05, frequency: 700 }));
const signal = beepSignal(beeps, 60);

await service.start({ spaceId: 'crash', title: 'Crash test' });
const mix = await service.addTrack({ kind: 'mix', name: 'Mix' });
const host = await service.addTrack({ kind: 'host', name: 'Ada', memberId: 'a' });
let guest: number | undefined;
const chunk = RATE / 10;
const began = performance.now();
for (let at = 0; at + chunk <= signal.length; at += chunk) {
  const piece = signal.subarray(at, at + chunk);
  service.append(mix.trackNo, at, piece);
  service.append(host.trackNo, at, piece);
  if (guest !== undefined) service.append(guest, at, piece);
  if (at === RATE) {
    guest = (await service.addTrack({ kind: 'speaker', name: 'Grace', memberId: 'g' })).trackNo;
    await service.addEvent({ atFrame: at, type: 'stage.join', memberId: 'g', name: 'Grace' });
    await service.addEvent({ atFrame: at, type: 'marker', label: 'Grace joins' });
  }
  process.stdout.write(`fed ${at + chunk}\n`);
  // Real time: the next chunk is due 100 ms after this one.
  const due = began + ((at + 2 * chunk) / RATE) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
}
