declare global {
  /**
   * Whether this is the development build. Every build of the source defines it (tsup's two builds,
   * the tests' two projects, the size scripts), so each `if (__DEV__)` folds where it stands and the
   * production build leaves out what exists only to catch a developer's mistake: one copy of each check.
   */
  // eslint-disable-next-line no-var
  var __DEV__: boolean;
}

// Source bundled by something that defines nothing (a browser test's own esbuild call) is the development build.
if (typeof __DEV__ != 'boolean') globalThis.__DEV__ = true;

/**
 * The message of error `code`: `sessionwarden: ` and, in development, `problem` (what went wrong and
 * where), in production `E<code>` (docs/errors.md says what each one is). Call sites pass
 * `__DEV__ && '…'`, so that the production build carries no message.
 */
export const message = (code: number, problem: string | false): string => `sessionwarden: ${__DEV__ ? problem : `E${code}`}`;

/** An error of `code` (a `TypeError` unless said). */
export const error = (code: number, problem: string | false, Err: new (message: string) => Error = TypeError): Error => new Err(message(code, problem));

/** Throws error `code` unless `ok`. */
export const need = (ok: unknown, code: number, problem: string | false, Err?: new (message: string) => Error): void => {
  if (!ok) throw error(code, problem, Err);
};
