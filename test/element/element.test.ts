import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionOptions } from '../../src';
import { defineSessionWarningDialog, type SessionWarningDialog } from '../../src/element';

// Warning at 40 s, end at 60 s: the dialog opens with 20 s left.
const options: SessionOptions = { crossTab: false, activity: [], idleTimeout: 60_000, warnBefore: 20_000 };
let manager: SessionManager;
let el: SessionWarningDialog;
const root = () => el.shadowRoot!;
const part = (name: string) => root().querySelector(`[part=${name}]`) as HTMLElement;
const live = () => root().querySelector('[aria-live=polite]')!.textContent;
const slotText = (name: string) => root().querySelector(`slot[name=${name}]`)!.textContent;
/** Timers besides the manager's own one. */
const countdownTimers = () => vi.getTimerCount() - (manager.state === 'expired' || manager.state === 'stopped' ? 0 : 1);

const create = (session: SessionManager | null = manager) => {
  const dialog = document.createElement('session-warning-dialog') as SessionWarningDialog;
  dialog.session = session;
  document.body.append(dialog);
  return dialog;
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  defineSessionWarningDialog();
  manager = new SessionManager(options);
  el = create();
  manager.start();
});
afterEach(() => {
  document.body.replaceChildren();
  manager.destroy();
  vi.useRealTimers();
});

describe('defineSessionWarningDialog', () => {
  it('defines the element once and returns its class', () => {
    const Dialog = customElements.get('session-warning-dialog');
    expect(Dialog).toBeTypeOf('function');
    expect(defineSessionWarningDialog()).toBe(Dialog);
    expect(el).toBeInstanceOf(Dialog!);
  });

  it('defines it under another tag name', () => {
    const Other = defineSessionWarningDialog('my-session-dialog');
    expect(customElements.get('my-session-dialog')).toBe(Other);
    expect(Other).not.toBe(customElements.get('session-warning-dialog'));
  });

  it('rejects a tag name that is not a valid custom element name', () => {
    expect(() => defineSessionWarningDialog('nodash')).toThrow();
    expect(customElements.get('nodash')).toBeUndefined();
  });
});

