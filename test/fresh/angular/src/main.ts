import { provideZoneChangeDetection, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideSession } from 'sessionwarden/angular';
import { defineSessionWarningDialog } from 'sessionwarden/element';
import { App, probe } from './app';

/** Set by the build configuration: `zoneless` builds without zone.js. */
declare const ZONELESS: boolean;

// An unsigned token (the client never checks signatures): {"sub":"ada","role":"editor"}, no exp.
const token = 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZGEiLCJyb2xlIjoiZWRpdG9yIn0.sig';

defineSessionWarningDialog();
bootstrapApplication(App, {
  providers: [
    ZONELESS ? provideZonelessChangeDetection() : provideZoneChangeDetection({ eventCoalescing: true }),
    provideSession({
      idleTimeout: 30 * 60_000,
      warnBefore: 2 * 60_000,
      token,
      permissions: { admin: ['users:delete'], editor: ['posts:edit'] },
    }),
  ],
}).then((app) => Object.assign(window, { app, probe }));
