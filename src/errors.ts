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
 * Every error the library makes, by code: the development build throws the message (`$1`, `$2` are
 * its arguments), the production build `sessionwarden: E<code>` (docs/errors.md has each one). The
 * messages of durations name the option; the check adds what it must be.
 */
export const MESSAGES: Record<number, string> = !__DEV__ ? {} : {
  1: 'options must be an object',
  2: 'unknown option `$1` (did you mean `$2`?)',
  3: 'option `idleTimeout`',
  4: 'option `warnBefore`',
  5: 'option `warnBefore` must be less than `idleTimeout`',
  6: 'option `activity` must be an array of sources',
  7: 'option `signals` must be an array of signals',
  8: 'option `storageKey` must be a non-empty string',
  9: 'option `permissions` must be role → permission arrays',
  10: 'option `sampleInterval`',
  11: 'option `now` must be a function',
  12: '$1 got an unknown event "$2"',
  13: 'on() and off() take a handler function',
  14: 'subscribe() takes a function',
  15: 'hasRole() takes a string',
  16: 'can() takes a string',
  17: 'start() needs a browser: there is no `document` here',
  20: 'option `$1` takes $2 now',
  21: 'option `$1` moved into $2',
  22: 'option `crossTab` must be a boolean or a channel name',
  23: 'refresh() needs the `refresh` option: tokenRefresh(yourRefresh)',
  30: "option `clockSkew` must be a finite number or 'auto'",
  31: 'option `expiresAt` must be a finite epoch-ms number',
  32: 'option `roles` must be a function',
  33: 'option `roles` must return strings',
  34: 'option `token` got a malformed JWT: $1',
  35: 'setToken() got a malformed JWT: $1',
  36: 'refresh() got a malformed JWT: $1',
  37: 'a message from another tab got a malformed JWT: $1',
  40: 'tokenRefresh() must be given your refresh function',
  41: 'tokenRefresh() option `timeout`',
  42: 'tokenRefresh() option `before`',
  43: 'tokenRefresh() option `before` must be at least `warnBefore` ($1 ms), or a token warning comes first',
  44: 'refresh() still pending after $1 ms, abandoned (it must not ask for the lock "$2:refresh")',
  45: 'tokenRefresh() is not attached to a session',
  50: 'serverCheck() must be given a `url` or a `request`',
  51: 'serverCheck() option `url` must be a string',
  52: 'serverCheck() option `request` must be a function',
  53: 'serverCheck() option `interval`',
  54: 'serverCheck() url was redirected to $1',
  60: 'beforeExpire() must be given a function',
  61: 'beforeExpire() option `timeout`',
  62: "closeDetection() mode must be 'browser' or 'tab'",
  63: 'closeDetection() option `grace`',
  64: 'closeDetection() option `beacon` must be a URL string',
  70: 'domActivity() option `events` must be a non-empty array of event names',
  71: 'domActivity() option `target` must be an EventTarget',
  72: 'requestActivity() option `ignore` must be a function',
  73: 'requestActivity() option `api` must be a non-empty array of origins or URL prefixes',
  80: 'sharedTabs() option `channel` must be a channel name or false',
  81: "sharedTabs() option `storage` must be 'local' or 'session'",
  82: 'no BroadcastChannel, this tab works alone',
  83: 'malformed record in storage key "$1"',
  84: 'ignored a malformed cross-tab message',
  90: 'serverEvents() option `url` must be a URL string',
  91: 'serverEvents() option `url` must be free of tokens (use the cookie or a `ticket`)',
  92: 'serverEvents() option `ticket` must be a function',
  93: 'serverEvents() option `withCredentials` must be a boolean',
  94: 'serverEvents() option `heartbeatTimeout`',
  95: 'serverEvents() option `retryDelay`',
  96: 'serverEvents() option `maxRetryDelay`',
  97: 'serverEvents() option `maxEventSize`',
  98: 'ignored a malformed server event',
  99: 'no EventSource, serverEvents() is off',
  100: 'serverEvents() option `ticket` must resolve to a string',
};

/**
 * The message of error `code`: `sessionwarden: ` and, in development, what went wrong (with `args`
 * in place of `$1` …; `tail` after it), in production `E<code>`.
 */
export const message = (code: number, args: readonly unknown[] = [], tail = ''): string =>
  `sessionwarden: ${__DEV__ ? MESSAGES[code]!.replace(/\$(\d)/g, (_, i: string) => String(args[+i - 1])) + tail : `E${code}`}`;

/** An error of `code` (a `TypeError` unless said). */
export const error = (code: number, Err: new (message: string) => Error = TypeError, ...args: unknown[]): Error => new Err(message(code, args));

/** Throws error `code` unless `ok`. */
export const need = (ok: unknown, code: number, Err?: new (message: string) => Error, ...args: unknown[]): void => {
  if (!ok) throw error(code, Err, ...args);
};