describe('<session-warning-dialog>', () => {
  it('stays closed, with no timer of its own, until the warning', () => {
    vi.advanceTimersByTime(39_999);
    expect(el.open).toBe(false);
    expect(root().querySelector('dialog')!.open).toBe(false);
    expect(countdownTimers()).toBe(0);
  });

  it('opens on warning as a modal alert dialog with a live countdown, and moves focus to "Stay signed in"', () => {
    const before = document.createElement('button');
    document.body.append(before);
    before.focus();
    const showModal = vi.spyOn(HTMLDialogElement.prototype, 'showModal');
    vi.advanceTimersByTime(40_000);
    expect(el.open).toBe(true);
    expect(showModal).toHaveBeenCalledOnce();
    const dialog = root().querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(part('countdown').textContent).toBe('0:20');
    expect(root().activeElement).toBe(part('extend'));
    vi.advanceTimersByTime(1_000);
    expect(part('countdown').textContent).toBe('0:19');
    vi.advanceTimersByTime(8_500);
    expect(part('countdown').textContent).toBe('0:11');
    expect(countdownTimers()).toBe(1);
  });

  it('announces the time left politely: on opening, each minute, and every 10 s in the last minute', () => {
    manager.destroy();
    manager = new SessionManager({ ...options, idleTimeout: 200_000, warnBefore: 150_000 });
    el.session = manager;
    manager.start();
    vi.advanceTimersByTime(50_000);
    expect(part('countdown').textContent).toBe('2:30');
    expect(live()).toBe('2 minutes 30 seconds');
    const heard = [live()];
    for (let s = 149; s >= 1; s--) {
      vi.advanceTimersByTime(1_000);
      if (heard.at(-1) !== live()) heard.push(live()!);
    }
    expect(heard).toEqual(['2 minutes 30 seconds', '2 minutes', '1 minute', '50 seconds', '40 seconds', '30 seconds', '20 seconds', '10 seconds']);
    expect(root().getElementById('l')!.textContent).toBe(live());
    expect(root().querySelector('dialog')!.getAttribute('aria-describedby')).toBe('m l');
  });

  it('announces in the language of the page around it', () => {
    document.body.lang = 'de';
    vi.advanceTimersByTime(40_000);
    expect(live()).toBe('20 Sekunden');
    document.body.removeAttribute('lang');
  });

  it('falls back to the default language for an invalid lang attribute', () => {
    document.body.lang = 'not a language!';
    vi.advanceTimersByTime(40_000);
    expect(live()).toBe(new Intl.NumberFormat(undefined, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(20));
    document.body.removeAttribute('lang');
  });

  it('"Stay signed in" extends, closes, stops its timer and returns focus', () => {
    const before = document.createElement('input');
    document.body.append(before);
    before.focus();
    vi.advanceTimersByTime(40_000);
    const extend = vi.spyOn(manager, 'extend');
    part('extend').click();
    expect(extend).toHaveBeenCalledOnce();
    expect(manager.state).toBe('active');
    expect(el.open).toBe(false);
    expect(root().querySelector('dialog')!.open).toBe(false);
    expect(document.activeElement).toBe(before);
    expect(countdownTimers()).toBe(0);
  });

  it('returns focus into another shadow root', () => {
    const host = document.createElement('div');
    const inner = document.createElement('button');
    host.attachShadow({ mode: 'open' }).append(inner);
    document.body.append(host);
    inner.focus();
    vi.advanceTimersByTime(40_000);
    part('extend').click();
    expect(host.shadowRoot!.activeElement).toBe(inner);
  });

  it('"Sign out" logs out and closes', () => {
    vi.advanceTimersByTime(40_000);
    const logout = vi.spyOn(manager, 'logout');
    part('logout').click();
    expect(logout).toHaveBeenCalledOnce();
    expect(manager.getSnapshot().reason).toBe('logout');
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes when the session expires, and its timer stops', () => {
    vi.advanceTimersByTime(40_000);
    expect(el.open).toBe(true);
    vi.advanceTimersByTime(20_000);
    expect(manager.state).toBe('expired');
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes on an extend from another tab, which arrives as "extended"', async () => {
    manager.destroy();
    localStorage.clear();
    const here = (manager = new SessionManager({ ...options, crossTab: 'dialog-test' }));
    const there = new SessionManager({ ...options, crossTab: 'dialog-test' });
    el.session = here;
    here.start();
    there.start();
    vi.advanceTimersByTime(39_999);
    const managersTimers = vi.getTimerCount();
    vi.advanceTimersByTime(1);
    expect(el.open).toBe(true);
    expect(vi.getTimerCount()).toBe(managersTimers + 1);
    const extended = vi.fn();
    here.on('extended', extended);
    there.extend();
    await vi.waitFor(() => expect(extended).toHaveBeenCalled(), { interval: 1 }); // a BroadcastChannel message
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(managersTimers);
    there.destroy();
    localStorage.clear();
  });

  it('treats Escape, which closes the dialog in the browser, as "Stay signed in"', () => {
    vi.advanceTimersByTime(40_000);
    root().querySelector('dialog')!.close(); // what Escape does (test/e2e/dialog-screenshot.test.ts presses the real key)
    expect(manager.state).toBe('active');
    expect(el.open).toBe(false);
    expect(countdownTimers()).toBe(0);
  });

  it('closes when the manager is stopped, and within a second when it is destroyed (which emits nothing)', () => {
    vi.advanceTimersByTime(40_000);
    manager.stop();
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    manager.start();
    expect(el.open).toBe(true); // still warning: the session resumed
    manager.destroy();
    expect(el.open).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes and stops its timer when removed from the page, and opens again when put back during the warning', () => {
    vi.advanceTimersByTime(40_000);
    el.remove();
    expect(el.open).toBe(false);
    expect(countdownTimers()).toBe(0);
    vi.advanceTimersByTime(5_000);
    document.body.append(el);
    expect(el.open).toBe(true);
    expect(part('countdown').textContent).toBe('0:15');
  });

  it('falls back to the open attribute without showModal()', () => {
    const showModal = Object.getOwnPropertyDescriptor(HTMLDialogElement.prototype, 'showModal')!;
    // @ts-expect-error: an old browser
    delete HTMLDialogElement.prototype.showModal;
    try {
      vi.advanceTimersByTime(40_000);
      expect(root().querySelector('dialog')!.hasAttribute('open')).toBe(true);
      expect(el.open).toBe(true);
      part('extend').click();
      expect(root().querySelector('dialog')!.hasAttribute('open')).toBe(false);
    } finally {
      Object.defineProperty(HTMLDialogElement.prototype, 'showModal', showModal);
    }
  });
});

describe('<session-warning-dialog> texts', () => {
  it('has default texts, replaced by attributes, at any time', () => {
    expect(['heading', 'message', 'extend-label', 'logout-label'].map(slotText)).toEqual([
      'Your session is about to end',
      'You will be signed out soon.',
      'Stay signed in',
      'Sign out',
    ]);
    el.setAttribute('heading', 'Still there?');
    el.setAttribute('message', 'We will sign you out.');
    el.setAttribute('extend-label', 'Keep me in');
    el.setAttribute('logout-label', 'Leave');
    expect(['heading', 'message', 'extend-label', 'logout-label'].map(slotText)).toEqual(['Still there?', 'We will sign you out.', 'Keep me in', 'Leave']);
    el.removeAttribute('heading');
    expect(slotText('heading')).toBe('Your session is about to end');
  });

  it('takes texts from slots', () => {
    const heading = document.createElement('strong');
    heading.slot = 'heading';
    heading.textContent = 'Hello?';
    el.append(heading);
    const slot = root().querySelector('slot[name=heading]') as HTMLSlotElement;
    expect(slot.assignedNodes()).toEqual([heading]);
  });

  it('exposes its parts for styling', () => {
    const parts = [...root().querySelectorAll('[part]')].map((node) => node.getAttribute('part'));
    expect(parts).toEqual(['dialog', 'heading', 'message', 'countdown', 'logout', 'extend']);
    expect(root().querySelector('style')!.textContent).toMatch(/var\(--sw-accent,/);
  });
});

describe('<session-warning-dialog> session property', () => {
  it('opens at once when given a manager already warning, and lets go of the previous one', () => {
    vi.advanceTimersByTime(40_000);
    const other = new SessionManager(options);
    el.session = other;
    expect(el.open).toBe(false); // the other one is not warning
    el.session = manager;
    expect(el.open).toBe(true);
    el.session = other;
    expect(el.open).toBe(false);
    manager.extend();
    vi.advanceTimersByTime(40_000);
    expect(manager.state).toBe('warning');
    expect(el.open).toBe(false); // no longer listening to the first manager
    el.session = null;
    expect(el.session).toBeNull();
    other.destroy();
  });

  it('listens only while connected', () => {
    const on = vi.spyOn(SessionManager.prototype, 'on');
    const detached = document.createElement('session-warning-dialog') as SessionWarningDialog;
    detached.session = manager;
    expect(on).not.toHaveBeenCalled();
    document.body.append(detached);
    expect(on).toHaveBeenCalledOnce();
    detached.remove();
    vi.advanceTimersByTime(40_000);
    expect(detached.open).toBe(false);
  });

  it.each([[{}], ['manager'], [42]])('rejects %j with a TypeError', (value) => {
    expect(() => (el.session = value as never)).toThrow(new TypeError('sessionwarden: <session-warning-dialog>.session takes a SessionManager or null'));
    expect(el.session).toBe(manager);
  });
});
