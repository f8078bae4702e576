// Timer work during one simulated hour of continuous activity (a pointer move every 100 ms;
// 30 min idle timeout, 2 min warning), when each library reports idle after the activity stops,
// and how long after waking from a 2-hour sleep it reports idle.
import { load, page } from './harness.mjs';
import { LIBRARIES } from './libraries.mjs';

const MIN = 60_000;
const OPTIONS = { timeout: 30 * MIN, warn: 2 * MIN };
const round = (minutes) => (minutes === null ? null : Math.round(minutes * 100) / 100);

async function withLibrary(lib, run) {
  const p = page();
  try {
    const { start } = await load(lib.entry, lib.name.replace(/\W+/g, '-'));
    const seen = { idleAt: null, warnAt: null };
    const stop = start({ ...OPTIONS, onIdle: () => (seen.idleAt ??= Date.now()), onWarn: () => (seen.warnAt ??= Date.now()) });
    try {
      return await run(p, seen);
    } finally {
      stop();
    }
  } finally {
    p.close();
  }
}

/** Timer counts during an hour of activity, then when idle (and the warning) came after it stopped. */
export const measureTimers = (lib) =>
  withLibrary(lib, async (p, seen) => {
    for (let t = 0, x = 0; t < 60 * MIN; t += 100, x = (x + 7) % 500) {
      p.move(10 + x, 10 + (x % 90));
      p.clock.tick(100);
    }
    const hour = { ...p.counts };
    const stoppedAt = Date.now();
    p.clock.tick(45 * MIN);
    return {
      name: lib.name,
      callbacks: hour.callbacks,
      calls: hour.calls,
      inHandlers: hour.inHandlers,
      warnAfter: lib.warning ? round(seen.warnAt === null ? null : (seen.warnAt - stoppedAt) / MIN) : 'no warning',
      idleAfter: round(seen.idleAt === null ? null : (seen.idleAt - stoppedAt) / MIN),
    };
  });

/**
 * A laptop sleeps 2 hours 1 minute after the last activity: the system clock jumps, timers keep
 * their remaining delay (as on a sleeping machine), then the page becomes visible and focused.
 * Returns minutes from wake to idle (null: not within 120 minutes).
 */
export const measureWake = (lib) =>
  withLibrary(lib, async (p, seen) => {
    p.move(5, 5);
    p.clock.tick(MIN);
    p.clock.setSystemTime(Date.now() + 120 * MIN);
    const wokeAt = Date.now();
    p.wake();
    for (let waited = 0; seen.idleAt === null && waited < 120 * MIN; waited += 1000) p.clock.tick(1000);
    return { name: lib.name, wakeToIdle: round(seen.idleAt === null ? null : (seen.idleAt - wokeAt) / MIN) };
  });

/** sessionwarden only (for the CI budget). */
export const ours = () => measureTimers(LIBRARIES[0]);

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('| library | timer callbacks / h | timer calls / h | in event handlers | warning after stop (min) | idle after stop (min) | wake → idle (min) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const lib of LIBRARIES) {
    try {
      const row = await measureTimers(lib);
      const wake = await measureWake(lib);
      console.log(`| ${row.name} | ${row.callbacks} | ${row.calls} | ${row.inHandlers} | ${row.warnAfter} | ${row.idleAfter} | ${wake.wakeToIdle} |`);
    } catch (error) {
      console.log(`| ${lib.name} | n/a: ${error.message} |`);
    }
  }
}
