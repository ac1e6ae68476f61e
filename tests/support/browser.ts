// Debian's Chromium driven by playwright-core, with a WAV file as the fake microphone.
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.HOSTLINE_CHROMIUM ?? '/usr/bin/chromium';

/** npm test installs Chromium first (scripts/ensure-debian-packages.mjs); a test never skips for want of it. */
function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run as root \`apt-get install -y chromium\` (npm test and .ci/run install it), or set HOSTLINE_CHROMIUM`);
  }
}

export async function launchChromium(options: { micWav?: string; loop?: boolean; headless?: boolean; extraArgs?: string[] } = {}): Promise<Browser> {
  requireChromium();
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
    '--disable-quic',
    // Headless tabs in the background must keep their audio clocks and timers running.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ];
  args.push(...(options.extraArgs ?? []));
  if (options.micWav) args.push(`--use-file-for-fake-audio-capture=${options.micWav}${options.loop === false ? '%noloop' : ''}`);
  return chromium.launch({ executablePath: CHROMIUM, headless: options.headless ?? true, args });
}
