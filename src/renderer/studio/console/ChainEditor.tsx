// The processing chain as a list of filters, like OBS: order them, bypass them, set their parameters.
import type { ReactNode } from 'react';
import type { ChainSettings, StageId } from '../../../shared/console-settings';
import type { ChainActivity } from '../../audio/dsp/ProcessingChain';

const STAGE_NAMES: Record<StageId, string> = {
  gain: 'Input gain',
  noiseSuppression: 'Noise suppression (RNNoise)',
  gate: 'Noise gate',
  compressor: 'Compressor',
  limiter: 'Limiter',
};

function Slider(props: { label: string; unit: string; min: number; max: number; step: number; value: number; onChange(v: number): void }) {
  return (
    <label className="param">
      <span>{props.label}</span>
      <input type="range" min={props.min} max={props.max} step={props.step} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))} />
      <output>
        {props.value}
        {props.unit}
      </output>
    </label>
  );
}

export function ChainEditor({ chain, activity, onChange }: { chain: ChainSettings; activity: ChainActivity; onChange(next: ChainSettings): void }) {
  const set = <K extends StageId>(id: K, patch: Partial<ChainSettings[K]>) => onChange({ ...chain, [id]: { ...chain[id], ...patch } });
  const move = (index: number, by: number) => {
    const order = [...chain.order];
    const [id] = order.splice(index, 1);
    order.splice(index + by, 0, id!);
    onChange({ ...chain, order });
  };

  const params: Record<StageId, ReactNode> = {
    gain: <Slider label="Gain" unit=" dB" min={-24} max={24} step={0.5} value={chain.gain.gainDb} onChange={(gainDb) => set('gain', { gainDb })} />,
    noiseSuppression: <p className="hint">Removes steady noise (fans, hum, traffic) and keeps the voice. Adds 10 ms.</p>,
    gate: (
      <>
        <Slider label="Open" unit=" dB" min={-80} max={0} step={1} value={chain.gate.openDb} onChange={(openDb) => set('gate', { openDb, closeDb: Math.min(chain.gate.closeDb, openDb) })} />
        <Slider label="Close" unit=" dB" min={-90} max={0} step={1} value={chain.gate.closeDb} onChange={(closeDb) => set('gate', { closeDb: Math.min(closeDb, chain.gate.openDb) })} />
        <Slider label="Attack" unit=" ms" min={0} max={50} step={1} value={chain.gate.attackMs} onChange={(attackMs) => set('gate', { attackMs })} />
        <Slider label="Hold" unit=" ms" min={0} max={1000} step={10} value={chain.gate.holdMs} onChange={(holdMs) => set('gate', { holdMs })} />
        <Slider label="Release" unit=" ms" min={5} max={1000} step={5} value={chain.gate.releaseMs} onChange={(releaseMs) => set('gate', { releaseMs })} />
      </>
    ),
    compressor: (
      <>
        <Slider label="Threshold" unit=" dB" min={-60} max={0} step={1} value={chain.compressor.thresholdDb} onChange={(thresholdDb) => set('compressor', { thresholdDb })} />
        <Slider label="Ratio" unit=":1" min={1} max={20} step={0.5} value={chain.compressor.ratio} onChange={(ratio) => set('compressor', { ratio })} />
        <Slider label="Attack" unit=" ms" min={0} max={100} step={1} value={chain.compressor.attackMs} onChange={(attackMs) => set('compressor', { attackMs })} />
        <Slider label="Release" unit=" ms" min={10} max={1000} step={10} value={chain.compressor.releaseMs} onChange={(releaseMs) => set('compressor', { releaseMs })} />
        <Slider label="Make-up" unit=" dB" min={0} max={24} step={0.5} value={chain.compressor.makeupDb} onChange={(makeupDb) => set('compressor', { makeupDb })} />
      </>
    ),
    limiter: (
      <>
        <Slider label="Ceiling" unit=" dBFS" min={-12} max={0} step={0.5} value={chain.limiter.ceilingDb} onChange={(ceilingDb) => set('limiter', { ceilingDb })} />
        <Slider label="Release" unit=" ms" min={10} max={500} step={10} value={chain.limiter.releaseMs} onChange={(releaseMs) => set('limiter', { releaseMs })} />
      </>
    ),
  };

  const status: Partial<Record<StageId, string>> = {
    gate: activity.gateOpen ? 'open' : 'closed',
    compressor: `−${activity.compressorReductionDb.toFixed(1)} dB`,
    limiter: `−${activity.limiterReductionDb.toFixed(1)} dB`,
  };

  return (
    <ol className="chain" data-testid="chain">
      {chain.order.map((id, index) => {
        const bypass = chain[id].bypass;
        return (
          <li key={id} className={`stage ${bypass ? 'stage-bypassed' : ''}`} data-testid={`stage-${id}`}>
            <div className="stage-head">
              <span className="stage-index">{index + 1}</span>
              <span className="stage-name">{STAGE_NAMES[id]}</span>
              {!bypass && status[id] && <span className="stage-status">{status[id]}</span>}
              <label className="toggle">
                <input type="checkbox" data-testid={`stage-${id}-on`} checked={!bypass} onChange={(e) => set(id, { bypass: !e.target.checked } as Partial<ChainSettings[typeof id]>)} />
                {bypass ? 'off' : 'on'}
              </label>
              <button className="small" aria-label={`Move ${STAGE_NAMES[id]} up`} disabled={index === 0} onClick={() => move(index, -1)}>↑</button>
              <button className="small" aria-label={`Move ${STAGE_NAMES[id]} down`} disabled={index === chain.order.length - 1} onClick={() => move(index, 1)}>↓</button>
            </div>
            {!bypass && <div className="stage-params">{params[id]}</div>}
          </li>
        );
      })}
    </ol>
  );
}
