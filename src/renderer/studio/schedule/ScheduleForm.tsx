// Schedule a Space (or edit one): title, description, date and time on the host's clock in their
// zone, the choice a repeated hour needs, co-hosts by handle, public or unlisted, free or ticketed
// (tickets come later), who may ask to speak. The time rules are the server's own (shared), checked
// as the host types; the server checks again.
import { useMemo, useState } from 'react';
import type { HostScheduledSpace, ScheduleInput, Visibility } from '../../../shared/schedule';
import { DEFAULT_SCHEDULE_LIMITS, startTimeRefusal, zonedToInstant } from '../../../shared/schedule-time';
import { formatStart, localTimeZone } from '../../ui/when';

export interface ScheduleFormValues {
  title: string;
  description: string;
  date: string;
  time: string;
  timeZone: string;
  offsetMinutes: number | undefined;
  cohosts: string;
  visibility: Visibility;
  requestPolicy: 'everyone' | 'invited';
}

function initial(editing: HostScheduledSpace | undefined, now: number): ScheduleFormValues {
  if (editing) {
    return {
      title: editing.title,
      description: editing.description,
      date: editing.local.date,
      time: editing.local.time,
      timeZone: editing.timeZone,
      offsetMinutes: editing.local.offsetMinutes,
      cohosts: editing.cohosts.map((c) => c.handle).join(', '),
      visibility: editing.visibility,
      requestPolicy: editing.requestPolicy,
    };
  }
  // Tomorrow at the next full hour, on this computer's clock.
  const start = new Date(now + 24 * 3_600_000);
  start.setMinutes(0, 0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    title: '',
    description: '',
    date: `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`,
    time: `${pad(start.getHours())}:00`,
    timeZone: localTimeZone(),
    offsetMinutes: undefined,
    cohosts: '',
    visibility: 'public',
    requestPolicy: 'everyone',
  };
}

export function toScheduleInput(v: ScheduleFormValues): ScheduleInput {
  return {
    title: v.title.trim(),
    description: v.description.trim(),
    start: { date: v.date, time: v.time, timeZone: v.timeZone, ...(v.offsetMinutes !== undefined ? { offsetMinutes: v.offsetMinutes } : {}) },
    cohosts: v.cohosts.split(/[\s,]+/).map((h) => h.replace(/^@/, '')).filter(Boolean),
    visibility: v.visibility,
    admission: { kind: 'free' },
    requestPolicy: v.requestPolicy,
  };
}

export function ScheduleForm({ editing, serverNow, maxDaysAhead, onSubmit, onClose }: {
  editing?: HostScheduledSpace;
  serverNow: number;
  maxDaysAhead: number;
  onSubmit: (values: ScheduleFormValues) => Promise<void>;
  onClose?: () => void;
}) {
  const [values, setValues] = useState(() => initial(editing, serverNow));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [values.timeZone]), [values.timeZone]);
  const set = (patch: Partial<ScheduleFormValues>) => setValues((v) => ({ ...v, ...patch }));

  const resolved = zonedToInstant({ date: values.date, time: values.time, timeZone: values.timeZone, ...(values.offsetMinutes !== undefined ? { offsetMinutes: values.offsetMinutes } : {}) });
  const problem = !resolved.ok
    ? resolved.code === 'ambiguous'
      ? undefined
      : resolved.reason
    : startTimeRefusal(resolved.startsAt, serverNow, { ...DEFAULT_SCHEDULE_LIMITS, maxDaysAhead });
  const ambiguous = !resolved.ok && resolved.code === 'ambiguous' ? resolved.choices : undefined;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(values);
      if (!editing) setValues(initial(undefined, serverNow));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="schedule-form" onSubmit={(e) => void submit(e)} data-testid="schedule-form">
      <label className="wide">
        Title
        <input data-testid="schedule-title" value={values.title} maxLength={120} onChange={(e) => set({ title: e.target.value })} placeholder="What is the show about?" required />
      </label>
      <label className="wide">
        Description
        <textarea data-testid="schedule-description" value={values.description} maxLength={1000} onChange={(e) => set({ description: e.target.value })} placeholder="Guests, topics, what listeners can expect" />
      </label>
      <label>
        Date
        <input data-testid="schedule-date" type="date" value={values.date} onChange={(e) => set({ date: e.target.value, offsetMinutes: undefined })} required />
      </label>
      <label>
        Time
        <input data-testid="schedule-time" type="time" value={values.time} onChange={(e) => set({ time: e.target.value, offsetMinutes: undefined })} required />
      </label>
      <label className="wide">
        Time zone
        <select data-testid="schedule-zone" value={values.timeZone} onChange={(e) => set({ timeZone: e.target.value, offsetMinutes: undefined })}>
          {zones.map((z) => (
            <option key={z} value={z}>{z}</option>
          ))}
        </select>
      </label>
      {ambiguous && (
        <label className="wide">
          {values.time} happens twice that day (the clocks go back). Which one?
          <select data-testid="schedule-offset" value={values.offsetMinutes ?? ''} onChange={(e) => set({ offsetMinutes: e.target.value === '' ? undefined : Number(e.target.value) })}>
            <option value="">Choose…</option>
            {ambiguous.map((c, i) => (
              <option key={c.offsetMinutes} value={c.offsetMinutes}>{i === 0 ? 'The first' : 'The second'} ({c.label})</option>
            ))}
          </select>
        </label>
      )}
      <p className={`wide ${problem ? 'form-problem' : 'form-hint'}`} data-testid="schedule-when">
        {problem ?? (resolved.ok ? `Starts ${formatStart(resolved.startsAt, values.timeZone)} (${formatStart(resolved.startsAt, 'UTC')})` : 'Choose which of the two times you mean.')}
      </p>
      <label className="wide">
        Co-hosts (handles, optional)
        <input data-testid="schedule-cohosts" value={values.cohosts} onChange={(e) => set({ cohosts: e.target.value })} placeholder="@grace, @linus" />
      </label>
      <label>
        Listing
        <select data-testid="schedule-visibility" value={values.visibility} onChange={(e) => set({ visibility: e.target.value as Visibility })}>
          <option value="public">Public: in the directory</option>
          <option value="unlisted">Unlisted: link only</option>
        </select>
      </label>
      <label>
        Admission
        <select data-testid="schedule-admission" value="free" onChange={() => undefined}>
          <option value="free">Free</option>
          <option value="ticketed" disabled>Ticketed (coming with ticket sales)</option>
        </select>
      </label>
      <label className="wide">
        Who can ask to speak
        <select value={values.requestPolicy} onChange={(e) => set({ requestPolicy: e.target.value as 'everyone' | 'invited' })}>
          <option value="everyone">Everyone</option>
          <option value="invited">Only people I invite</option>
        </select>
      </label>
      {error && <p className="wide form-problem" role="alert" data-testid="schedule-error">{error}</p>}
      <div className="wide actions">
        <button className="primary" data-testid="schedule-submit" disabled={busy || Boolean(problem) || Boolean(ambiguous && values.offsetMinutes === undefined) || !values.title.trim()}>
          {editing ? 'Save changes' : 'Schedule'}
        </button>
        {onClose && <button type="button" onClick={onClose}>Close</button>}
      </div>
    </form>
  );
}
