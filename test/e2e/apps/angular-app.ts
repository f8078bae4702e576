// Angular, compiled at run time (JIT) and zoneless: provideSession() starts the session in an
// environment initializer, before any component; two components listen for the end.
import '@angular/compiler';
import { Component, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { injectSession, onSessionEvent, provideSession } from 'sessionwarden/angular';
import { appOptions, expose, heard } from './app-options';

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
    expose(this.session.manager);
    onSessionEvent('expired', ({ reason }) => heard('layout', reason));
  }
}

void bootstrapApplication(Layout, { providers: [provideZonelessChangeDetection(), provideSession(appOptions())] });
