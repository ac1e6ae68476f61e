// A horizontal level meter (RMS bar with a peak line) drawn on a canvas, in dBFS from -60 to 0.
import { useEffect, useRef } from 'react';
import { toDb, type LevelMeter } from '../audio/LevelMeter';

const FLOOR_DB = -60;

function position(db: number): number {
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
}

export function Meter({ meter, label }: { meter: LevelMeter | undefined; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let frame = 0;
    let peakHold = FLOOR_DB;
    let peakHeldAt = 0;
    // Meter ballistics: rise at once, fall at 24 dB a second, so speech reads as a level, not flicker.
    let shown = FLOOR_DB;
    let lastFrame = 0;
    const draw = (now: number) => {
      frame = requestAnimationFrame(draw);
      const el = canvas.current;
      const ctx = el?.getContext('2d');
      if (!el || !ctx) return;
      const reading = meter?.latest;
      const fresh = reading && now - reading.wallTime < 250;
      const dt = lastFrame ? (now - lastFrame) / 1000 : 0;
      lastFrame = now;
      shown = Math.max(fresh ? toDb(reading.rms) : FLOOR_DB, shown - 24 * dt);
      const rmsDb = shown;
      const peakDb = fresh ? toDb(reading.peak) : FLOOR_DB;
      if (peakDb >= peakHold || now - peakHeldAt > 1500) {
        peakHold = peakDb;
        peakHeldAt = now;
      }
      const { width, height } = el;
      ctx.clearRect(0, 0, width, height);
      ctx.fillStyle = '#1d2129';
      ctx.fillRect(0, 0, width, height);
      const gradient = ctx.createLinearGradient(0, 0, width, 0);
      gradient.addColorStop(0, '#2fbf71');
      gradient.addColorStop(position(-18), '#2fbf71');
      gradient.addColorStop(position(-6), '#e8c547');
      gradient.addColorStop(1, '#e5484d');
      ctx.fillStyle = gradient;
      ctx.fillRect(0, 0, width * position(rmsDb), height);
      ctx.fillStyle = '#f4f5f7';
      ctx.fillRect(Math.max(0, width * position(peakHold) - 2), 0, 2, height);
      if (readout.current) readout.current.textContent = rmsDb <= FLOOR_DB ? '−∞ dB' : `${rmsDb.toFixed(0)} dB`;
    };
    frame = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(frame);
  }, [meter]);

  return (
    <div className="meter" aria-label={label}>
      <canvas ref={canvas} width={320} height={10} />
      <span ref={readout} className="meter-readout">−∞ dB</span>
    </div>
  );
}
