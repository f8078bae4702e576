import { defineComponent, h, inject, onMounted } from 'vue';
import { defineSessionWarningDialog } from 'sessionwarden/element';
import { sessionKey } from './key';

/**
 * The session's warning dialog: `<WarningDialog heading="Still there?" />` renders
 * `<session-warning-dialog>` (from `sessionwarden/element`, defined on first mount) bound to the
 * manager of {@link sessionPlugin}. It opens as a modal dialog on the warning with a countdown,
 * moves focus to "Stay signed in" (`extend()`; Escape does the same), offers "Sign out"
 * (`logout()`), announces the time left politely, and closes on `'extended'`, `'expired'` or
 * `stop()`, returning focus to where it was. Props `heading`, `message`, `extendLabel` and
 * `logoutLabel`, or default-slot children with a `slot` attribute; styling by `::part()` and `--sw-*`
 * custom properties. Made with a render function, so no template needs `compilerOptions.isCustomElement`.
 *
 * A modal dialog makes the page behind it inert: while it is open, a "Stay signed in" button of
 * your own (in a toolbar) cannot be clicked. Use the dialog's button, or your own UI instead of it.
 *
 * @throws `Error` when the app did not `use(sessionPlugin)`.
 */
export const WarningDialog = defineComponent({
  name: 'WarningDialog',
  props: {
    /** The heading. Default "Your session is about to end". */
    heading: String,
    /** The message under it. Default "You will be signed out soon.". */
    message: String,
    /** The label of the button that calls `extend()`. Default "Stay signed in". */
    extendLabel: String,
    /** The label of the button that calls `logout()`. Default "Sign out". */
    logoutLabel: String,
  },
  setup(props, { slots }) {
    const session = inject(sessionKey, null);
    if (!session) throw new Error('sessionwarden: <WarningDialog> needs app.use(sessionPlugin, …)');
    onMounted(() => defineSessionWarningDialog());
    // `.session` sets the property (taken when the element upgrades); the texts are attributes.
    return () =>
      h(
        'session-warning-dialog',
        { '.session': session, heading: props.heading, message: props.message, 'extend-label': props.extendLabel, 'logout-label': props.logoutLabel },
        slots.default?.(),
      );
  },
});
