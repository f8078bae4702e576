// Not rendered: proves that the element itself type-checks in TSX (with its ref and its session).
import { useEffect, useRef } from 'react';
import type { SessionManager } from 'sessionwarden';
import { useSessionManager } from 'sessionwarden/react';
import { defineSessionWarningDialog, type SessionWarningDialog } from 'sessionwarden/element';

export function ElementDialog() {
  const session: SessionManager = useSessionManager();
  const ref = useRef<SessionWarningDialog>(null);
  useEffect(() => void defineSessionWarningDialog(), []);
  return <session-warning-dialog ref={ref} session={session} heading="Still there?" extend-label="Keep me in" className="dialog" />;
}
