// The commission schedule: 3 % until a host's lifetime earnings reach $50,000, then 20 %; the crossing
// inside one purchase split at the threshold; one half-up rounding per purchase.
import { describe, expect, it } from 'vitest';
import { commissionFor, DEFAULT_COMMISSION } from '../../src/server/tickets/commission';

describe('commissionFor()', () => {
  it('takes 3 % below the threshold and 20 % above it', () => {
    expect(commissionFor(DEFAULT_COMMISSION, 0, 1000)).toEqual({ feeMinor: 30, belowMinor: 1000, aboveMinor: 0 });
    expect(commissionFor(DEFAULT_COMMISSION, 5_000_000, 1000)).toEqual({ feeMinor: 200, belowMinor: 0, aboveMinor: 1000 });
    expect(commissionFor(DEFAULT_COMMISSION, 9_000_000, 99_900).feeMinor).toBe(19_980);
  });

  it('splits a purchase that crosses the threshold: the part under it at 3 %, the rest at 20 %', () => {
    // $49,990.00 earned, a $25.00 ticket: $10.00 at 3 % (30 ¢) + $15.00 at 20 % ($3.00) = $3.30.
    const c = commissionFor(DEFAULT_COMMISSION, 4_999_000, 2500);
    expect(c).toEqual({ feeMinor: 330, belowMinor: 1000, aboveMinor: 1500 });
    // Reaching the threshold exactly is all low rate; the next cent is high rate.
    expect(commissionFor(DEFAULT_COMMISSION, 4_997_500, 2500)).toEqual({ feeMinor: 75, belowMinor: 2500, aboveMinor: 0 });
    expect(commissionFor(DEFAULT_COMMISSION, 4_997_501, 2500)).toEqual({ feeMinor: 75, belowMinor: 2499, aboveMinor: 1 });
  });

  it('rounds once per purchase, halves up, over the exact sum of both parts', () => {
    // 3 % of 150 ¢ is 4.5 ¢ → 5; of 149 ¢ is 4.47 → 4; of 117 ¢ is 3.51 → 4; of 183 ¢ is 5.49 → 5.
    expect(commissionFor(DEFAULT_COMMISSION, 0, 150).feeMinor).toBe(5);
    expect(commissionFor(DEFAULT_COMMISSION, 0, 149).feeMinor).toBe(4);
    expect(commissionFor(DEFAULT_COMMISSION, 0, 117).feeMinor).toBe(4);
    expect(commissionFor(DEFAULT_COMMISSION, 0, 183).feeMinor).toBe(5);
    // A split $1.99 ticket: 101 ¢ at 3 % (3.03) + 98 ¢ at 20 % (19.6) = 22.63 → 23 (rounding each part would say 3 + 20).
    expect(commissionFor(DEFAULT_COMMISSION, 4_999_899, 199)).toEqual({ feeMinor: 23, belowMinor: 101, aboveMinor: 98 });
    // 20 % of 1 ¢ is 0.2 → 0; 3 % of 50 ¢ is 1.5 → 2.
    expect(commissionFor(DEFAULT_COMMISSION, 6_000_000, 1).feeMinor).toBe(0);
    expect(commissionFor(DEFAULT_COMMISSION, 0, 50).feeMinor).toBe(2);
  });

  it('follows a configured schedule and refuses amounts that are not whole minor units', () => {
    expect(commissionFor({ lowRateBp: 500, highRateBp: 1000, thresholdMinor: 100 }, 50, 100)).toEqual({ feeMinor: 8, belowMinor: 50, aboveMinor: 50 });
    expect(() => commissionFor(DEFAULT_COMMISSION, 0, 10.5)).toThrow(RangeError);
    expect(() => commissionFor(DEFAULT_COMMISSION, -1, 100)).toThrow(RangeError);
  });
});
