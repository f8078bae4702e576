// Timer work during one simulated hour of continuous activity (a pointer move every 100 ms;
// 30 min idle timeout, 2 min warning), then when idle is reported after the activity stops.
import { load, page } from './harness.mjs';

const MIN = 60_000;

/** Measures one library: `setup(api)` starts it and returns `{ onIdle(cb), onWarn(cb), stop() }`. */
export async function measureTimers(name, setup, events = ['pointermove']) {
  const p = page();
  try {
    const lib = await setup(p);
    let idleAt;
    let warnAt;
    lib.onIdle(() => (idleAt ??= Date.now()));
    lib.onWarn?.(() => (warnAt ??= Date.now()));
    for (let t = 0; t < 60 * MIN; t += 100) {
      for (const type of events) p.dispatch(type, type.startsWith('pointer') ? p.window.PointerEvent : p.window.MouseEvent);
      p.clock.tick(100);
    }
    const hour = { ...p.counts };
    const stoppedAt = Date.now();
    p.clock.tick(31 * MIN);
    lib.stop();
    return {
      name,
      callbacks: hour.callbacks,
      calls: hour.calls,
      inHandlers: hour.inHandlers,
      warnAfter: warnAt === undefined ? null : +((warnAt - stoppedAt) / MIN).toFixed(2),
      idleAfter: idleAt === undefined ? null : +((idleAt - stoppedAt) / MIN).toFixed(2),
    };
  } finally {
    p.close();
  }
}

/** sessionwarden itself, from source. */
export const ours = () =>
  measureTimers('sessionwarden', async () => {
    const { SessionManager } = await load('src/index.ts', 'sessionwarden');
    const session = new SessionManager({ idleTimeout: 30 * MIN, warnBefore: 2 * MIN, crossTab: false });
    const api = { onIdle: (cb) => session.on('expired', cb), onWarn: (cb) => session.on('warning', cb), stop: () => session.destroy() };
    session.start();
    return api;
  });

if (import.meta.url === `file://${process.argv[1]}`) {
  const row = await ours();
  console.log('| library | timer callbacks / h | timer calls / h | timer calls in event handlers | warning after stop (min) | idle after stop (min) |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${row.name} | ${row.callbacks} | ${row.calls} | ${row.inHandlers} | ${row.warnAfter} | ${row.idleAfter} |`);
}
