// The result of a check that can fail with a reason: what every grammar, parser and policy in domain/
// returns instead of throwing on hostile input.

export type Check<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): Check<T> => ({ ok: true, value });
export const fail = <T = never>(error: string): Check<T> => ({ ok: false, error });
