// Unguessable secrets for cookies, studio tokens and emailed links, and the hash the store keeps of each.
import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** A new id for an account. */
export function newAccountId(): string {
  return `acc_${randomBytes(12).toString('base64url')}`;
}
