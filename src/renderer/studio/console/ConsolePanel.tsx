// The production console: devices, the processing chain, meters, voice activity, monitoring, speakers on
// stage, presets and shortcuts. Rendering only: the ConsoleEngine does the audio, the StudioSession owns
// device choice, the console's settings and presets, markers and the shortcut router; this panel shows
// their state and calls them.
import { useEffect, useState } from 'react';
import { BUILT_IN_PRESETS, type ConsoleSettings } from '../../../shared/console-settings';
import type { ConsoleEngine } from '../../audio/engine/ConsoleEngine';
import type { RemoteSpeaker } from '../../audio/engine/RemoteSpeakers';
import { formatClock } from '../../ui/format';
import { Meter } from '../../ui/Meter';
import type { Studio } from '../createStudio';
import { MicrophonePicker } from '../MicrophonePicker';
import { formatCombo } from '../shortcuts/combos';
import { useShortcuts, useStudioState } from '../useStudio';
import { ChainEditor } from './ChainEditor';
import './console.css';

export interface ConsolePanelProps {
  session: Studio;
  engine: ConsoleEngine;
}

const HEADPHONES = /head(phone|set)|earbud|airpods|buds/i;


function useEngine<T>(engine: ConsoleEngine, read: () => T, events: Array<Parameters<ConsoleEngine['on']>[0]>): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    setValue(read());
    const offs = events.map((event) => engine.on(event, () => setValue(read())));
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- read and events are fixed per call site; resubscribe only for a new engine
  }, [engine]);
  return value;
}

