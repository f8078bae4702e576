import { useEffect, useRef, type DetailedHTMLProps, type HTMLAttributes } from 'react';
import { defineSessionWarningDialog, type SessionWarningDialog, type WarningDialogSession } from 'sessionwarden/element';
import { useSessionManager } from './provider';

/**
 * What `<session-warning-dialog>` takes in TSX (importing `sessionwarden/react` declares it in
 * React's `JSX.IntrinsicElements`): the texts as attributes, and `session`, which React 19 sets as
 * a property once the element is defined (call `defineSessionWarningDialog()` before rendering; with
 * React 18, give it through a `ref`, or use {@link WarningDialog}).
 */
export interface SessionWarningDialogAttributes extends DetailedHTMLProps<HTMLAttributes<SessionWarningDialog>, SessionWarningDialog> {
  /** The manager whose warnings the dialog shows. */
  session?: WarningDialogSession | null;
  /** The heading. Default "Your session is about to end". */
  heading?: string;
  /** The message under it. Default "You will be signed out soon.". */
  message?: string;
  /** The label of the button that calls `extend()`. Default "Stay signed in". */
  'extend-label'?: string;
  /** The label of the button that calls `logout()`. Default "Sign out". */
  'logout-label'?: string;
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      /** The `sessionwarden/element` dialog; see {@link SessionWarningDialogAttributes}. */
      'session-warning-dialog': SessionWarningDialogAttributes;
    }
  }
}

/** Props of {@link WarningDialog}: its texts, and any attribute of the element (`id`, `className`, `lang` …). */
export interface WarningDialogProps extends HTMLAttributes<SessionWarningDialog> {
  /** The heading. Default "Your session is about to end". */
  heading?: string;
  /** The message under it. Default "You will be signed out soon.". */
  message?: string;
  /** The label of the button that calls `extend()`. Default "Stay signed in". */
  extendLabel?: string;
  /** The label of the button that calls `logout()`. Default "Sign out". */
  logoutLabel?: string;
}

/**
 * The session's warning dialog: `<session-warning-dialog>` (from `sessionwarden/element`, defined on
 * first mount) bound to the {@link SessionProvider}'s manager. It opens as a modal dialog on the
 * warning with a countdown, moves focus to "Stay signed in" (`extend()`; Escape does the same),
 * offers "Sign out" (`logout()`), announces the time left politely, and closes on `'extended'`,
 * `'expired'` or `stop()`, returning focus to where it was. Texts by props, or by children with a
 * `slot` (`<b slot="heading">…</b>`); styling by `::part()` and `--sw-*` custom properties. Render
 * it once, anywhere under the provider; nothing renders on the server but the tag.
 *
 * A modal dialog makes the page behind it inert: while it is open, a "Stay signed in" button of
 * your own (in a toolbar) cannot be clicked. Use the dialog's button, or your own UI instead of it.
 *
 * @throws `Error` outside a {@link SessionProvider}.
 */
export function WarningDialog({ heading, message, extendLabel, logoutLabel, ...attributes }: WarningDialogProps) {
  const session = useSessionManager();
  const ref = useRef<SessionWarningDialog>(null);
  useEffect(() => {
    defineSessionWarningDialog();
    const element = ref.current!;
    element.session = session;
    // Let go on cleanup, so that the next effect listens again: StrictMode's double effects destroy
    // (and forget the handlers of) a manager the provider owns before starting it again.
    return () => void (element.session = null);
  }, [session]);
  return <session-warning-dialog ref={ref} heading={heading} message={message} extend-label={extendLabel} logout-label={logoutLabel} {...attributes} />;
}
