import { SessionManager } from '../../src/index.ts';

export function start({ onIdle, onWarn, timeout, warn }) {
  const session = new SessionManager({ idleTimeout: timeout, warnBefore: warn, crossTab: false });
  session.on('warning', onWarn);
  session.on('expired', onIdle);
  session.start();
  return () => session.destroy();
}
