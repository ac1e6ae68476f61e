// A child process that plays both ends of plain RTP around the SFU: it sends Opus-shaped RTP packets at
// a steady 20 ms pace into a PlainTransport producer, and counts the packets each PlainTransport consumer
// delivers to its UDP sockets (per SSRC: count, sequence gaps, longest silence between arrivals).
// Kept out of the test or bench process so a busy event loop there cannot disturb the pacing or the
// counting. Plain JavaScript so it runs with `node` directly; driven over IPC by tests/support/rtpRig.ts.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const PACKET_MS = 20;
const SAMPLES_PER_PACKET = 960;
/** 80 bytes of payload a packet: 32 kbit/s, a typical mono speech Opus stream. */
const PAYLOAD_BYTES = 80;
const RECV_BUFFER = 4 * 1024 * 1024;

/** @type {dgram.Socket[]} */
const sockets = [];
/** Per SSRC: { count, highestSeq, lost gaps, lastAt, maxGapMs } */
const streams = new Map();
let source;
let sending;

function reply(message) {
  process.send?.(message);
}

/** Ports of the counting sockets, for their drop counts in /proc/net/udp. */
const countingPorts = new Set();
let sinkProcess;

function countingSocketDrops() {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const port = parseInt(fields[1]?.split(':')[1] ?? '', 16);
    if (countingPorts.has(port)) drops += Number(fields.at(-1));
  }
  return drops;
}

/**
 * Sockets that receive and never read, held by a small Python process: listeners whose packets are not
 * counted still cost the worker its full sending work, but cost this process nothing.
 */
async function openSinks(count) {
  sinkProcess ??= spawn('python3', ['-u', '-c', [
    'import socket, sys',
    'held = []',
    'for line in sys.stdin:',
    '    n = int(line)',
    '    ports = []',
    '    for _ in range(n):',
    '        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    '        s.bind(("127.0.0.1", 0))',
    '        held.append(s)',
    '        ports.append(str(s.getsockname()[1]))',
    '    print(" ".join(ports), flush=True)',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: sinkProcess.stdout });
  const answer = new Promise((resolve) => lines.once('line', (line) => resolve(line.split(' ').map(Number))));
  sinkProcess.stdin.write(`${count}\n`);
  const ports = await answer;
  lines.close();
  return ports;
}

function udpStats() {
  // The kernel's own count of datagrams it dropped because a socket's buffer was full.
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/).map(Number);
  const at = (name) => values[names.indexOf(name)] ?? 0;
  return { rcvbufErrors: at('RcvbufErrors'), inErrors: at('InErrors'), countingSocketDrops: countingSocketDrops() };
}

function onPacket(msg) {
  if (msg.length < 12) return;
  const second = msg[1];
  if (second >= 200 && second <= 206) return; // RTCP
  const ssrc = msg.readUInt32BE(8);
  const seq = msg.readUInt16BE(2);
  const now = performance.now();
  const at = performance.timeOrigin + now;
  let s = streams.get(ssrc);
  if (!s) {
    s = { count: 0, firstSeq: seq, lastSeq: seq, seqGaps: 0, lastAt: now, maxGapMs: 0, lastArrivalMs: at };
    streams.set(ssrc, s);
  } else {
    const step = (seq - s.lastSeq + 0x10000) & 0xffff;
    if (step > 1 && step < 0x8000) s.seqGaps += step - 1;
    if (step < 0x8000) s.lastSeq = seq;
    s.maxGapMs = Math.max(s.maxGapMs, now - s.lastAt);
    s.lastAt = now;
    s.lastArrivalMs = at;
  }
  s.count++;
}

async function open(count) {
  const ports = [];
  for (let i = 0; i < count; i++) {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER });
    socket.on('message', onPacket);
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    sockets.push(socket);
    ports.push(socket.address().port);
    countingPorts.add(socket.address().port);
  }
  return ports;
}

async function setSource(port, ssrc, payloadType) {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  source = { socket, port, ssrc, payloadType, seq: 0, timestamp: 0, sent: 0 };
}

function sendOne() {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = source.payloadType;
  header.writeUInt16BE(source.seq, 2);
  header.writeUInt32BE(source.timestamp >>> 0, 4);
  header.writeUInt32BE(source.ssrc, 8);
  const payload = Buffer.alloc(PAYLOAD_BYTES, 0x55);
  payload[0] = 0x78; // an Opus TOC byte: SILK/CELT hybrid, 20 ms frame
  source.socket.send(Buffer.concat([header, payload]), source.port, '127.0.0.1');
  source.seq = (source.seq + 1) & 0xffff;
  source.timestamp += SAMPLES_PER_PACKET;
  source.sent++;
}

/** Sends `count` packets (Infinity: until stopped) on a 20 ms grid that does not drift. */
function startSending(count) {
  stopSending();
  const started = performance.now();
  let index = 0;
  let last = started;
  let maxGapMs = 0;
  const run = { stopped: false, done: undefined };
  run.done = new Promise((resolve) => {
    const tick = () => {
      if (run.stopped || index >= count) {
        resolve({ sent: index, maxSendGapMs: maxGapMs, lastSentMs: performance.timeOrigin + last });
        return;
      }
      const now = performance.now();
      if (index > 0) maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      sendOne();
      index++;
      setTimeout(tick, Math.max(0, started + index * PACKET_MS - performance.now()));
    };
    tick();
  });
  sending = run;
  return run.done;
}

function stopSending() {
  if (sending) sending.stopped = true;
}

process.on('message', (message) => {
  void (async () => {
    const { id, cmd } = message;
    try {
      let result;
      if (cmd === 'open') result = { ports: await open(message.count) };
      else if (cmd === 'sinks') result = { ports: await openSinks(message.count) };
      else if (cmd === 'source') result = await setSource(message.port, message.ssrc, message.payloadType ?? 100);
      else if (cmd === 'send') result = await startSending(message.count ?? Infinity);
      else if (cmd === 'start') {
        void startSending(Infinity);
        result = {};
      } else if (cmd === 'stop') {
        stopSending();
        result = sending ? await sending.done : { sent: 0, maxSendGapMs: 0, lastSentMs: 0 };
      } else if (cmd === 'reset') {
        streams.clear();
        result = {};
      } else if (cmd === 'report') {
        result = {
          streams: [...streams.entries()].map(([ssrc, s]) => ({ ssrc, count: s.count, seqGaps: s.seqGaps, maxGapMs: s.maxGapMs, lastArrivalMs: s.lastArrivalMs })),
          udp: udpStats(),
          cpu: process.cpuUsage(),
        };
      } else throw new Error(`unknown command ${cmd}`);
      reply({ id, ok: true, result });
    } catch (error) {
      reply({ id, ok: false, error: String(error?.stack ?? error) });
    }
  })();
});

process.on('disconnect', () => {
  sinkProcess?.kill();
  process.exit(0);
});
