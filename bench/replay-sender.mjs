// A child process for bench/replay.ts: plays N speakers into PlainTransport producers, each sending the
// same real Opus packets (ffmpeg-encoded speech-like sound) as RTP on a steady 20 ms grid, with the
// ssrc-audio-level extension a browser sets. Kept out of the benchmark's process so its CPU is not
// counted as the recorder's. Plain JavaScript, driven over IPC: { cmd: 'start', packets: [base64…],
// targets: [{ port, ssrc }] } then { cmd: 'stop' }.
import dgram from 'node:dgram';

const PAYLOAD_TYPE = 100;
const AUDIO_LEVEL_ID = 1;

let timer;
let socket;

function start(packets, targets) {
  socket = dgram.createSocket('udp4');
  const streams = targets.map((t, i) => ({ ...t, seq: i * 1000, ts: i * 100_000 }));
  const started = performance.now();
  let index = 0;
  const tick = () => {
    for (const s of streams) {
      const payload = packets[(index + s.seq) % packets.length];
      const header = Buffer.alloc(12);
      header[0] = 0x90;
      header[1] = PAYLOAD_TYPE;
      header.writeUInt16BE(s.seq & 0xffff, 2);
      header.writeUInt32BE(s.ts >>> 0, 4);
      header.writeUInt32BE(s.ssrc, 8);
      // Loud for packets that carry sound, silent for the tiny ones (as a browser's level reads).
      const level = payload.length > 20 ? 20 : 127;
      const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, AUDIO_LEVEL_ID << 4, (level < 50 ? 0x80 : 0) | level, 0, 0]);
      socket.send(Buffer.concat([header, extension, payload]), s.port, '127.0.0.1');
      s.seq++;
      s.ts += 960;
    }
    index++;
    timer = setTimeout(tick, Math.max(0, started + index * 20 - performance.now()));
  };
  tick();
}

process.on('message', (message) => {
  if (message.cmd === 'start') start(message.packets.map((p) => Buffer.from(p, 'base64')), message.targets);
  if (message.cmd === 'stop') {
    clearTimeout(timer);
    socket?.close();
    process.send?.({ stopped: true });
  }
});
process.on('disconnect', () => process.exit(0));
