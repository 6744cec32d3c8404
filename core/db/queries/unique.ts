/** Whether a driver error (pg or PGlite) is a unique-constraint violation on the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: string; constraint?: string } | undefined;
  return e?.code === '23505' && e.constraint === constraint;
}
