import type { InjectionKey } from 'vue';
import type { SessionManager } from 'sessionwarden';

/** Where {@link sessionPlugin} provides the manager: `inject(sessionKey)`. */
export const sessionKey: InjectionKey<SessionManager> = Symbol('sessionwarden');
