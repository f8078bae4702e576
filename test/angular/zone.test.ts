// With zone.js, as most Angular apps still run, bootstrapped as an app is (TestBed creates its
// injector outside the zone, which would hide the very mistake these tests look for): the manager's
// listeners and timers live outside Angular's zone, so input events run no change detection, and
// snapshot changes come back in.
import 'zone.js';
import '@angular/compiler';
import { ApplicationRef, Component, NgZone, provideZoneChangeDetection, type DoCheck } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { domActivity } from '../../src';
import { injectSession, onSessionEvent, provideSession, SwCan } from '../../src/angular';
import { jwt } from '../jwt';
import { options } from './testbed-options';

@Component({
  selector: 'sw-page',
  imports: [SwCan],
  template: `<p id="state">{{ session.state() }}</p><button *swCan="'posts:edit'" id="edit">edit</button>`,
})
class Page implements DoCheck {
  readonly session = injectSession();
  readonly expired: string[] = [];
  readonly zones: string[] = [];
  /** How often change detection checked this component. */
  checks = 0;
  constructor() {
    onSessionEvent('expired', ({ reason }) => {
      this.expired.push(reason);
      this.zones.push(NgZone.isInAngularZone() ? 'angular' : 'outside');
    });
  }
  ngDoCheck() {
    this.checks++;
  }
}

/** The state alone: no directive, no event handler that would run change detection by itself. */
@Component({ selector: 'sw-state', template: '{{ session.state() }}' })
class State {
  readonly session = injectSession();
}

let app: ApplicationRef | undefined;
const bootstrap = async (zoneOptions: Parameters<typeof provideZoneChangeDetection>[0] = {}, token: string | null = jwt({ role: 'editor' })) => {
  document.body.innerHTML = '<sw-page></sw-page>';
  app = await bootstrapApplication(Page, {
    providers: [
      provideZoneChangeDetection(zoneOptions),
      provideSession({ ...options, activity: [domActivity()], token }),
    ],
  });
  await app.whenStable();
  const page = app.components[0]!.instance as Page;
  const zone = app.injector.get(NgZone);
  return { app, page, zone, element: document.body };
};

/** Counts change detections: the zone's turns that end (what triggers them), and the page's checks. */
function countChangeDetection(zone: NgZone, page: Page) {
  const counts = { turns: 0, checks: 0 };
  const subscription = zone.onMicrotaskEmpty.subscribe(() => counts.turns++);
  const before = page.checks;
  return {
    counts,
    stop() {
      subscription.unsubscribe();
      counts.checks = page.checks - before;
    },
  };
}

const move = (times: number) => {
  for (let i = 0; i < times; i++) document.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: i }));
};

afterEach(() => {
  app?.destroy();
  app = undefined;
});

describe('sessionwarden/angular with zone.js', () => {
  it('runs no change detection for 100 pointer moves', async () => {
    const { app, page, zone } = await bootstrap();
    const { counts, stop } = countChangeDetection(zone, page);
    move(100);
    await app.whenStable();
    stop();
    expect(counts).toEqual({ turns: 0, checks: 0 });

    // The counter counts: a listener in Angular's zone gets a change detection per event.
    const listener = () => {};
    zone.run(() => document.addEventListener('pointermove', listener));
    const control = countChangeDetection(zone, page);
    move(100);
    document.removeEventListener('pointermove', listener);
    control.stop();
    expect(control.counts).toEqual({ turns: 100, checks: 100 });
  });

  it('adds the activity listeners outside Angular’s zone', async () => {
    const zones: string[] = [];
    const add = document.addEventListener.bind(document);
    vi.spyOn(document, 'addEventListener').mockImplementation((...args: Parameters<Document['addEventListener']>) => {
      if (args[0] === 'pointermove') zones.push(Zone.current.name);
      add(...args);
    });
    await bootstrap();
    expect(zones).toEqual(['<root>']);
  });

  it('starts outside Angular’s zone when a sign-in in the zone sets the first token: pointer moves run no change detection', async () => {
    const zones: string[] = [];
    const add = document.addEventListener.bind(document);
    vi.spyOn(document, 'addEventListener').mockImplementation((...args: Parameters<Document['addEventListener']>) => {
      if (args[0] === 'pointermove') zones.push(Zone.current.name);
      add(...args);
    });
    const { app, page, zone } = await bootstrap({}, null);
    expect(page.session.state()).toBe('stopped');
    zone.run(() => page.session.manager.setToken(jwt({ role: 'editor' }))); // the sign-in form's handler
    await app.whenStable();
    expect(page.session.state()).toBe('active');
    expect(zones).toEqual(['<root>']);
    expect(zone.hasPendingMacrotasks).toBe(false);
    const { counts, stop } = countChangeDetection(zone, page);
    move(100);
    await app.whenStable();
    stop();
    expect(counts).toEqual({ turns: 0, checks: 0 });
  });

  it('keeps no timer in Angular’s zone, before or after extend(), so the app stays stable', async () => {
    const { app, page, zone } = await bootstrap();
    expect(page.session.manager.remaining()).toBeLessThan(Infinity); // a timer is armed for the warning
    expect(zone.hasPendingMacrotasks).toBe(false);
    zone.run(() => page.session.extend());
    expect(zone.hasPendingMacrotasks).toBe(false);
    expect(await app.whenStable()).toBeUndefined();
  });

  it('brings snapshot changes back into the zone: the view updates and event handlers run inside it', async () => {
    const { app, page, zone, element } = await bootstrap();
    expect(element.querySelector('#edit')).not.toBeNull();
    const { counts, stop } = countChangeDetection(zone, page);
    zone.runOutsideAngular(() => page.session.manager.logout()); // as a timer or another tab would
    await app.whenStable();
    stop();
    expect(counts.checks).toBeGreaterThan(0);
    expect(element.querySelector('#state')!.textContent).toBe('expired');
    expect(element.querySelector('#edit')).toBeNull();
    expect(page.expired).toEqual(['logout']);
    expect(page.zones).toEqual(['angular']);
  });

  it('updates the view in apps that ignore signal changes outside the zone (the v18 opt-out)', async () => {
    document.body.innerHTML = '<sw-state></sw-state>';
    app = await bootstrapApplication(State, {
      providers: [provideZoneChangeDetection({ ignoreChangesOutsideZone: true }), provideSession({ ...options, token: jwt({ role: 'editor' }) })],
    });
    const { manager } = (app.components[0]!.instance as State).session;
    expect(document.body.textContent).toBe('active');
    app.injector.get(NgZone).runOutsideAngular(() => manager.stop()); // as a timer or another tab would change it
    await app.whenStable();
    expect(document.body.textContent).toBe('stopped');
  });
});
