// Which build of the library this run tests (vitest.config.ts's projects define `__DEV__`), and what
// bad input must give on it: in development the whole message; in production, where only the checks
// that guard the session run, its coded error (docs/errors.md) or nothing at all.
import { expect } from 'vitest';
import '../src/errors';

/** Whether this run tests the development build. */
export const DEV = __DEV__;

/**
 * Asserts what `act` does with bad input: in development it throws `Err` with `devMessage`; in
 * production it throws `Err` with `sessionwarden: E<code>`, or, with `code` `null`, it does not throw
 * (a check that exists only for the developer), and `after` (if given) shows the session unharmed.
 */
export function expectBadInput(act: () => unknown, Err: new (...args: never[]) => Error, devMessage: RegExp | string, code: number | null): void {
  if (DEV) {
    expect(act).toThrow(Err);
    expect(act).toThrow(devMessage);
    expect(act).toThrow(/^sessionwarden: /);
  } else if (code === null) {
    expect(act).not.toThrow();
  } else {
    expect(act).toThrow(Err);
    expect(act).toThrow(new RegExp(`^sessionwarden: E${code}$`));
  }
}

/** The message of an error the session reported (in an `'error'` event, or a rejection): development's whole message, production's code. */
export function expectMessage(message: unknown, devMessage: RegExp, code: number): void {
  if (DEV) expect(String(message)).toMatch(devMessage);
  // An error object reads as `TypeError: sessionwarden: E…`, a message as `sessionwarden: E…`.
  else expect(String(message)).toMatch(new RegExp(`^(\\w+: )?sessionwarden: E${code}$`));
}
