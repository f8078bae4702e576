import { SessionCore } from '../../src/index.ts';

// For the event-cost benchmark only: the events it dispatches are made by a script, which
// domActivity() ignores (isTrusted === false). This source is domActivity() without that check,
// so that what is measured is what a user's real input costs: the listener, report() and sampling.
const everyEvent = () => ({
  start(report) {
    const options = { capture: true, passive: true };
    const types = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'];
    const onEvent = () => report();
    for (const type of types) document.addEventListener(type, onEvent, options);
    return () => {
      for (const type of types) document.removeEventListener(type, onEvent, options);
    };
  },
});

export function start({ onIdle, onWarn, timeout, warn }) {
  const session = new SessionCore({ idleTimeout: timeout, warnBefore: warn, activity: [everyEvent()] });
  session.on('warning', onWarn);
  session.on('expired', onIdle);
  session.start();
  return () => session.destroy();
}
