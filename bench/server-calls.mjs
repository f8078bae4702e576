// Server calls per hour of continuous activity: the requirement note's old design (a check every
// 5 minutes), a plain 15-minute backup check, and ours (SessionManager, check interval 15 min),
// with and without the app making its own authenticated request every 10 minutes (a 2xx through
// requestActivity() proves the session alive, so no check is needed).
//
// Simulated: a happy-dom Window whose clock and timers are @sinonjs/fake-timers (bench/harness.mjs),
// a pointer move every second, a fake fetch that counts calls to the check URL, and our library
// bundled from src/index.ts with esbuild on the fly. `node bench/server-calls.mjs` prints a table;
// bench/run.mjs imports serverCallsPerHour().
import { load, page } from './harness.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;
const CHECK_URL = '/api/session';

/**
 * Runs one simulated hour of activity in a fresh page. `setup(page)` starts the design under test
 * and returns its stop function (and, for ours, the session, which must still be alive at the end).
 */
async function simulate(setup, { appRequestEvery } = {}) {
  const p = page();
  let checks = 0;
  let appRequests = 0;
  const fakeFetch = async (url) => {
    if (String(url) === CHECK_URL) checks++;
    else appRequests++;
    return new Response('{"active":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const saved = globalThis.fetch;
  globalThis.fetch = fakeFetch;
  try {
    const { stop, session } = await setup(p);
    for (let t = 0; t < HOUR; t += 1000) {
      p.move(t % 500, 10);
      if (appRequestEvery && t > 0 && t % appRequestEvery === 0) await globalThis.fetch('/api/data', { headers: { Authorization: 'Bearer t' } });
      await p.clock.tickAsync(1000);
    }
    if (session && session.state !== 'active') throw new Error(`the session should be alive after an hour of activity, not ${session.state}`);
    stop();
    return { perHour: checks, appRequests };
  } finally {
    globalThis.fetch = saved;
    p.close();
  }
}

/** The old way: call the check URL on a fixed interval, whatever happens. */
const polling = (every) => async () => {
  const id = setInterval(() => fetch(CHECK_URL), every);
  return { stop: () => clearInterval(id) };
};

/** Ours: DOM activity and the app's requests as activity, the backup check every 15 minutes. */
const ours = async () => {
  const lib = await load('src/index.ts', 'sessionwarden');
  const session = new lib.SessionManager({
    idleTimeout: 30 * MIN,
    warnBefore: 2 * MIN,
    crossTab: false,
    activity: [lib.domActivity(), lib.requestActivity()],
    check: lib.serverCheck({ url: CHECK_URL, interval: 15 * MIN }),
  });
  session.start();
  return { stop: () => session.destroy(), session };
};

/** The figures: server check calls per hour of continuous activity (one tab). */
export async function serverCallsPerHour() {
  const rows = [
    ['old design: check every 5 min', polling(5 * MIN), {}],
    ['backup check every 15 min', polling(15 * MIN), {}],
    ['sessionwarden (check 15 min)', ours, {}],
    ['sessionwarden + app request every 10 min', ours, { appRequestEvery: 10 * MIN }],
  ];
  const figures = [];
  for (const [design, setup, options] of rows) figures.push({ design, ...(await simulate(setup, options)) });
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| design | server check calls per hour | app requests per hour |\n|---|---|---|');
  for (const row of await serverCallsPerHour()) console.log(`| ${row.design} | ${row.perHour} | ${row.appRequests} |`);
}
