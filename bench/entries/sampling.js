// The requirement note's sampling design, as a reference: activity events are pushed into a list;
// a 5-second interval resets the idle timer (and its warning) when the list is not empty.
const EVENTS = ['pointermove', 'mousemove', 'pointerdown', 'keydown', 'wheel', 'scroll', 'touchstart'];

export function start({ onIdle, onWarn, timeout, warn }) {
  const events = [];
  const push = (event) => events.push(event.type);
  for (const type of EVENTS) document.addEventListener(type, push, { capture: true, passive: true });
  let idleTimer;
  let warnTimer;
  const reset = () => {
    clearTimeout(idleTimer);
    clearTimeout(warnTimer);
    warnTimer = setTimeout(onWarn, timeout - warn);
    idleTimer = setTimeout(onIdle, timeout);
  };
  reset();
  const interval = setInterval(() => {
    if (events.length) {
      events.length = 0;
      reset();
    }
  }, 5000);
  return () => {
    clearInterval(interval);
    clearTimeout(idleTimer);
    clearTimeout(warnTimer);
    for (const type of EVENTS) document.removeEventListener(type, push, { capture: true });
  };
}
