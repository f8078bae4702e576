import { wellFormed } from './record';

/** A message between the tabs of one session. Every field is validated on receipt. */
export type TabMessage =
  | { k: 'activity'; at: number; proved?: number }
  | { k: 'warning' }
  | { k: 'open' }
  | { k: 'gone' }
  | { k: 'extend'; at: number }
  | { k: 'end'; reason: 'idle' | 'token' | 'revoked' | 'closed' | 'logout'; sub?: string }
  | { k: 'token'; token: string | null; skew: number }
  | { k: 'checked'; at: number; result: 'active'; skew: number };

/** Each kind of message, and the fields it must carry. */
const KINDS: Record<string, string[]> = {
  activity: ['at'],
  warning: [],
  open: [],
  gone: [],
  extend: ['at'],
  end: ['reason'],
  token: ['token', 'skew'],
  checked: ['at', 'result', 'skew'],
};

/** Whether `m` is a well-formed {@link TabMessage}. */
export const isTabMessage = (m: unknown): m is TabMessage =>
  wellFormed(m, ['k']) && Object.hasOwn(KINDS, (m as TabMessage).k) && wellFormed(m, KINDS[(m as TabMessage).k]!);

/** A channel to the other tabs. */
export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/**
 * Opens the `BroadcastChannel` to the other tabs. Garbage is dropped and reported through
 * `onError`; without `BroadcastChannel` this tab works alone (reported the same way).
 *
 * A page entering the back/forward cache closes the channel and opens it again when restored: a
 * message reaching a cached page makes Chrome evict it (`broadcastchannel-message`). What the
 * other tabs said meanwhile is in the shared record, which the restored page reads.
 */
export function openChannel(
  name: string,
  receive: (message: TabMessage) => void,
  onError: (error: unknown, during: string) => void,
): TabChannel | undefined {
  if (typeof BroadcastChannel !== 'function') return void onError(new TypeError('sessionwarden: no BroadcastChannel, this tab works alone'), 'channel');
  let channel: BroadcastChannel | undefined;
  const open = () => {
    channel = new BroadcastChannel(name);
    channel.onmessage = ({ data }) => (isTabMessage(data) ? receive(data) : onError(new TypeError('sessionwarden: ignored a malformed cross-tab message'), 'channel'));
  };
  const shut = () => {
    channel?.close();
    channel = undefined;
  };
  const onHide = (event: PageTransitionEvent) => event.persisted && shut();
  const onShow = (event: PageTransitionEvent) => event.persisted && !channel && open();
  open();
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  return {
    post: (message) => channel?.postMessage(message),
    close() {
      removeEventListener('pagehide', onHide);
      removeEventListener('pageshow', onShow);
      shut();
    },
  };
}
