import './testbed';
import { ApplicationRef, Component, computed, PLATFORM_ID, provideZonelessChangeDetection } from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionManager, type SessionEvents } from '../../src';
import { injectSession, onSessionEvent, provideSession, SwCan, SwRole, type Session } from '../../src/angular';
import { mockSession } from '../../src/testing';
import { jwt } from '../jwt';
import { MIN, options } from './testbed-options';

@Component({
  selector: 'sw-status',
  imports: [SwCan, SwRole],
  template: `
    <p id="state">{{ session.state() }}</p>
    <p id="roles">{{ session.roles().join(',') }}</p>
    <button *swCan="'posts:edit'; else readOnly" id="edit">edit</button>
    <ng-template #readOnly><span id="read-only">read only</span></ng-template>
    <a *swRole="role" id="admin">admin</a>
  `,
})
class Status {
  readonly session = injectSession();
  role = 'admin';
}

/** Records the events it is given, inside the component's lifetime. */
@Component({ selector: 'sw-events', template: '' })
class Events {
  readonly seen: [string, unknown][] = [];
  readonly off = onSessionEvent('expired', (payload) => this.seen.push(['expired', payload]));
  constructor() {
    onSessionEvent('warning', (payload) => this.seen.push(['warning', payload]));
  }
}

const setup = (...providers: unknown[]) =>
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), ...(providers as [])] });
/** Lets the zoneless scheduler run change detection on its own (its timers are fake here). */
const settle = () => vi.advanceTimersByTimeAsync(1);
const text = (fixture: ComponentFixture<unknown>, selector: string) =>
  (fixture.nativeElement as HTMLElement).querySelector(selector)?.textContent ?? null;
const shown = (fixture: ComponentFixture<unknown>) =>
  ['#edit', '#read-only', '#admin'].filter((selector) => (fixture.nativeElement as HTMLElement).querySelector(selector));

/** The app's session, read where an app reads it: in an injection context. */
const injectFromTestBed = (): Session => TestBed.runInInjectionContext(injectSession);

beforeEach(() => {
  expect(typeof (globalThis as { Zone?: unknown }).Zone).toBe('undefined'); // zoneless: no zone.js here
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  TestBed.resetTestingModule();
  vi.useRealTimers();
});

