import type { SessionManager } from 'sessionwarden';

const TEMPLATE = `<style>
:host{--sw-bg:#fff;--sw-fg:#1f2328;--sw-accent:#0b57d0;--sw-muted:#59636e;--sw-radius:12px;--sw-font:system-ui,sans-serif}
dialog{border:0;border-radius:var(--sw-radius);padding:24px 28px;max-width:26rem;background:var(--sw-bg);color:var(--sw-fg);font-family:var(--sw-font);box-shadow:0 12px 40px #0004}
dialog::backdrop{background:#0006}
h2{margin:0 0 8px;font-size:1.25rem}
p{margin:0 0 12px;line-height:1.45;color:var(--sw-muted)}
[part=countdown]{font-size:2rem;font-variant-numeric:tabular-nums;color:var(--sw-fg);margin:8px 0 20px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
.actions{display:flex;gap:12px;justify-content:flex-end}
button{font:inherit;padding:8px 16px;border-radius:8px;cursor:pointer;border:1px solid var(--sw-accent)}
[part=extend]{background:var(--sw-accent);color:#fff}
[part=logout]{background:transparent;color:var(--sw-accent)}
</style>
<dialog part="dialog" aria-labelledby="h" aria-describedby="m">
<h2 id="h" part="heading"><slot name="heading"></slot></h2>
<p id="m" part="message"><slot name="message"></slot></p>
<p part="countdown" role="timer" aria-hidden="true"></p>
<div class="sr" aria-live="polite"></div>
<div class="actions"><button part="logout" type="button"><slot name="logout-label"></slot></button>
<button part="extend" type="button"><slot name="extend-label"></slot></button></div>
</dialog>`;

/** Default texts; each can be replaced by the attribute of the same name or a slot. */
const TEXTS = {
  heading: 'Your session is about to end',
  message: 'You will be signed out soon because of inactivity.',
  'extend-label': 'Stay signed in',
  'logout-label': 'Sign out',
} as const;

const format = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** The `<session-warning-dialog>` element's own API, beyond HTMLElement. */
export interface SessionWarningDialog extends HTMLElement {
  /** The manager whose warnings the dialog shows. */
  session: SessionManager | null;
  /** Whether the dialog is open. */
  readonly open: boolean;
}

/**
 * Defines `<session-warning-dialog>` (once; returns the class). It opens on `'warning'` with a live
 * countdown (ticking only while open; announced politely every 10 s), offers "Stay signed in"
 * (`extend()`) and "Sign out" (`logout()`), and closes on `'extended'` (here or in another tab) and
 * `'expired'`. Texts: attributes `heading`, `message`, `extend-label`, `logout-label` or slots of
 * the same names; styling: `::part(dialog|heading|message|countdown|extend|logout)` and
 * `--sw-bg`, `--sw-fg`, `--sw-accent`, `--sw-muted`, `--sw-radius`, `--sw-font`.
 * Call it in the browser: importing this module touches no DOM.
 */
export function defineSessionWarningDialog(tagName = 'session-warning-dialog'): CustomElementConstructor {
  const existing = customElements.get(tagName);
  if (existing) return existing;

  class Dialog extends HTMLElement implements SessionWarningDialog {
    static observedAttributes = Object.keys(TEXTS);
    #session: SessionManager | null = null;
    #root = this.attachShadow({ mode: 'open' });
    #tick: ReturnType<typeof setTimeout> | undefined;
    #returnFocus: HTMLElement | null = null;
    #announced = '';
    #open = () => this.#show();
    #close = () => this.#hide();

    constructor() {
      super();
      this.#root.innerHTML = TEMPLATE;
      this.#part('extend').addEventListener('click', () => this.#session?.extend());
      this.#part('logout').addEventListener('click', () => this.#session?.logout());
      this.#dialog.addEventListener('cancel', (event) => event.preventDefault()); // Esc must not hide a pending sign-out
      this.#texts();
    }

    get session() {
      return this.#session;
    }

    set session(session: SessionManager | null) {
      this.#listen(false);
      this.#session = session;
      if (this.isConnected) this.#listen(true);
    }

    get open() {
      return this.#dialog.hasAttribute('open');
    }

    connectedCallback() {
      this.#listen(true);
    }

    disconnectedCallback() {
      this.#listen(false);
      this.#hide();
    }

    attributeChangedCallback() {
      this.#texts();
    }

    get #dialog(): HTMLDialogElement {
      return this.#root.querySelector('dialog')!;
    }

    #part(name: string): HTMLElement {
      return this.#root.querySelector(`[part=${name}]`)!;
    }

    #texts() {
      for (const [name, text] of Object.entries(TEXTS)) {
        this.#root.querySelector(`slot[name=${name}]`)!.textContent = this.getAttribute(name) ?? text;
      }
    }

    #listen(on: boolean) {
      const session = this.#session;
      if (!session) return;
      const method = on ? 'on' : 'off';
      session[method]('warning', this.#open);
      session[method]('extended', this.#close);
      session[method]('expired', this.#close);
      if (on && session.state === 'warning') this.#show();
    }

    #show() {
      if (this.open) return;
      this.#returnFocus = document.activeElement as HTMLElement | null;
      const dialog = this.#dialog;
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
      this.#part('extend').focus();
      this.#announced = '';
      this.#render();
    }

    #hide() {
      globalThis.clearTimeout(this.#tick);
      this.#tick = undefined;
      if (!this.open) return;
      const dialog = this.#dialog;
      if (typeof dialog.close === 'function') dialog.close();
      dialog.removeAttribute('open');
      this.#returnFocus?.focus?.();
      this.#returnFocus = null;
    }

    /** Updates the countdown and re-arms for the next whole second, only while open. */
    #render() {
      const remaining = this.#session?.remaining() ?? 0;
      const text = format(remaining);
      this.#part('countdown').textContent = text;
      const seconds = Math.ceil(remaining / 1000);
      if (seconds % 10 === 0 || !this.#announced) {
        const announcement = `Signing out in ${text}`;
        if (announcement !== this.#announced) this.#root.querySelector('[aria-live]')!.textContent = this.#announced = announcement;
      }
      this.#tick = globalThis.setTimeout(() => this.open && this.#render(), remaining % 1000 || 1000);
    }
  }

  customElements.define(tagName, Dialog);
  return Dialog;
}
