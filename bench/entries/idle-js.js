import IdleJs from 'idle-js';

// No warning in this library: idle only.
export function start({ onIdle, timeout }) {
  const idle = new IdleJs({ idle: timeout, onIdle });
  idle.start();
  return () => idle.stop();
}
