// The run of show on a hand-moved clock: segments, Next segment, the countdown turning amber in the
// last minute and red when over, the show's planned end, and edits during the show.
import { beforeEach, describe, expect, it } from 'vitest';
import { RunOfShow } from '../../src/renderer/studio/RunOfShow';
import type { Segment } from '../../src/shared/run-of-show';
import { ManualClock } from '../support/studioSession';

const PLAN: Segment[] = [
  { id: 'intro', title: 'Intro', plannedSeconds: 120 },
  { id: 'guest', title: 'Guest', plannedSeconds: 900 },
  { id: 'qa', title: 'Q&A', plannedSeconds: 600 },
];

describe('RunOfShow', () => {
  const ctx = {} as { clock: ManualClock; show: RunOfShow; started: string[] };
  beforeEach(() => {
    ctx.clock = new ManualClock();
    ctx.show = new RunOfShow(ctx.clock);
    ctx.started = [];
    ctx.show.on('segmentstarted', (segment, index) => ctx.started.push(`${index}:${segment.title}`));
    ctx.show.setSegments(PLAN);
  });

  it('runs nothing until Next segment; then counts the first one down, with the show’s planned end', () => {
    const { show, clock } = ctx;
    expect(show.state).toMatchObject({ current: -1, leftSeconds: undefined, clock: undefined, hasNext: true });
    const start = clock.now();
    expect(show.next()).toBe(true);
    expect(ctx.started).toEqual(['0:Intro']);
    expect(show.state).toMatchObject({ current: 0, startedAt: start, leftSeconds: 120, clock: 'on-time', plannedEndAt: start + (120 + 900 + 600) * 1000 });
    clock.advance(30_000);
    expect(show.state.leftSeconds).toBe(90);
  });

  it('turns amber in the last minute and red when over; the planned end slides while over', () => {
    const { show, clock } = ctx;
    show.next();
    const states: string[] = [];
    show.on('state', (s) => states.push(s.clock!));
    clock.advance(59_000);
    expect(show.state).toMatchObject({ leftSeconds: 61, clock: 'on-time' });
    clock.advance(2_000);
    expect(show.state).toMatchObject({ leftSeconds: 59, clock: 'last-minute' });
    clock.advance(59_000);
    expect(show.state).toMatchObject({ leftSeconds: 0, clock: 'over' });
    clock.advance(30_000);
    expect(show.state).toMatchObject({ leftSeconds: -30, clock: 'over', plannedEndAt: clock.now() + (900 + 600) * 1000 });
    // The ticks (four a second) drove those states, in order, without being asked.
    expect(states.indexOf('last-minute')).toBeGreaterThan(0);
    expect(states.lastIndexOf('on-time')).toBeLessThan(states.indexOf('last-minute'));
    expect(states.at(-1)).toBe('over');
  });

  it('Next segment moves on until the last, then refuses; finishing stops the clock', () => {
    const { show, clock } = ctx;
    show.next();
    clock.advance(150_000);
    expect(show.next()).toBe(true);
    expect(show.state).toMatchObject({ current: 1, leftSeconds: 900, clock: 'on-time' });
    expect(show.next()).toBe(true);
    expect(show.state.hasNext).toBe(false);
    expect(show.next()).toBe(false);
    expect(ctx.started).toEqual(['0:Intro', '1:Guest', '2:Q&A']);
    expect(clock.timers).toBe(1);
    show.finish();
    expect(clock.timers).toBe(0);
    expect(show.state.current).toBe(-1);
  });

  it('takes edits during the show: the running segment keeps running, and a bad edit changes nothing', () => {
    const { show } = ctx;
    show.next();
    show.next();
    show.setSegments([{ id: 'cold', title: 'Cold open', plannedSeconds: 30 }, ...PLAN]);
    expect(show.state.current).toBe(2);
    expect(show.state.segments[show.state.current]!.title).toBe('Guest');
    expect(() => show.setSegments([{ id: 'x', title: '  ', plannedSeconds: 60 }])).toThrow('a segment needs a title');
    expect(() => show.setSegments([{ id: 'x', title: 'Long', plannedSeconds: 0 }])).toThrow('at least a second');
    expect(show.state.segments).toHaveLength(4);
  });
});
