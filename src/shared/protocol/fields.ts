// Field schemas several features share: ids, names, titles, the empty answer.
import { z } from 'zod';

export const Id = z.string().min(1).max(64);

export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(48, 'a name has at most 48 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a name cannot hold control characters');

export const SpaceTitleSchema = z
  .string()
  .trim()
  .min(1, 'a title is required')
  .max(120, 'a title has at most 120 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a title cannot hold control characters');

/** The data of a request that acts on one person in the Space. */
export const MemberTarget = z.strictObject({ memberId: Id });

export const NoData = z.strictObject({});
/** The answer of a request that only says it was done. */
export const Done = z.object({});