describe('provideSession', () => {
  it('creates a manager from options, starts it in the browser and destroys it with the app', () => {
    const start = vi.spyOn(SessionManager.prototype, 'start');
    const destroy = vi.spyOn(SessionManager.prototype, 'destroy');
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const { manager, state } = injectFromTestBed();
    expect(start).toHaveBeenCalledTimes(1);
    expect(manager.state).toBe('active');
    expect(state()).toBe('active');
    TestBed.resetTestingModule();
    expect(destroy).toHaveBeenCalledTimes(1);
    expect(manager.state).toBe('stopped');
  });

  it('starts a given manager and only stops it with the app: the app that made it destroys it', () => {
    const manager = new SessionManager({ ...options, token: jwt({ role: 'editor' }) });
    const expired = vi.fn();
    manager.on('expired', expired);
    const destroy = vi.spyOn(manager, 'destroy');
    setup(provideSession(manager));
    const session = injectFromTestBed();
    expect(session.manager).toBe(manager);
    expect(manager.state).toBe('active');
    TestBed.resetTestingModule();
    expect(manager.state).toBe('stopped');
    expect(destroy).not.toHaveBeenCalled();
    manager.start(); // still whole: its handlers stayed
    manager.logout();
    expect(expired).toHaveBeenCalledWith({ reason: 'logout' });
    expect(session.state()).toBe('active'); // the destroyed app's signals let go of it
    manager.destroy();
  });

  it('does not start the manager on the server', () => {
    const manager = new SessionManager(options);
    setup(provideSession(manager), { provide: PLATFORM_ID, useValue: 'server' });
    expect(injectFromTestBed().state()).toBe('stopped');
    expect(manager.state).toBe('stopped');
  });

  it('creates one manager per app from the same options', () => {
    const providers = provideSession({ ...options, token: jwt({ role: 'editor' }) });
    setup(providers);
    const first = injectFromTestBed().manager;
    TestBed.resetTestingModule();
    setup(providers);
    const second = injectFromTestBed().manager;
    expect(second).not.toBe(first);
    expect(second.state).toBe('active');
    expect(first.state).toBe('stopped');
  });

  it('starts the session when the app starts, before anything injects it', () => {
    const start = vi.spyOn(SessionManager.prototype, 'start');
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    TestBed.inject(ApplicationRef);
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('takes no options for the defaults', () => {
    setup(provideSession());
    expect(injectFromTestBed().state()).toBe('stopped'); // no token: nothing to run yet
    TestBed.resetTestingModule();
    setup(provideSession(undefined, { startWithoutToken: true }));
    expect(injectFromTestBed().state()).toBe('active');
  });

  it('rejects what is neither a manager nor options, with a TypeError', () => {
    for (const bad of ['options', 42, null, true, () => options, [], new Map(), Promise.resolve(options), new (class Settings {})()]) {
      expect(() => provideSession(bad as never), String(bad)).toThrowError(/^sessionwarden: provideSession\(\) takes a SessionManager or an options object$/);
      expect(() => provideSession(bad as never)).toThrowError(TypeError);
    }
  });

  it('leaves the options to the manager: bad ones throw its error when the app starts', () => {
    setup(provideSession({ idleTimeout: -1 }));
    expect(() => injectFromTestBed()).toThrowError(/^sessionwarden: option `idleTimeout` must be/);
    TestBed.resetTestingModule();
    setup(provideSession({ idleTimeot: 1 } as never));
    expect(() => injectFromTestBed()).toThrowError(/^sessionwarden: unknown option `idleTimeot`/);
  });
});


describe('injectSession', () => {
  it('gives signals that follow the snapshot through warning, extend, role changes and the end', async () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const session = injectFromTestBed();
    const canEdit = TestBed.runInInjectionContext(() => computed(() => session.can('posts:edit')));
    const isAdmin = TestBed.runInInjectionContext(() => computed(() => session.hasRole('admin')));
    expect([session.state(), session.warning(), session.roles(), canEdit(), isAdmin()]).toEqual(['active', null, ['editor'], true, false]);
    expect(session.claims()).toEqual({ role: 'editor' });
    expect(session.snapshot()).toBe(session.manager.getSnapshot());

    await vi.advanceTimersByTimeAsync(28 * MIN);
    expect([session.state(), session.warning(), session.expiresAt()]).toEqual(['warning', 'idle', 1_000_000 + 30 * MIN]);
    session.extend();
    expect([session.state(), session.warning()]).toEqual(['active', null]);

    session.manager.setToken(jwt({ role: 'admin' }));
    expect([session.roles(), canEdit(), isAdmin()]).toEqual([['admin'], false, true]);

    session.logout();
    expect([session.state(), session.reason(), session.roles(), canEdit(), isAdmin()]).toEqual(['expired', 'logout', [], false, false]);
    expect(session.snapshot()).toBe(session.manager.getSnapshot());
  });

  it('is the same object everywhere in the app', () => {
    setup(provideSession(options));
    expect(injectFromTestBed()).toBe(injectFromTestBed());
  });

  it('throws a clear error without provideSession()', () => {
    setup();
    expect(() => injectFromTestBed()).toThrowError(/^sessionwarden: injectSession\(\) needs provideSession/);
    expect(() => TestBed.createComponent(Status)).toThrowError(/^sessionwarden: injectSession\(\) needs provideSession/);
  });
});

describe('*swCan and *swRole', () => {
  it('show, hide and swap to the else template as the roles change, and hide once the session ends', async () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const fixture = TestBed.createComponent(Status);
    await settle();
    expect(text(fixture, '#state')).toBe('active');
    expect(shown(fixture)).toEqual(['#edit']);

    const { manager } = injectFromTestBed();
    manager.setToken(jwt({ roles: ['admin', 'editor'] }));
    await settle();
    expect(text(fixture, '#roles')).toBe('admin,editor');
    expect(shown(fixture)).toEqual(['#edit', '#admin']);

    manager.setToken(jwt({ role: 'admin' }));
    await settle();
    expect(shown(fixture)).toEqual(['#read-only', '#admin']);

    manager.setToken(jwt({ roles: ['admin', 'editor'] }));
    await settle();
    await vi.advanceTimersByTimeAsync(30 * MIN); // idle: the session ends
    expect(text(fixture, '#state')).toBe('expired');
    expect(shown(fixture)).toEqual(['#read-only']);
  });

  it('follow their input', async () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const fixture = TestBed.createComponent(Status);
    await settle();
    expect(shown(fixture)).toEqual(['#edit']);
    fixture.componentInstance.role = 'editor';
    fixture.changeDetectorRef.markForCheck();
    await settle();
    expect(shown(fixture)).toEqual(['#edit', '#admin']);
  });

  it('keep the same view while the decision stays the same', async () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const fixture = TestBed.createComponent(Status);
    await settle();
    const edit = (fixture.nativeElement as HTMLElement).querySelector('#edit');
    injectFromTestBed().manager.setToken(jwt({ role: 'editor', name: 'Ada' }));
    await settle();
    expect((fixture.nativeElement as HTMLElement).querySelector('#edit')).toBe(edit);
  });
});

