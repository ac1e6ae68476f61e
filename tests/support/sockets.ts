// The sockets a process holds, from /proc: how a test counts a mediasoup worker's UDP ports.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Which of a process's sockets are UDP and TCP, and their local ports (from /proc). */
export function socketsOf(pid: number): { udp: number[]; tcpListening: number[]; tcpOther: number[] } {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match) inodes.add(match[1]!);
    } catch {
      // closed while we looked
    }
  }
  const table = (name: string) =>
    readFileSync(`/proc/net/${name}`, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => inodes.has(f[9]!))
      .map((f) => ({ port: parseInt(f[1]!.split(':')[1]!, 16), state: f[3]! }));
  const udp = [...table('udp'), ...table('udp6')].map((s) => s.port);
  const tcp = [...table('tcp'), ...table('tcp6')];
  return { udp, tcpListening: tcp.filter((s) => s.state === '0A').map((s) => s.port), tcpOther: tcp.filter((s) => s.state !== '0A').map((s) => s.port) };
}
