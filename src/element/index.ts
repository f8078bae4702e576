import type { SessionManager } from 'sessionwarden';

// One string without line breaks: every byte of it ships.
const TEMPLATE =
  '<style>' +
  'dialog{width:25rem;border:0;border-radius:var(--sw-radius,14px);padding:1.5rem;background:var(--sw-bg,#fff);color:var(--sw-fg,#1b1f24);box-shadow:0 24px 60px #0003}' +
  '::backdrop{background:var(--sw-backdrop,#0f172a80)}' +
  'h2{margin:0;font-size:1.25rem}' +
  'p{margin:.5rem 0 0}#m{color:var(--sw-muted,#57606a)}' +
  '#c{margin:.75rem 0 1.5rem;font-size:2.5rem;font-weight:600;font-variant-numeric:tabular-nums}' +
  '#l{position:absolute;clip-path:inset(50%)}' +
  'div{display:flex;gap:.75rem;justify-content:end}' +
  'button{font:inherit;padding:.5rem 1.1rem;border:1px solid var(--sw-accent,#0b57d0);border-radius:8px;background:none;color:var(--sw-accent,#0b57d0)}' +
  '#x{background:var(--sw-accent,#0b57d0);color:var(--sw-bg,#fff)}' +
  '</style>' +
  '<dialog part=dialog role=alertdialog aria-labelledby=h aria-describedby="m l">' +
  '<h2 id=h part=heading><slot name=heading></slot></h2>' +
  '<p id=m part=message><slot name=message></slot></p>' +
  '<p id=c part=countdown></p>' +
  '<p id=l aria-live=polite></p>' +
  '<div><button id=o part=logout><slot name=logout-label></slot></button><button id=x part=extend><slot name=extend-label></slot></button></div>' +
  '</dialog>';

/** Default texts; each is replaced by the attribute, or the slot, of the same name. */
const TEXTS: Record<string, string> = {
  heading: 'Your session is about to end',
  message: 'You will be signed out soon.',
  'extend-label': 'Stay signed in',
  'logout-label': 'Sign out',
};

/** `1 minute 5 seconds`, in the page's language `lang` (the runtime's if `lang` is not a valid tag). */
const spoken = (seconds: number, lang?: string): string => {
  const say = (n: number, unit: string) => (n ? new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(n) + ' ' : '');
  try {
    return (say((seconds / 60) | 0, 'minute') + say(seconds % 60, 'second')).trim();
  } catch {
    return spoken(seconds);
  }
};

/**
 * What the dialog uses of a session: a `SessionManager`, or a stand-in such as `sessionwarden/testing`'s
 * `mockSession()`. Structural, so that the ESM and CommonJS typings of the element agree.
 */
export type WarningDialogSession = Pick<SessionManager, 'state' | 'on' | 'off' | 'remaining' | 'extend' | 'logout'>;

/** The `<session-warning-dialog>` element's own API, beyond `HTMLElement`. */
export interface SessionWarningDialog extends HTMLElement {
  /**
   * The manager whose warnings the dialog shows (`null` for none). Setting it while the manager
   * is already warning opens the dialog at once. Set before the element is defined, it is taken
   * when the element upgrades.
   * @throws `TypeError` for a value that is not a `SessionManager`.
   */
  session: WarningDialogSession | null;
  /** Whether the dialog is open. */
  readonly open: boolean;
}

declare global {
  /** `document.createElement('session-warning-dialog')` and `querySelector` know the element's type. */
  interface HTMLElementTagNameMap {
    /** The element {@link defineSessionWarningDialog} defines under its default name. */
    'session-warning-dialog': SessionWarningDialog;
  }
}

/**
 * Defines `<session-warning-dialog>` (or `tagName`) once, and returns its class. Call it in the
 * browser: importing this module touches no DOM, so it is safe during server rendering.
 *
 * Give the element a manager through its `session` property (before or after it is defined). It
 * follows the session's state: opens as a modal `<dialog>` on `'warning'`, moves focus to "Stay
 * signed in" (`extend()`; closing it with Escape does the same), offers "Sign out" (`logout()`), and
 * closes on `'extended'` (here or in another tab), `'expired'` or `stop()`, returning focus to where
 * it was. The countdown ticks once a second only while open;
 * screen readers hear the time left politely: on opening, at each minute, and every 10 s in the last
 * minute, in the page's language.
 *
 * Texts: the attributes `heading`, `message`, `extend-label` and `logout-label`, or slots of the same
 * names. Styling: `::part(dialog|heading|message|countdown|extend|logout)` and the custom properties
 * `--sw-bg`, `--sw-fg`, `--sw-muted`, `--sw-accent`, `--sw-radius` and `--sw-backdrop`; the font is
 * the page's (set `font-family` on the element to change it).
 *
 * @throws `Error` without `customElements` (on the server); a `DOMException` for an invalid `tagName`.
 */
