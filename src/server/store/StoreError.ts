// What the store throws when it cannot serve (as opposed to a row not being there, which is `undefined`).
export type StoreErrorCode = 'newer_database' | 'migration_failed' | 'unreachable' | 'conflict';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