export function ConsolePanel({ session, engine }: ConsolePanelProps) {
  const { outputs, outputId, markers, presets, pushToTalkHeld: pttHeld } = useStudioState(session);
  const router = session.shortcuts;
  useShortcuts(router);
  const consoleSettings = useEngine(engine, () => engine.settings, ['settings']);
  const speaking = useEngine(engine, () => engine.voice.speaking, ['speaking']);
  const activity = useEngine(engine, () => engine.activity, ['activity']);
  const [remotes, setRemotes] = useState<RemoteSpeaker[]>(engine.remotes.list());
  const [, tick] = useState(0);

  useEffect(() => engine.remotes.on('changed', setRemotes), [engine]);
  // Talk times and the activity readout move every second without any event.
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);

  const apply = (next: ConsoleSettings) => session.configureConsole(next);

  const outputLabel = outputs.find((d) => d.deviceId === outputId)?.label ?? 'System default';
  const capturing = router.capturing;
  const onSpeakers = consoleSettings.listeningOn === 'speakers' || !HEADPHONES.test(outputLabel);
  const talking = engine.talking;

  return (
    <div className="console-panel" data-testid="console-panel">
      <section className="console-block devices">
        <h3>Devices</h3>
        <MicrophonePicker session={session} />
        <label>
          You hear the Space on
          <select data-testid="console-output" value={outputId} onChange={(e) => void session.chooseOutput(e.target.value)}>
            <option value="">System default</option>
            {outputs.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label="What you listen on">
          {(['headphones', 'speakers'] as const).map((where) => (
            <button key={where} className={consoleSettings.listeningOn === where ? 'selected' : ''} data-testid={`listening-${where}`} onClick={() => void session.setListeningOn(where)}>
              {where === 'headphones' ? 'Headphones' : 'Speakers'}
            </button>
          ))}
        </div>
        <div className="browser-processing">
          <span className="hint">Browser processing (before the chain):</span>
          {(['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const).map((key) => (
            <label key={key} className="toggle">
              <input type="checkbox" data-testid={`browser-${key}`} disabled={consoleSettings.musicMode} checked={consoleSettings.browser[key] && !consoleSettings.musicMode} onChange={(e) => void apply({ ...consoleSettings, browser: { ...consoleSettings.browser, [key]: e.target.checked } })} />
              {key === 'echoCancellation' ? 'Echo cancellation' : key === 'noiseSuppression' ? 'Noise suppression' : 'Auto gain'}
            </label>
          ))}
        </div>
        <label className="toggle music-mode">
          <input type="checkbox" data-testid="music-mode" checked={consoleSettings.musicMode} onChange={(e) => void apply({ ...consoleSettings, musicMode: e.target.checked })} />
          Music mode: stereo at 128 kbps, no voice processing (only the limiter)
        </label>
        <label className="toggle low-latency">
          <input type="checkbox" data-testid="low-latency" checked={consoleSettings.lowLatency} onChange={(e) => void apply({ ...consoleSettings, lowLatency: e.target.checked })} />
          Low latency: 10 ms packets (about 10 ms sooner to listeners, twice the packets)
        </label>
        {consoleSettings.musicMode && onSpeakers && (
          <p className="warning" role="alert" data-testid="music-mode-warning">Music mode turns echo cancellation off: on speakers, the Space echoes back through your microphone. Use headphones.</p>
        )}
      </section>

      <section className="console-block meters">
        <h3>Levels</h3>
        <Meter tap={engine.inputMeter} label="Mic in" testId="meter-input" />
        <Meter tap={engine.processedMeter} label="To stage" testId="meter-processed" />
        <div className="voice-row">
          <span className={`speaking-dot ${speaking ? 'on' : ''}`} data-testid="speaking-indicator" data-speaking={String(speaking)} />
          <span>{speaking ? 'Speaking' : 'Not speaking'}</span>
          <span className={`talk-state ${talking ? '' : 'off'}`} data-testid="talk-state">{talking ? 'mic open' : consoleSettings.pushToTalk ? `hold ${formatCombo(router.comboOf('pushToTalk'))} to talk` : 'mic closed'}</span>
          {pttHeld && <span className="ptt">PTT</span>}
        </div>
        <label className="toggle">
          <input type="checkbox" data-testid="voice-gate" checked={consoleSettings.voiceGate} onChange={(e) => void apply({ ...consoleSettings, voiceGate: e.target.checked })} />
          Voice gate: close the mic between phrases
        </label>
        <label className="toggle">
          <input type="checkbox" data-testid="push-to-talk" checked={consoleSettings.pushToTalk} onChange={(e) => void apply({ ...consoleSettings, pushToTalk: e.target.checked })} />
          Push to talk
        </label>
        <div className="monitor">
          <label className="toggle">
            <input type="checkbox" data-testid="monitor" checked={consoleSettings.monitor.enabled} onChange={(e) => void apply({ ...consoleSettings, monitor: { ...consoleSettings.monitor, enabled: e.target.checked } })} />
            Hear yourself (processed)
          </label>
          <input type="range" aria-label="Monitor volume" min={0} max={1} step={0.05} value={consoleSettings.monitor.volume} onChange={(e) => void apply({ ...consoleSettings, monitor: { ...consoleSettings.monitor, volume: Number(e.target.value) } })} />
          {consoleSettings.monitor.enabled && onSpeakers && (
            <p className="warning" role="alert">On speakers, hearing yourself feeds back into the microphone. Use headphones.</p>
          )}
        </div>
      </section>

      <section className="console-block chain-block">
        <div className="chain-title">
          <h3>Processing chain</h3>
          <select data-testid="preset" value={consoleSettings.presetName} onChange={(e) => void session.choosePreset(e.target.value)}>
            <optgroup label="Presets">{BUILT_IN_PRESETS.map((p) => <option key={p.name}>{p.name}</option>)}</optgroup>
            {presets.length > 0 && <optgroup label="Yours">{presets.map((p) => <option key={p.name}>{p.name}</option>)}</optgroup>}
            {![...BUILT_IN_PRESETS, ...presets].some((p) => p.name === consoleSettings.presetName) && <option>{consoleSettings.presetName}</option>}
          </select>
          <button className="small" onClick={() => void session.savePreset()}>Save as…</button>
        </div>
        <ChainEditor chain={consoleSettings.chain} activity={activity} onChange={(chain) => void apply({ ...consoleSettings, chain, presetName: consoleSettings.presetName.endsWith(' (edited)') ? consoleSettings.presetName : `${consoleSettings.presetName} (edited)` })} />
        {consoleSettings.musicMode && <p className="hint" data-testid="music-mode-chain">Music mode: only the limiter runs, on both channels; the rest of the chain waits until you turn it off.</p>}
        <p className="hint">What leaves the chain is what the Stage hears and what is recorded.</p>
      </section>

      <section className="console-block speakers">
        <h3>Speakers on stage</h3>
        {remotes.length === 0 && <p className="hint">Nobody else is on stage yet.</p>}
        <ul>
          {remotes.map((r) => (
            <li key={r.memberId} className="remote" data-testid="remote-speaker">
              <span className={`ring ${r.activity.speaking ? 'on' : ''}`}>{r.displayName.slice(0, 1).toUpperCase()}</span>
              <span className="remote-name">{r.displayName}</span>
              <Meter tap={r.meter} label={r.displayName} loudness={false} compact />
              <span className="talk-time" title="Talk time">{formatClock(r.activity.talkTimeMs / 1000)}</span>
            </li>
          ))}
        </ul>
      </section>

      <section className="console-block shortcuts">
        <h3>Shortcuts</h3>
        <table>
          <tbody>
            {router.bindings().map(({ id, label }) => (
              <tr key={id}>
                <td>{label}</td>
                <td><kbd data-testid={`shortcut-${id}`}>{capturing === id ? 'press a key…' : formatCombo(router.comboOf(id))}</kbd></td>
                <td>
                  <button className="small" onClick={() => router.capture(capturing === id ? undefined : id)}>{capturing === id ? 'Cancel' : 'Change'}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {markers.length > 0 && (
          <p className="markers" data-testid="markers">
            Markers: {markers.map((at) => formatClock(at)).join(', ')}
          </p>
        )}
      </section>
    </div>
  );
}
