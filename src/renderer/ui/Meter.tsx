// The one level meter on screen, in the studio and on the listener page: RMS bar, peak bar, held peak
// line, clip light, and readouts of peak, RMS and (where measured) short-term loudness, in dBFS from −60
// to 0. Drawn from a MeterTap's latest reading on each animation frame; React never re-renders it.
import { useEffect, useRef } from 'react';
import { SILENCE_DB } from '../../shared/decibels';
import type { MeterTap } from '../audio/meter/MeterTap';

const FLOOR_DB = -60;
const position = (db: number) => Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
const fmt = (db: number | undefined) => (db === undefined || db <= SILENCE_DB + 1 ? '−∞' : db.toFixed(1));

export interface MeterProps {
  tap: MeterTap | undefined;
  /** What is metered; shown beside the bar unless `compact`. */
  label: string;
  /** Show short-term loudness (LUFS) when the tap measures it. */
  loudness?: boolean;
  /** No label column (in lists, and where a heading already says what it is). */
  compact?: boolean;
  testId?: string;
}

export function Meter({ tap, label, loudness = true, compact = false, testId }: MeterProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLSpanElement>(null);
  const clip = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let frame = 0;
    // Ballistics: rise at once, fall at 24 dB a second, so speech reads as a level, not flicker.
    let rms = FLOOR_DB;
    let pk = FLOOR_DB;
    let last = 0;
    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      if (!el || !ctx) return;
      const r = tap?.latest;
      const fresh = r && now - r.wallTime < 250;
      const fall = last ? (24 * (now - last)) / 1000 : 0;
      last = now;
      rms = Math.max(fresh ? r.rmsDb : FLOOR_DB, rms - fall);
      pk = Math.max(fresh ? r.peakDb : FLOOR_DB, pk - fall);
      const { width, height } = el;
      ctx.fillStyle = '#1d2129';
      ctx.fillRect(0, 0, width, height);
      const gradient = ctx.createLinearGradient(0, 0, width, 0);
      gradient.addColorStop(0, '#2fbf71');
      gradient.addColorStop(position(-18), '#2fbf71');
      gradient.addColorStop(position(-6), '#e8c547');
      gradient.addColorStop(1, '#e5484d');
      ctx.globalAlpha = 0.45;
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, width * position(pk), height);
      ctx.globalAlpha = 1;
      ctx.fillRect(0, height * 0.25, width * position(rms), height * 0.5);
      if (fresh) {
        ctx.fillStyle = '#f4f5f7';
        ctx.fillRect(Math.max(0, width * position(r.peakHoldDb) - 2), 0, 2, height);
      }
      ctx.fillStyle = '#5b6270';
      for (const mark of [-48, -36, -24, -18, -12, -6, -3]) ctx.fillRect(Math.round(width * position(mark)), height - 3, 1, 3);
      if (readout.current) {
        const lufs = loudness && fresh && r.shortTermLufs !== undefined ? `  ·  ${fmt(r.shortTermLufs)} LUFS` : '';
        readout.current.textContent = fresh ? `peak ${fmt(r.peakHoldDb)}  ·  RMS ${fmt(rms <= FLOOR_DB ? undefined : rms)} dBFS${lufs}` : 'no signal';
      }
      if (clip.current) clip.current.dataset.clipping = String(!!(fresh && r.clipping));
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [tap, loudness]);

  return (
    <div className={`meter ${compact ? 'compact' : ''}`} aria-label={label} data-testid={testId}>
      <div className="meter-row">
        {!compact && <span className="meter-label">{label}</span>}
        <canvas ref={canvas} width={360} height={14} />
        <span ref={clip} className="clip-light" title="Clipped in the last 2 s" data-clipping="false">CLIP</span>
      </div>
      <span ref={readout} className="meter-readout">no signal</span>
    </div>
  );
}
