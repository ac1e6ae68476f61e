// Recognises a unique-constraint violation from either database, so callers can answer "taken".
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // PostgreSQL's unique_violation, SQLite's constraint codes (better-sqlite3 puts them in `code`).
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
