import { describe, expect, it } from 'vitest';
import { QueueOrder } from '../../src/server/QueueOrder';

describe('QueueOrder', () => {
  it('serves hands first come, first served, and raising again keeps the place', () => {
    const q = new QueueOrder();
    expect(q.raise('a', 0)).toBe(1);
    expect(q.raise('b', 10)).toBe(2);
    expect(q.raise('c', 20)).toBe(3);
    expect(q.raise('a', 30)).toBe(1);
    expect(q.entries().map((h) => h.memberId)).toEqual(['a', 'b', 'c']);
    expect(q.raisedAt('a')).toBe(0);
  });

  it('moves a hand one place at a time and stops at either end', () => {
    const q = new QueueOrder();
    for (const id of ['a', 'b', 'c']) q.raise(id, 0);
    expect(q.move('c', 'up')).toBe(2);
    expect(q.move('c', 'up')).toBe(1);
    expect(q.move('c', 'up')).toBe(1);
    expect(q.move('a', 'down')).toBe(3);
    expect(q.move('a', 'down')).toBe(3);
    expect(q.entries().map((h) => h.memberId)).toEqual(['c', 'b', 'a']);
    expect(q.move('nobody', 'up')).toBeUndefined();
  });

  it('closes the gap when a hand leaves', () => {
    const q = new QueueOrder();
    for (const id of ['a', 'b', 'c']) q.raise(id, 0);
    expect(q.remove('b')).toBe(true);
    expect(q.position('c')).toBe(2);
    expect(q.remove('b')).toBe(false);
  });

  it('estimates the wait from how fast the hosts have been answering', () => {
    const q = new QueueOrder();
    for (const id of ['a', 'b', 'c', 'd', 'e']) q.raise(id, 0);
    // No history yet: 90 s a turn.
    expect(q.estimateWaitMs(2, 0)).toBe(180_000);
    q.answer('a', 100_000);
    q.answer('b', 130_000);
    q.answer('c', 160_000);
    // Answers came every 30 s; position 2 waits two turns, less the 10 s since the last answer.
    expect(q.turnMs()).toBe(30_000);
    expect(q.estimateWaitMs(2, 170_000)).toBe(50_000);
    expect(q.estimateWaitMs(1, 500_000)).toBe(0);
  });
});
