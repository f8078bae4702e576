import { REASONS } from './record';

/** A message between the tabs of one session. Every field is validated on receipt. */
export type TabMessage =
  | { k: 'activity'; at: number; proved?: number }
  | { k: 'warning' }
  | { k: 'open' }
  | { k: 'gone' }
  | { k: 'extend'; at: number }
  | { k: 'end'; reason: 'idle' | 'token' | 'revoked' | 'closed' | 'logout' }
  | { k: 'token'; token: string | null; skew: number }
  | { k: 'checked'; at: number; result: 'active'; skew: number };

const finite = Number.isFinite as (value: unknown) => value is number;

/** Whether `m` is a well-formed {@link TabMessage}. */
export function isTabMessage(m: unknown): m is TabMessage {
  const msg = m as Record<string, unknown>;
  if (typeof msg !== 'object' || msg === null) return false;
  switch (msg.k) {
    case 'activity': return finite(msg.at) && (msg.proved === undefined || finite(msg.proved));
    case 'warning':
    case 'open':
    case 'gone': return true;
    case 'extend': return finite(msg.at);
    case 'end': return REASONS.includes(msg.reason as string);
    case 'token': return (msg.token === null || typeof msg.token === 'string') && finite(msg.skew);
    case 'checked': return finite(msg.at) && msg.result === 'active' && finite(msg.skew);
    default: return false;
  }
}

/** A channel to the other tabs. */
export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/**
 * Opens the channel: `BroadcastChannel` where there is one, else `storage` events on a
 * transient `localStorage` key. Garbage is dropped and reported through `onError`.
 */
export function openChannel(
  name: string,
  receive: (message: TabMessage) => void,
  onError: (error: unknown, during: string) => void,
): TabChannel | undefined {
  const accept = (data: unknown) => {
    if (isTabMessage(data)) receive(data);
    else onError(new TypeError('sessionwarden: ignored a malformed cross-tab message'), 'channel');
  };
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (event) => accept(event.data);
    return { post: (message) => channel.postMessage(message), close: () => channel.close() };
  }
  const key = `${name}:message`;
  const onStorage = (event: StorageEvent) => {
    if (event.key !== key || !event.newValue) return;
    try {
      accept(JSON.parse(event.newValue).m);
    } catch (error) {
      onError(error, 'channel');
    }
  };
  try {
    window.addEventListener('storage', onStorage);
    localStorage.length; // throws where storage is blocked
  } catch (error) {
    window.removeEventListener('storage', onStorage);
    onError(error, 'channel');
    return undefined;
  }
  let seq = 0;
  return {
    post(message) {
      try {
        // A fresh value each time, so that identical messages still fire `storage` events.
        localStorage.setItem(key, JSON.stringify({ m: message, n: seq++, r: Math.random() }));
        localStorage.removeItem(key);
      } catch (error) {
        onError(error, 'channel');
      }
    },
    close: () => window.removeEventListener('storage', onStorage),
  };
}
