// Shared set-up for the simulated benchmarks: a happy-dom page whose clock and timers are
// @sinonjs/fake-timers, with every timer call counted (and whether it came from an event handler).
import { Window } from 'happy-dom';
import FakeTimers from '@sinonjs/fake-timers';
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Bundles `entry` (our source, or a peer's usage) and imports it. */
export async function load(entry, name = 'bundle') {
  const result = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022', logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"development"' }, // React's act() exists only in development builds
  });
  mkdirSync('bench/.tmp', { recursive: true });
  // Named after the entry itself: one entry, one module (the import cache is keyed by file).
  const file = `bench/.tmp/${name}-${entry.replace(/\W+/g, '_')}-${process.pid}.mjs`;
  writeFileSync(file, result.outputFiles[0].text);
  return import(pathToFileURL(file).href);
}

/** A page with faked time. `counts` tracks timer work; `dispatch` fires a DOM event as a user would. */
export function page() {
  const window = new Window({ url: 'http://localhost/' });
  const globals = { window, document: window.document, location: window.location, navigator: window.navigator, localStorage: window.localStorage,
    sessionStorage: window.sessionStorage, addEventListener: window.addEventListener.bind(window),
    removeEventListener: window.removeEventListener.bind(window), Event: window.Event, PointerEvent: window.PointerEvent, MouseEvent: window.MouseEvent };
  const saved = {};
  for (const [key, value] of Object.entries(globals)) {
    saved[key] = Object.getOwnPropertyDescriptor(globalThis, key);
    Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  // Timers run on the clock's own monotonic time: a jump of the system time (sleep) does not fire them.
  const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
  const counts = { callbacks: 0, calls: 0, inHandlers: 0 };
  let inHandler = false;
  const count = () => {
    counts.calls++;
    if (inHandler) counts.inHandlers++;
  };
  for (const name of ['setTimeout', 'setInterval']) {
    const real = globalThis[name];
    globalThis[name] = (fn, ...rest) => (count(), real((...args) => (counts.callbacks++, fn(...args)), ...rest));
  }
  for (const name of ['clearTimeout', 'clearInterval']) {
    const real = globalThis[name];
    globalThis[name] = (id) => (count(), real(id));
  }
  // Libraries that call window.setTimeout (not the global) must see the same counted, faked timers.
  for (const name of ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval']) window[name] = globalThis[name];
  window.Date = globalThis.Date;
  return {
    window,
    clock,
    counts,
    /** One real pointer move: pointermove then mousemove, at new coordinates, on the body (bubbling to document and window). */
    move(x, y) {
      inHandler = true;
      try {
        window.document.body.dispatchEvent(new window.PointerEvent('pointermove', { bubbles: true, clientX: x, clientY: y }));
        const mouse = new window.MouseEvent('mousemove', { bubbles: true, clientX: x, clientY: y });
        Object.defineProperties(mouse, { pageX: { value: x }, pageY: { value: y } }); // happy-dom leaves these out
        window.document.body.dispatchEvent(mouse);
      } finally {
        inHandler = false;
      }
    },
    /** The page comes back: visible, focused. */
    wake() {
      Object.defineProperty(window.document, 'visibilityState', { value: 'visible', configurable: true });
      window.document.dispatchEvent(new window.Event('visibilitychange'));
      window.dispatchEvent(new window.Event('focus'));
      window.dispatchEvent(new window.Event('pageshow'));
    },
    close() {
      clock.uninstall();
      for (const [key, descriptor] of Object.entries(saved)) {
        if (descriptor) Object.defineProperty(globalThis, key, descriptor);
        else delete globalThis[key];
      }
      window.happyDOM.abort?.();
    },
  };
}
