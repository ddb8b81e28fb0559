// Which database failures a retry can never cure. A write the server refuses for what it holds
// (SQLSTATE class 22, data; 23, a constraint; 42, a statement the data made invalid) fails the
// same way every time: retrying it would hold up its process forever. Everything else (a lost
// connection 08…, a shutdown 57P…, a serialization failure 40001 or a deadlock 40P01, a timeout)
// may pass on the next attempt.

/** The SQLSTATE of a PostgreSQL error, looking through the wrappers drizzle puts around it. */
export function sqlStateOf(error: unknown): string | null {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth += 1) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && /^[0-9]{2}/.test(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  return null;
}

/** True when the same write would fail again: what the activity reports as non-retryable. */
export function isPermanentFailure(error: unknown): boolean {
  const code = sqlStateOf(error);
  if (code) return /^(22|23|42)/.test(code);
  // An invalid date or number reached the write: the same input gives the same RangeError.
  return error instanceof RangeError;
}

/**
 * Promise.all for the statements of one transaction that go to the server together. When one
 * fails, PostgreSQL refuses each one after it with 25P02 (the transaction is aborted), and which
 * failure reaches the caller first depends on how many awaits lie between each statement and the
 * caller, not on the order the server ran them. What counts is the cause: every statement is
 * awaited, and the first failure other than 25P02 is thrown.
 */
export async function together<T extends readonly unknown[] | []>(statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(statements);
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  if (failures.length) throw failures.find((e) => sqlStateOf(e) !== '25P02') ?? failures[0];
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** What an audit entry and a refusal say of a failure: its SQLSTATE, never the offending text. */
export const failureCode = (error: unknown) => sqlStateOf(error) ?? 'dato_invalido';

/** An event the database refused, by its number in the process. */
export interface Rejection { seq: number; code: string }

/** The audit action that takes a refused event's place, so the trail keeps every number. */
export const refusedAction = 'registro_rechazado';
