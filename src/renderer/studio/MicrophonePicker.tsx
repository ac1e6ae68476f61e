// The one microphone picker: what the session reports the console engine uses ('' is the system
// default), and choosing calls the session, which switches the engine and remembers the choice.
import type { Studio } from './createStudio';
import { useStudioState } from './useStudio';

export function MicrophonePicker({ session }: { session: Studio }) {
  const { microphones, microphoneId } = useStudioState(session);
  return (
    <label>
      Microphone
      <select data-testid="mic-select" value={microphoneId} onChange={(e) => void session.chooseMicrophone(e.target.value)}>
        <option value="">System default</option>
        {microphones.map((d) => (
          <option key={d.deviceId} value={d.deviceId}>{d.label}</option>
        ))}
      </select>
    </label>
  );
}
