// Field schemas several features share: ids, names, titles, the empty answer.
import { z } from 'zod';

export const Id = z.string().min(1).max(64);

/** One line of text a person typed: trimmed, not empty, bounded, no control characters. */
function lineOfText(what: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} has at most ${max} characters`)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), `${what} cannot hold control characters`);
}

export const DisplayNameSchema = lineOfText('a name', 48);
export const SpaceTitleSchema = lineOfText('a title', 120);

/** The data of a request that acts on one person in the Space. */
export const MemberTarget = z.strictObject({ memberId: Id });

export const NoData = z.strictObject({});
/** The answer of a request that only says it was done. */
export const Done = z.object({});