export function defineSessionWarningDialog(tagName = 'session-warning-dialog'): CustomElementConstructor {
  if (typeof customElements !== 'object') throw new Error('sessionwarden: defineSessionWarningDialog() needs a browser');
  const existing = customElements.get(tagName);
  if (existing) return existing;

  class Dialog extends HTMLElement implements SessionWarningDialog {
    static observedAttributes = Object.keys(TEXTS);
    readonly #root = this.attachShadow({ mode: 'open' });
    readonly #dialog: HTMLDialogElement;
    #session: WarningDialogSession | null = null;
    /** The manager whose events we listen to: the session, while connected. */
    #attached?: WarningDialogSession | null;
    #shown = false;
    #tick?: ReturnType<typeof setTimeout>;
    #returnFocus?: HTMLElement | null;
    /** Open while the session is warning: from `'warning'` to `'extended'` (here or in another tab), `'expired'` or `stop()`. */
    readonly #follow = () => (this.#attached?.state === 'warning' ? this.#show() : this.#hide());

    constructor() {
      super();
      this.#root.innerHTML = TEMPLATE;
      this.#byId('x').onclick = () => this.#session?.extend();
      this.#byId('o').onclick = () => this.#session?.logout();
      const dialog = (this.#dialog = this.#root.querySelector('dialog')!);
      // Closed by the browser (Escape): the user is here, so extend. Not when we closed it, or it is open again.
      dialog.onclose = () => {
        if (!this.#shown || dialog.open) return;
        this.#session?.extend();
        this.#hide();
      };
      this.attributeChangedCallback();
      // Set before the upgrade, `session` is an own property that hides the setter: take it through the setter.
      if (Object.hasOwn(this, 'session')) {
        const session = this.session;
        delete (this as Partial<this>).session;
        this.session = session;
      }
    }

    get session(): WarningDialogSession | null {
      return this.#session;
    }

    set session(session: WarningDialogSession | null) {
      if (session !== null && typeof session?.on !== 'function') {
        throw new TypeError('sessionwarden: <session-warning-dialog>.session takes a SessionManager or null');
      }
      this.#session = session;
      this.#sync();
    }

    get open(): boolean {
      return this.#shown;
    }

    connectedCallback(): void {
      this.#sync();
    }

    disconnectedCallback(): void {
      this.#sync();
    }

    attributeChangedCallback(): void {
      for (const name in TEXTS) this.#root.querySelector(`slot[name=${name}]`)!.textContent = this.getAttribute(name) ?? TEXTS[name]!;
    }

    #byId(id: string): HTMLElement {
      return this.#root.getElementById(id)!;
    }

    /** Listens to the session while connected, and shows what it says now. */
    #sync(): void {
      const next = this.isConnected ? this.#session : null;
      if (next === this.#attached) return;
      this.#attached?.off('change', this.#follow);
      next?.on('change', this.#follow);
      this.#attached = next;
      this.#hide();
      this.#follow();
    }

    #show(): void {
      if (this.#shown) return;
      this.#shown = true;
      // The focused element, inside shadow roots too.
      let focused = document.activeElement;
      while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
      this.#returnFocus = focused as HTMLElement | null;
      // happy-dom and old browsers lack showModal(): then it is a plain open dialog.
      this.#dialog.showModal?.();
      this.#dialog.open = true;
      this.#byId('x').focus();
      this.#render(true);
    }

    #hide(): void {
      clearTimeout(this.#tick);
      if (!this.#shown) return;
      this.#shown = false;
      this.#dialog.close?.();
      this.#dialog.open = false;
      // Nothing to return to (the body was focused): leave no focus on a hidden button until the browser's fix-up.
      (this.#root.activeElement as HTMLElement | null)?.blur();
      this.#returnFocus?.focus();
    }

    /** Shows the time left, and re-arms for the next whole second, only while open. */
    #render(opening?: boolean): void {
      const session = this.#attached;
      // destroy() emits nothing: close once the manager is no longer warning.
      if (session?.state !== 'warning') return this.#hide();
      const remaining = session.remaining();
      const seconds = Math.ceil(remaining / 1000);
      this.#byId('c').textContent = `${(seconds / 60) | 0}:${String(seconds % 60).padStart(2, '0')}`;
      // Politely, not every second: on opening, at each minute, and every 10 s in the last minute.
      if (opening || seconds % (seconds > 60 ? 60 : 10) === 0) {
        this.#byId('l').textContent = spoken(seconds, (this.closest('[lang]') as HTMLElement | null)?.lang);
      }
      this.#tick = setTimeout(() => this.#render(), remaining % 1000 || 1000);
    }
  }

  customElements.define(tagName, Dialog);
  return Dialog;
}
