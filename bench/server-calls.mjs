// Server calls per hour of continuous activity: the requirement note's old design (a check every
// 5 minutes), a plain 15-minute backup check, and ours, with and without the app making its own
// authenticated request every 10 minutes (which proves the session alive, so no check is needed).
import { load, page } from './harness.mjs';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Runs `minutes` of simulated activity in a page whose `fetch` counts calls to the check URL. */
async function simulate(setup, { appRequestEvery } = {}) {
  const p = page();
  let checks = 0;
  const fakeFetch = async (url) => {
    if (String(url).includes('/api/session')) checks++;
    return new Response('{"active":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const saved = globalThis.fetch;
  globalThis.fetch = fakeFetch;
  try {
    const stop = await setup(p);
    for (let t = 0; t < HOUR; t += 1000) {
      p.move(t % 500, 10);
      if (appRequestEvery && t > 0 && t % appRequestEvery === 0) await fetch('/api/data');
      await p.clock.tickAsync(1000);
    }
    stop();
    return checks;
  } finally {
    globalThis.fetch = saved;
    p.close();
  }
}

const polling = (every) => async () => {
  const id = setInterval(() => fetch('/api/session'), every);
  return () => clearInterval(id);
};

const oursWith = (activity) => async () => {
  const lib = await load('src/index.ts', 'sessionwarden');
  const session = new lib.SessionManager({
    idleTimeout: 30 * MIN, warnBefore: 2 * MIN, crossTab: false,
    activity: [lib.domActivity(), ...(activity ? [lib.requestActivity()] : [])],
    check: { url: '/api/session' },
  });
  session.start();
  return () => session.destroy();
};

/** The figures, per hour. */
export async function serverCallsPerHour() {
  return [
    { design: 'old design: check every 5 min', perHour: await simulate(polling(5 * MIN)) },
    { design: 'backup check every 15 min', perHour: await simulate(polling(15 * MIN)) },
    { design: 'sessionwarden (check 15 min)', perHour: await simulate(oursWith(false)) },
    { design: 'sessionwarden + app request every 10 min', perHour: await simulate(oursWith(true), { appRequestEvery: 10 * MIN }) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| design | server check calls per hour |\n|---|---|');
  for (const row of await serverCallsPerHour()) console.log(`| ${row.design} | ${row.perHour} |`);
}
