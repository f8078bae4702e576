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
 * What went wrong: in development the message (what, and where), in production the code that
 * docs/errors.md explains. Every call site passes `__DEV__ ? '…' : code`, so each build carries one of the two.
 */
export type Problem = string | number;

/** `sessionwarden: ` and the problem: the message, or `E<code>`. */
export const message = (problem: Problem): string => `sessionwarden: ${__DEV__ ? problem : `E${problem}`}`;

/** An error of `problem` (a `TypeError` unless said). */
export const error = (problem: Problem, Err: new (message: string) => Error = TypeError): Error => new Err(message(problem));

/** Throws the error of `problem` unless `ok`. */
export const need = (ok: unknown, problem: Problem, Err?: new (message: string) => Error): void => {
  if (!ok) throw error(problem, Err);
};
