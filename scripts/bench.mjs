#!/usr/bin/env node
// Bundles a benchmark under bench/ with esbuild (TypeScript, our imports) and runs it. Usage: npm run bench
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';

const entry = process.argv[2] ?? 'bench/console-dsp.ts';
const outfile = `out/bench/${entry.replace(/^bench\//, '').replace(/\.ts$/, '.mjs')}`;
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Packages load from node_modules as they are (RNNoise's worklet needs its own import.meta.url).
  packages: 'external',
});
const run = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
process.exit(run.status ?? 1);
