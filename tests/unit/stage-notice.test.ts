import { describe, expect, it } from 'vitest';
import type { StageCause, StageChange } from '../../src/shared/protocol';
import type { Role } from '../../src/shared/roles';
import { stageNotice } from '../../src/renderer/ui/stageNotice';

const change = (from: Role | null, to: Role | null, cause: StageCause, memberId = 'grace'): StageChange => ({
  seq: 1, at: 0, memberId, displayName: 'Grace', from, to, cause, by: 'host',
});

describe('stageNotice', () => {
  it('tells the person themselves in their own words', () => {
    expect(stageNotice(change('listener', 'speaker', 'approved'), 'grace')).toBe('A host approved your request. You are on stage. Everyone hears you now.');
    expect(stageNotice(change('listener', 'speaker', 'invited'), 'grace')).toBe('You are on stage. Everyone hears you now.');
    expect(stageNotice(change('speaker', 'listener', 'moved_to_audience'), 'grace')).toBe('A host moved you back to the audience.');
    expect(stageNotice(change('speaker', 'listener', 'stepped_down'), 'grace')).toBe('You are back in the audience.');
    expect(stageNotice(change('speaker', 'cohost', 'promoted'), 'grace')).toBe('You are a co-host now.');
    expect(stageNotice(change('cohost', 'host', 'succession'), 'grace')).toBe('You are the host now.');
  });

  it('tells everyone else what happened to whom', () => {
    expect(stageNotice(change('listener', 'speaker', 'approved'), 'ada')).toBe('Grace is on stage.');
    expect(stageNotice(change('listener', 'speaker', 'invited'), 'ada')).toBe('Grace accepted the invitation and is on stage.');
    expect(stageNotice(change('speaker', 'listener', 'stepped_down'), 'ada')).toBe('Grace stepped down to the audience.');
    expect(stageNotice(change('cohost', 'listener', 'demoted'), 'ada')).toBe('Grace is back in the audience (no speaker seat was free).');
    expect(stageNotice(change('speaker', null, 'dropped'), 'ada')).toBe('Grace lost their connection and left the stage.');
    expect(stageNotice(change('speaker', null, 'removed'), 'ada')).toBe('Grace was removed from the space.');
    expect(stageNotice(change('speaker', null, 'left'), 'ada')).toBe('Grace left the space.');
    expect(stageNotice(change('cohost', 'host', 'host_transferred'), 'ada')).toBe('Grace is the host now.');
  });

  it('says nothing about the host opening the space or handing the role over themselves', () => {
    expect(stageNotice(change(null, 'host', 'joined'), 'ada')).toBeUndefined();
    expect(stageNotice(change('host', 'cohost', 'host_transferred', 'ada'), 'ada')).toBeUndefined();
  });
});
