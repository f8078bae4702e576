import { Component, CUSTOM_ELEMENTS_SCHEMA, type DoCheck } from '@angular/core';
import { injectSession, onSessionEvent, SwCan, SwRole } from 'sessionwarden/angular';

/** What run.mjs reads in the page. */
export const probe = { checks: 0, expired: [] as string[] };

@Component({
  selector: 'app-root',
  imports: [SwCan, SwRole],
  // <session-warning-dialog> is a custom element (defined in main.ts).
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <p id="state">{{ session.state() }}</p>
    <p id="roles">{{ session.roles().join(',') }}</p>
    @if (session.warning()) {
      <p id="warning">Signing out soon</p>
    }
    <button id="edit" *swCan="'posts:edit'; else readOnly">Edit post</button>
    <ng-template #readOnly><span id="read-only">Read only</span></ng-template>
    <a id="admin" href="/admin" *swRole="'admin'">Admin</a>
    <button id="logout" (click)="session.logout()">Sign out</button>
    <session-warning-dialog [session]="session.manager" heading="Still there?"></session-warning-dialog>
  `,
})
export class App implements DoCheck {
  readonly session = injectSession();

  constructor() {
    onSessionEvent('expired', ({ reason }) => probe.expired.push(reason));
  }

  ngDoCheck(): void {
    probe.checks++;
  }
}
