import { SessionCore } from '../../src/index.ts';

// Inactivity with a warning, in one tab: the kernel alone, as the peers measured beside it.
export function start({ onIdle, onWarn, timeout, warn }) {
  const session = new SessionCore({ idleTimeout: timeout, warnBefore: warn });
  session.on('warning', onWarn);
  session.on('expired', onIdle);
  session.start();
  return () => session.destroy();
}
