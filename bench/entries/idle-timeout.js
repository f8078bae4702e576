import idleTimeout from 'idle-timeout';

// No warning in this library: idle only.
export function start({ onIdle, timeout }) {
  const instance = idleTimeout(onIdle, { timeout });
  return () => instance.destroy();
}
