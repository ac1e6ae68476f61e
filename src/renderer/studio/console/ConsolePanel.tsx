// The production console: devices, the processing chain, meters, voice activity, monitoring, speakers on
// stage, presets and shortcuts. Rendering only: the ConsoleEngine does the audio and owns the state.
import { useEffect, useState } from 'react';
import {
  BUILT_IN_PRESETS,
  SHORTCUT_ACTIONS,
  type ConsoleSettings,
  type ShortcutAction,
  type Shortcuts,
  type UserPreset,
} from '../../../shared/console-settings';
import type { Settings } from '../../../shared/settings';
import type { StudioApi } from '../../../shared/studio-api';
import type { ConsoleEngine } from '../../audio/engine/ConsoleEngine';
import type { AudioDevice, DeviceLists } from '../../audio/engine/devices';
import type { RemoteSpeaker } from '../../audio/engine/RemoteSpeakers';
import { ChainEditor } from './ChainEditor';
import { formatClock } from '../../ui/format';
import { Meter } from '../../ui/Meter';
import { actionFor, comboFromEvent, conflictFor, formatCombo, isTyping, SHORTCUT_LABELS } from './shortcuts';
import './console.css';

export interface ConsolePanelProps {
  engine: ConsoleEngine;
  studio: StudioApi;
  settings: Settings;
  /** Mutes the host on the Stage (server side); absent before going live. */
  onMuteSelf?: () => void;
  /** Approves the first raised hand in the speaker queue; absent before going live. */
  onApproveNext?: () => void;
  /** Mutes everyone on stage the host may act on; absent before going live. */
  onMuteAll?: () => void;
  /** When the Space started (ms since epoch), for marker times. */
  startedAt?: number;
}

const HEADPHONES = /head(phone|set)|earbud|airpods|buds/i;


function useEngine<T>(engine: ConsoleEngine, read: () => T, events: Array<Parameters<ConsoleEngine['on']>[0]>): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    setValue(read());
    const offs = events.map((event) => engine.on(event, () => setValue(read())));
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine]);
  return value;
}

