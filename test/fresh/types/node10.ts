import { SessionManager } from 'sessionwarden';
import { SessionProvider, WarningDialog as ReactDialog } from 'sessionwarden/react';
import { sessionPlugin, WarningDialog as VueDialog } from 'sessionwarden/vue';
import { sessionStore } from 'sessionwarden/svelte';
import { defineSessionWarningDialog, type SessionWarningDialog } from 'sessionwarden/element';
import { createTestSession, mockSession } from 'sessionwarden/testing';

const session: SessionManager = createTestSession();
defineSessionWarningDialog();
const dialog: SessionWarningDialog = document.createElement('session-warning-dialog');
dialog.session = mockSession();
export const node10 = [SessionProvider, ReactDialog, sessionPlugin, VueDialog, sessionStore(session), dialog];
