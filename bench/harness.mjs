// Shared set-up for the simulated benchmarks: a happy-dom page whose clock and timers are
// @sinonjs/fake-timers, with every timer call counted (and whether it came from an event handler).
import { Window } from 'happy-dom';
import FakeTimers from '@sinonjs/fake-timers';
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Bundles `entry` (our source, or a peer's usage) and imports it. */
export async function load(entry, name = 'bundle') {
  const result = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022', logLevel: 'silent' });
  mkdirSync('bench/.tmp', { recursive: true });
  const file = `bench/.tmp/${name}-${process.pid}.mjs`;
  writeFileSync(file, result.outputFiles[0].text);
  return import(pathToFileURL(file).href);
}

/** A page with faked time. `counts` tracks timer work; `dispatch` fires a DOM event as a user would. */
export function page() {
  const window = new Window({ url: 'http://localhost/' });
  const globals = { window, document: window.document, navigator: window.navigator, localStorage: window.localStorage,
    sessionStorage: window.sessionStorage, addEventListener: window.addEventListener.bind(window),
    removeEventListener: window.removeEventListener.bind(window), Event: window.Event, PointerEvent: window.PointerEvent, MouseEvent: window.MouseEvent };
  const saved = {};
  for (const [key, value] of Object.entries(globals)) {
    saved[key] = Object.getOwnPropertyDescriptor(globalThis, key);
    Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const clock = FakeTimers.install({ now: 0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
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
  return {
    window,
    clock,
    counts,
    dispatch(type, Kind = window.Event) {
      inHandler = true;
      try {
        window.document.dispatchEvent(new Kind(type, { bubbles: true }));
      } finally {
        inHandler = false;
      }
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