export function ConsolePanel({ engine, studio, settings, onMuteSelf, onApproveNext, onMuteAll, startedAt }: ConsolePanelProps) {
  const consoleSettings = useEngine(engine, () => engine.settings, ['settings']);
  const lists = useEngine<DeviceLists>(engine, () => engine.devices.lists, ['devices']);
  const input = useEngine<AudioDevice | undefined>(engine, () => engine.microphone.device, ['input']);
  const speaking = useEngine(engine, () => engine.voice.speaking, ['speaking']);
  const activity = useEngine(engine, () => engine.activity, ['activity']);
  const [outputId, setOutputId] = useState(engine.outputDeviceId);
  const [remotes, setRemotes] = useState<RemoteSpeaker[]>(engine.remotes.list());
  const [shortcuts, setShortcuts] = useState<Shortcuts>(settings.shortcuts);
  const [presets, setPresets] = useState<UserPreset[]>(settings.consolePresets);
  const [markers, setMarkers] = useState<number[]>([]);
  const [capturing, setCapturing] = useState<ShortcutAction>();
  const [pttHeld, setPttHeld] = useState(false);
  const [, tick] = useState(0);

  useEffect(() => engine.remotes.on('changed', setRemotes), [engine]);
  // Talk times and the activity readout move every second without any event.
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);

  async function apply(next: ConsoleSettings) {
    await engine.configure(next);
    await studio.updateSettings({ console: next }).catch(() => undefined);
  }

  // Shortcuts: one listener on the window; typing in a field never triggers them.
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (capturing) {
        const combo = comboFromEvent(e);
        if (!combo) return;
        e.preventDefault();
        const taken = conflictFor(combo, capturing, shortcuts);
        const next = { ...shortcuts, ...(taken ? { [taken]: null } : {}), [capturing]: combo };
        setShortcuts(next);
        setCapturing(undefined);
        void studio.updateSettings({ shortcuts: next }).catch(() => undefined);
        return;
      }
      if (isTyping(e.target)) return;
      const action = actionFor(e, shortcuts);
      if (!action) return;
      e.preventDefault();
      if (action === 'pushToTalk') {
        if (!e.repeat) {
          engine.setPushToTalkHeld(true);
          setPttHeld(true);
        }
      } else if (!e.repeat && action === 'muteSelf') onMuteSelf?.();
      else if (!e.repeat && action === 'approveNextRequest') onApproveNext?.();
      else if (!e.repeat && action === 'muteAll') onMuteAll?.();
      else if (!e.repeat && action === 'addMarker') setMarkers((m) => [...m, Date.now()]);
    };
    const up = (e: KeyboardEvent) => {
      if (actionFor(e, shortcuts) === 'pushToTalk') {
        engine.setPushToTalkHeld(false);
        setPttHeld(false);
      }
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [capturing, shortcuts, engine, onMuteSelf, onApproveNext, onMuteAll, studio]);

  async function chooseInput(id: string) {
    const device = lists.inputs.find((d) => d.deviceId === id);
    await engine.setInput(device);
    await studio.updateSettings({ inputDevice: device ? { deviceId: device.deviceId, label: device.label } : null });
  }

  async function chooseOutput(id: string) {
    const device = lists.outputs.find((d) => d.deviceId === id);
    await engine.setOutput(device);
    setOutputId(device?.deviceId ?? '');
    await studio.updateSettings({ outputDevice: device ? { deviceId: device.deviceId, label: device.label } : null });
  }

  function choosePreset(name: string) {
    const preset = [...BUILT_IN_PRESETS, ...presets].find((p) => p.name === name);
    if (preset) void apply({ ...consoleSettings, chain: structuredClone(preset.chain), presetName: preset.name });
  }

  async function savePreset() {
    const name = window.prompt('Name this preset', consoleSettings.presetName.startsWith('My ') ? consoleSettings.presetName : 'My voice')?.trim();
    if (!name || BUILT_IN_PRESETS.some((p) => p.name === name)) return;
    const next = [...presets.filter((p) => p.name !== name), { name, chain: consoleSettings.chain }];
    setPresets(next);
    await studio.updateSettings({ consolePresets: next });
    await apply({ ...consoleSettings, presetName: name });
  }

  const outputLabel = lists.outputs.find((d) => d.deviceId === outputId)?.label ?? 'System default';
  const onSpeakers = consoleSettings.listeningOn === 'speakers' || !HEADPHONES.test(outputLabel);
  const talking = engine.talking;

  return (
    <div className="console-panel" data-testid="console-panel">
      <section className="console-block devices">
        <h3>Devices</h3>
        <label>
          Microphone
          <select data-testid="console-input" value={input?.deviceId ?? ''} onChange={(e) => void chooseInput(e.target.value)}>
            <option value="">System default</option>
            {lists.inputs.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
          </select>
        </label>
        <label>
          You hear the Space on
          <select data-testid="console-output" value={outputId} onChange={(e) => void chooseOutput(e.target.value)}>
            <option value="">System default</option>
            {lists.outputs.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label="What you listen on">
          {(['headphones', 'speakers'] as const).map((where) => (
            <button key={where} className={consoleSettings.listeningOn === where ? 'selected' : ''} data-testid={`listening-${where}`} onClick={() => void engine.setListeningOn(where).then(() => studio.updateSettings({ console: engine.settings }))}>
              {where === 'headphones' ? 'Headphones' : 'Speakers'}
            </button>
          ))}
        </div>
        <div className="browser-processing">
          <span className="hint">Browser processing (before the chain):</span>
          {(['echoCancellation', 'noiseSuppression', 'autoGainControl'] as const).map((key) => (
            <label key={key} className="toggle">
              <input type="checkbox" data-testid={`browser-${key}`} checked={consoleSettings.browser[key]} onChange={(e) => void apply({ ...consoleSettings, browser: { ...consoleSettings.browser, [key]: e.target.checked } })} />
              {key === 'echoCancellation' ? 'Echo cancellation' : key === 'noiseSuppression' ? 'Noise suppression' : 'Auto gain'}
            </label>
          ))}
        </div>
      </section>

      <section className="console-block meters">
        <h3>Levels</h3>
        <Meter tap={engine.inputMeter} label="Mic in" testId="meter-input" />
        <Meter tap={engine.processedMeter} label="To stage" testId="meter-processed" />
        <div className="voice-row">
          <span className={`speaking-dot ${speaking ? 'on' : ''}`} data-testid="speaking-indicator" data-speaking={String(speaking)} />
          <span>{speaking ? 'Speaking' : 'Not speaking'}</span>
          <span className={`talk-state ${talking ? '' : 'off'}`} data-testid="talk-state">{talking ? 'mic open' : consoleSettings.pushToTalk ? `hold ${formatCombo(shortcuts.pushToTalk)} to talk` : 'mic closed'}</span>
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
          <select data-testid="preset" value={consoleSettings.presetName} onChange={(e) => choosePreset(e.target.value)}>
            <optgroup label="Presets">{BUILT_IN_PRESETS.map((p) => <option key={p.name}>{p.name}</option>)}</optgroup>
            {presets.length > 0 && <optgroup label="Yours">{presets.map((p) => <option key={p.name}>{p.name}</option>)}</optgroup>}
            {![...BUILT_IN_PRESETS, ...presets].some((p) => p.name === consoleSettings.presetName) && <option>{consoleSettings.presetName}</option>}
          </select>
          <button className="small" onClick={() => void savePreset()}>Save as…</button>
        </div>
        <ChainEditor chain={consoleSettings.chain} activity={activity} onChange={(chain) => void apply({ ...consoleSettings, chain, presetName: consoleSettings.presetName.endsWith(' (edited)') ? consoleSettings.presetName : `${consoleSettings.presetName} (edited)` })} />
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
            {SHORTCUT_ACTIONS.map((action) => (
              <tr key={action}>
                <td>{SHORTCUT_LABELS[action]}</td>
                <td><kbd>{capturing === action ? 'press a key…' : formatCombo(shortcuts[action])}</kbd></td>
                <td>
                  <button className="small" onClick={() => setCapturing(capturing === action ? undefined : action)}>{capturing === action ? 'Cancel' : 'Change'}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {markers.length > 0 && (
          <p className="markers" data-testid="markers">
            Markers: {markers.map((t) => formatClock((t - (startedAt ?? markers[0]!)) / 1000)).join(', ')}
          </p>
        )}
      </section>
    </div>
  );
}
