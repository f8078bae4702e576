import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager } from '../../src';
import { defineSessionWarningDialog, type SessionWarningDialog } from '../../src/element';

let manager: SessionManager;
let el: SessionWarningDialog;
const part = (name: string) => el.shadowRoot!.querySelector(`[part=${name}]`) as HTMLElement;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  defineSessionWarningDialog();
  manager = new SessionManager({ crossTab: false, idleTimeout: 60_000, warnBefore: 20_000 });
  el = document.createElement('session-warning-dialog') as SessionWarningDialog;
  el.session = manager;
  document.body.append(el);
  manager.start();
});
afterEach(() => {
  el.remove();
  manager.destroy();
  vi.useRealTimers();
});

describe('<session-warning-dialog>', () => {
  it('defines once and returns the same class', () => {
    expect(defineSessionWarningDialog()).toBe(customElements.get('session-warning-dialog'));
  });

  it('stays closed and sets no timer until the warning', () => {
    expect(el.open).toBe(false);
    expect(vi.getTimerCount()).toBe(1); // the manager's one timer
  });

  it('opens on warning with a live countdown, announced politely, and focuses "Stay signed in"', () => {
    const before = document.createElement('button');
    document.body.append(before);
    before.focus();
    vi.advanceTimersByTime(40_000);
    expect(el.open).toBe(true);
    expect(part('countdown').textContent).toBe('0:20');
    expect(el.shadowRoot!.activeElement).toBe(part('extend'));
    const live = el.shadowRoot!.querySelector('[aria-live=polite]')!;
    expect(live.textContent).toBe('Signing out in 0:20');
    vi.advanceTimersByTime(1_000);
    expect(part('countdown').textContent).toBe('0:19');
    expect(live.textContent).toBe('Signing out in 0:20'); // not every second
    vi.advanceTimersByTime(9_000);
    expect(live.textContent).toBe('Signing out in 0:10');
    part('extend').click();
    expect(el.open).toBe(false);
    expect(manager.state).toBe('active');
    expect(document.activeElement).toBe(before);
    expect(vi.getTimerCount()).toBe(1); // the countdown stopped
    before.remove();
  });

  it('"Sign out" logs out and closes', () => {
    vi.advanceTimersByTime(40_000);
    part('logout').click();
    expect(manager.state).toBe('expired');
    expect(el.open).toBe(false);
  });

  it('closes on expiry and on an extend from elsewhere', () => {
    vi.advanceTimersByTime(40_000);
    manager.extend(); // e.g. another tab's extend arrives as 'extended'
    expect(el.open).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(manager.state).toBe('expired');
    expect(el.open).toBe(false);
  });

  it('takes texts from attributes', () => {
    el.setAttribute('heading', 'Still there?');
    el.setAttribute('extend-label', 'Keep me in');
    expect(el.shadowRoot!.querySelector('slot[name=heading]')!.textContent).toBe('Still there?');
    expect(el.shadowRoot!.querySelector('slot[name=extend-label]')!.textContent).toBe('Keep me in');
    expect(el.shadowRoot!.querySelector('slot[name=logout-label]')!.textContent).toBe('Sign out');
  });

  it('opens at once when given a manager already warning, and detaches from the old one', () => {
    vi.advanceTimersByTime(40_000);
    const other = new SessionManager({ crossTab: false });
    el.session = other;
    el.session = manager;
    expect(el.open).toBe(true);
    el.session = other;
    manager.extend();
    expect(el.open).toBe(true); // no longer listening to the first manager
    other.destroy();
  });
});
