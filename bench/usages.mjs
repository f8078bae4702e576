// The usages whose size the project promises (issues 15 and 22), each an app's whole use of the library:
// what its bundle carries is what it imports. Shared by `npm run size` (budgets) and the benchmarks.

/**
 * [name, { target, budget, devBudget } in bytes (min+brotli, dependencies included), the app's code].
 * `target` is issue 22's for the production build; `budget` is CI's ratchet on the production build
 * at the size reached (see docs/benchmarks.md for the bytes between it and the target), so that it
 * can only shrink; `devBudget` holds the development build at its size before the production build
 * existed (it must never grow past it).
 */
export const USAGES = [
  ['idle + warning, DOM activity, one tab', { target: 2_500, budget: 3_030, devBudget: 3_667 }, `
    import { SessionCore } from 'sessionwarden';
    const session = new SessionCore({ idleTimeout: 15 * 60_000, warnBefore: 60_000 });
    session.on('warning', ({ expiresAt }) => console.log(expiresAt));
    session.on('expired', () => location.assign('/'));
    session.start();`],
  ['README quick start: token, roles, tabs, lifecycle, server check', { target: 5_700, budget: 6_817, devBudget: 7_954 }, `
    import { SessionManager, serverCheck } from 'sessionwarden';
    const session = new SessionManager({ token: window.jwt, check: serverCheck({ url: '/api/session' }), permissions: { editor: ['posts:edit'] } });
    session.on('warning', ({ expiresAt }) => console.log(expiresAt));
    session.on('expired', () => location.assign('/'));
    session.start();
    console.log(session.can('posts:edit'));`],
  ['every signal SPEC.md offers', { target: 7_500, budget: 8_352, devBudget: 9_660 }, `
    import { SessionManager, beforeExpire, closeDetection, domActivity, requestActivity, serverCheck, tokenRefresh } from 'sessionwarden';
    const session = new SessionManager({
      token: window.jwt,
      activity: [domActivity(), requestActivity()],
      check: serverCheck({ url: '/api/session' }),
      refresh: tokenRefresh((signal) => fetch('/api/refresh', { method: 'POST', signal }).then((r) => r.text())),
      endOnClose: closeDetection('browser', { beacon: '/api/close' }),
      beforeExpire: beforeExpire(() => console.log('saved')),
      permissions: { editor: ['posts:edit'] },
    });
    session.on('warning', ({ expiresAt }) => console.log(expiresAt));
    session.on('expired', () => location.assign('/'));
    session.start();
    console.log(session.can('posts:edit'), session.refresh);`],
];

// The last usage, with sign-out pushed by the server (issue 17, beyond SPEC.md's signals).
const [, , every] = USAGES.at(-1);
USAGES.push(['every signal, and sign-out pushed by the server (serverEvents)', { target: null, budget: 9_538, devBudget: 10_963 }, every
  .replace('serverCheck,', 'serverCheck, serverEvents,')
  .replace("permissions: { editor", "signals: [serverEvents({ url: '/api/events' })],\n      permissions: { editor")]);

/** Each optional signal of the last usage, and the text that brings it in (to measure what it costs alone). */
export const SIGNALS = [
  ['requestActivity()', 'requestActivity()'],
  ['serverCheck()', "serverCheck({ url: '/api/session' })"],
  ['tokenRefresh()', "tokenRefresh((signal) => fetch('/api/refresh', { method: 'POST', signal }).then((r) => r.text()))"],
  ["closeDetection('browser')", "closeDetection('browser', { beacon: '/api/close' })"],
  ['beforeExpire()', "beforeExpire(() => console.log('saved'))"],
  ['serverEvents()', "serverEvents({ url: '/api/events' })"],
];
