import { SessionManager } from 'sessionwarden';
import { SessionProvider, WarningDialog as ReactDialog } from 'sessionwarden/react';
import { sessionPlugin, WarningDialog as VueDialog } from 'sessionwarden/vue';
import { sessionStore } from 'sessionwarden/svelte';
import { defineSessionWarningDialog } from 'sessionwarden/element';
import { createTestSession, mockSession } from 'sessionwarden/testing';

const session = new SessionManager();
defineSessionWarningDialog();
document.createElement('session-warning-dialog').session = session;
document.createElement('session-warning-dialog').session = mockSession();
export const cjs = [SessionProvider, ReactDialog, sessionPlugin, VueDialog, sessionStore(session), createTestSession()];
