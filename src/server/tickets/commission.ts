// The platform's commission on ticket sales, as server configuration: a low rate until a host's lifetime
// ticket earnings reach a threshold, a high rate above it (X's published terms: 3 % until $50,000,
// then 20 %). Rates are basis points; amounts integer minor units.
//
// The crossing inside one purchase is split: the part of the price that still fits under the threshold
// pays the low rate, the rest the high rate. Rounding: one rounding per purchase, half up (to the
// nearest minor unit, halves away from zero), over the exact sum of both parts:
//   fee = round_half_up((below × low + above × high) / 10 000)
// so a $1.50 ticket at 3 % pays 4.5 → 5 cents, and a split ticket never pays two roundings.

export interface CommissionSchedule {
  /** Basis points below the threshold (300 = 3 %). */
  lowRateBp: number;
  /** Basis points once lifetime earnings reach the threshold (2000 = 20 %). */
  highRateBp: number;
  /** Lifetime ticket earnings, in minor units of the ticket's currency, where the high rate starts. */
  thresholdMinor: number;
}

export const DEFAULT_COMMISSION: CommissionSchedule = { lowRateBp: 300, highRateBp: 2000, thresholdMinor: 5_000_000 };

export interface Commission {
  /** The platform's fee for this purchase. */
  feeMinor: number;
  /** The part of the price charged at the low rate. */
  belowMinor: number;
  /** The part charged at the high rate. */
  aboveMinor: number;
}

/** Divides a non-negative integer by 10 000, rounding halves up. */
function divideHalfUp(numerator: number): number {
  const quotient = Math.floor(numerator / 10_000);
  const remainder = numerator - quotient * 10_000;
  return remainder * 2 >= 10_000 ? quotient + 1 : quotient;
}

/**
 * The commission on one purchase of `amountMinor`, for a host whose lifetime earnings before it are
 * `lifetimeMinor` (same currency).
 */
export function commissionFor(schedule: CommissionSchedule, lifetimeMinor: number, amountMinor: number): Commission {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError(`amount must be a non-negative integer of minor units, got ${amountMinor}`);
  if (!Number.isSafeInteger(lifetimeMinor) || lifetimeMinor < 0) throw new RangeError(`lifetime earnings must be a non-negative integer, got ${lifetimeMinor}`);
  const room = Math.max(0, schedule.thresholdMinor - lifetimeMinor);
  const belowMinor = Math.min(amountMinor, room);
  const aboveMinor = amountMinor - belowMinor;
  const feeMinor = divideHalfUp(belowMinor * schedule.lowRateBp + aboveMinor * schedule.highRateBp);
  return { feeMinor, belowMinor, aboveMinor };
}
