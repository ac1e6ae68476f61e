// What the benchmarks share: building and serving the bench page, starting a real SFU service, reading
// a process's CPU and memory, percentiles, and printing figures (to stdout and out/bench-results/).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build } from 'vite';
import { defaultConfig, type ServerConfig } from '../src/server/config';
import { Logger } from '../src/server/logger';
import { startServer, type RunningServer } from '../src/server/server';
import { serveStatic } from '../src/server/static';
import type { ProbeOptions } from './probe/probe';

export const ROOT = resolve(import.meta.dirname, '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
const BENCH_PAGE_DIR = join(ROOT, 'out', 'bench');
/** The bare mediasoup page (bench/bare), served by its own server. */
export const BARE_PAGE_DIR = join(ROOT, 'out', 'bench-bare');
const RESULTS_DIR = join(ROOT, 'out', 'bench-results');

/** Builds bench/pages (the real RoomClient and microphone code) into out/bench, served under /bench/. */
export async function buildBenchPages(): Promise<void> {
  await build({
    configFile: false,
    root: join(ROOT, 'bench', 'pages'),
    base: '/bench/',
    logLevel: 'warn',
    build: { outDir: BENCH_PAGE_DIR, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'bench', 'pages', 'bench.html') } },
  });
}

/** Builds the bare mediasoup page (bench/bare) into out/bench-bare. */
export async function buildBarePage(): Promise<void> {
  await build({
    configFile: false,
    root: join(ROOT, 'bench', 'bare'),
    base: '/',
    logLevel: 'warn',
    build: { outDir: BARE_PAGE_DIR, emptyOutDir: true, rollupOptions: { input: join(ROOT, 'bench', 'bare', 'bare.html') } },
  });
}

/** The probe (bench/probe/probe.ts) as the source of an init script, with its options set first. */
export async function probeScript(options: Partial<ProbeOptions> = {}): Promise<string> {
  const bundle = await esbuild({ entryPoints: [join(ROOT, 'bench', 'probe', 'probe.ts')], bundle: true, format: 'iife', target: 'chrome120', write: false });
  return `window.hostlineProbeOptions = ${JSON.stringify(options)};\n${bundle.outputFiles[0]!.text}`;
}

/** A real SFU service on a free loopback port, serving the listener page and the bench page. */
export async function startBenchServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
  const config: ServerConfig = { ...defaultConfig(), port: 0, workers: 1, rtcPort: 0, logLevel: 'warn', staticDir: RENDERER_DIR, ...overrides };
  const logger = new Logger(config.logLevel, { service: 'bench' });
  return startServer(config, {
    logger,
    routes: [(req, res, url) => url.pathname.startsWith('/bench/') && serveStatic(BENCH_PAGE_DIR, req, res, url.pathname.slice('/bench'.length))],
  });
}

/** CPU time of a process so far (user + system), milliseconds, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Resident memory of a process, KiB. */
export function rssKiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0);
}

/** A process's CPU time so far, user and system apart, milliseconds, from /proc: read without asking
 * the process anything, so a busy mediasoup worker cannot delay the reading (its channel replies wait
 * behind the packets it is still forwarding). /proc counts in USER_HZ ticks, 100 a second on Linux. */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

/** Bytes waiting in the receive queue of the IPv4 UDP socket bound to `port` (0 if none): a backlog
 * the process that owns it has not yet read. */
export function udpQueueBytes(port: number): number {
  let bytes = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (parseInt(fields[1]?.split(':')[1] ?? '', 16) === port) bytes += parseInt(fields[4]?.split(':')[1] ?? '0', 16);
  }
  return bytes;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i]! - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? NaN : num / den;
}

/** The conditions a figure was measured under: the machine, and how busy it was. */
export function conditions() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    at: new Date().toISOString(),
  };
}

/** Prints a line straight to stdout (vitest's console capture is off for benches too, but be sure). */
export function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** Saves a bench's figures as JSON for docs/PERFORMANCE.md. */
export function saveResults(name: string, results: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  return file;
}
