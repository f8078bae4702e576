// Angular, compiled at run time (JIT) and zoneless: provideSession() starts the session in an
// environment initializer, before any component (and before an app initializer that loads what the
// app needs); two components listen for the end.
import '@angular/compiler';
import { Component, provideAppInitializer, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { injectSession, onSessionEvent, provideSession } from 'sessionwarden/angular';
import { heard, later, session } from './app-options';

@Component({ selector: 'sw-page', template: '' })
class Page {
  constructor() {
    onSessionEvent('expired', ({ reason }) => heard('page', reason));
  }
}

@Component({ selector: 'sw-root', imports: [Page], template: '<sw-page /><p id="state">{{ session.state() }}</p>' })
class Layout {
  readonly session = injectSession();
  constructor() {
    onSessionEvent('expired', ({ reason }) => heard('layout', reason));
  }
}

void bootstrapApplication(Layout, {
  providers: [provideZonelessChangeDetection(), provideSession(session), provideAppInitializer(() => new Promise<void>((resolve) => later(resolve)))],
});
