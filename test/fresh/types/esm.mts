import { SessionManager, domActivity } from 'sessionwarden';
import { SessionProvider, WarningDialog as ReactDialog, type SessionWarningDialogAttributes } from 'sessionwarden/react';
import { sessionPlugin, WarningDialog as VueDialog } from 'sessionwarden/vue';
import { sessionStore } from 'sessionwarden/svelte';
import { defineSessionWarningDialog } from 'sessionwarden/element';
import { createTestSession, mockSession, testToken } from 'sessionwarden/testing';

const session = new SessionManager({ activity: [domActivity()] });
defineSessionWarningDialog();
document.createElement('session-warning-dialog').session = session;
document.createElement('session-warning-dialog').session = mockSession({ state: 'warning' });
const attributes: SessionWarningDialogAttributes = { heading: 'Still there?', session };
export const esm = [SessionProvider, ReactDialog, sessionPlugin, VueDialog, sessionStore(session), createTestSession({ token: testToken({}) }), attributes];
