// A `session` set on the element before `defineSessionWarningDialog()` runs (what a framework does
// when it renders before the app defines the element) is taken when the element upgrades.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager } from '../../src';
import { defineSessionWarningDialog, type SessionWarningDialog } from '../../src/element';

let manager: SessionManager;
let names = 0;
/** A tag name not defined yet: the registry is global to the file. */
const freshName = () => `late-dialog-${++names}`;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  manager = new SessionManager({ crossTab: false, activity: [], idleTimeout: 60_000, warnBefore: 20_000 });
  manager.start();
});
afterEach(() => {
  document.body.replaceChildren();
  manager.destroy();
  vi.useRealTimers();
});

describe('<session-warning-dialog> set up before it is defined', () => {
  it('takes a session set while connected, through the setter', () => {
    const name = freshName();
    const el = document.createElement(name) as SessionWarningDialog;
    document.body.append(el);
    el.session = manager; // a plain own property for now
    defineSessionWarningDialog(name);
    expect(Object.hasOwn(el, 'session')).toBe(false);
    expect(el.session).toBe(manager);
    vi.advanceTimersByTime(40_000);
    expect(el.open).toBe(true);
  });

  it('takes a session set while detached, when it is connected', () => {
    const name = freshName();
    const el = document.createElement(name) as SessionWarningDialog;
    el.session = manager;
    defineSessionWarningDialog(name);
    document.body.append(el);
    expect(el.session).toBe(manager);
    vi.advanceTimersByTime(40_000);
    expect(el.open).toBe(true);
  });

  it('opens at once when the session is already warning at the upgrade', () => {
    const name = freshName();
    vi.advanceTimersByTime(40_000);
    const el = document.createElement(name) as SessionWarningDialog;
    document.body.append(el);
    el.session = manager;
    defineSessionWarningDialog(name);
    expect(el.open).toBe(true);
  });

  it('takes null as no session', () => {
    const name = freshName();
    const el = document.createElement(name) as SessionWarningDialog;
    document.body.append(el);
    el.session = null;
    defineSessionWarningDialog(name);
    expect(Object.hasOwn(el, 'session')).toBe(false);
    expect(el.session).toBeNull();
  });

  it('rejects a value that is not a session with the setter\'s TypeError', () => {
    const name = freshName();
    const el = document.createElement(name) as SessionWarningDialog;
    el.session = 'manager' as never;
    defineSessionWarningDialog(name);
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    try {
      // The upgrade reports the constructor's error; either way it is the setter's message.
      try {
        document.body.append(el);
      } catch (error) {
        errors.push(error);
      }
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).toContainEqual(new TypeError('sessionwarden: <session-warning-dialog>.session takes a SessionManager or null'));
  });
});