describe('with sessionwarden/testing', () => {
  it('takes a mockSession() whose snapshot a component test sets', async () => {
    const session = mockSession({ roles: ['editor'], permissions: { editor: ['posts:edit'] }, token: 'signed-in' });
    setup(provideSession(session));
    const fixture = TestBed.createComponent(Status);
    await settle();
    expect([text(fixture, '#state'), shown(fixture)]).toEqual(['active', ['#edit']]);
    session.set({ state: 'warning' });
    await settle();
    expect(text(fixture, '#state')).toBe('warning');
    injectFromTestBed().extend();
    expect([session.calls.start.length, session.calls.extend.length]).toEqual([1, 1]);
    session.set({ state: 'expired' });
    await settle();
    expect([text(fixture, '#state'), shown(fixture)]).toEqual(['expired', ['#read-only']]);
  });
});

describe('onSessionEvent', () => {
  it('calls the handler until the component is destroyed', async () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const fixture = TestBed.createComponent(Events);
    const { seen } = fixture.componentInstance;
    await vi.advanceTimersByTimeAsync(28 * MIN);
    expect(seen).toEqual([['warning', { reason: 'idle', expiresAt: 1_000_000 + 30 * MIN }]]);
    fixture.destroy();
    const session = injectFromTestBed();
    session.extend();
    await vi.advanceTimersByTimeAsync(28 * MIN);
    expect(session.state()).toBe('warning'); // a second warning, and the end, for no one
    session.logout();
    expect(seen).toHaveLength(1);
  });

  it('stops calling the handler once the returned function is called', () => {
    setup(provideSession({ ...options, token: jwt({ role: 'editor' }) }));
    const { componentInstance } = TestBed.createComponent(Events);
    componentInstance.off();
    injectFromTestBed().logout();
    expect(componentInstance.seen).toEqual([]);
  });

  it('rejects a handler that is not a function and an unknown event type', () => {
    setup(provideSession(options));
    expect(() => TestBed.runInInjectionContext(() => onSessionEvent('expired', 'logout' as never))).toThrowError(
      /^sessionwarden: onSessionEvent\(\) takes a handler function$/,
    );
    expect(() => TestBed.runInInjectionContext(() => onSessionEvent('expire' as keyof SessionEvents, () => {}))).toThrowError(/^sessionwarden: /);
  });
});
