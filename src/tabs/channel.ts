import { wellFormed } from './record';
import type { TabMessage } from '../signal';

export type { TabMessage };

/** The fields each built-in kind of message must carry (a signal's own kinds are checked by their field types, and by the signal). */
const KINDS: Record<string, string[]> = {
  activity: ['at'],
  extend: ['at'],
  end: ['reason'],
  token: ['token', 'skew'],
  skew: ['skew'],
  checked: ['at', 'result'],
};

/** Whether `m` is a well-formed {@link TabMessage}: a kind, its required fields, and every known field well-formed. */
export const isTabMessage = (m: unknown): m is TabMessage =>
  wellFormed(m, ['k']) && wellFormed(m, Object.hasOwn(KINDS, (m as TabMessage).k) ? KINDS[(m as TabMessage).k]! : []);

/** A channel to the other tabs. */
export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/**
 * Opens the `BroadcastChannel` to the other tabs (what arrives is passed to `receive` as it is);
 * without `BroadcastChannel` this tab works alone (reported through `onError`).
 *
 * A page entering the back/forward cache closes the channel and opens it again when restored: a
 * message reaching a cached page makes Chrome evict it (`broadcastchannel-message`). What the
 * other tabs said meanwhile is in the shared record, which the restored page reads.
 */
export function openChannel(
  name: string,
  receive: (message: unknown) => void,
  onError: (error: unknown, during: string) => void,
): TabChannel | undefined {
  if (typeof BroadcastChannel !== 'function') return void onError(new TypeError('sessionwarden: no BroadcastChannel, this tab works alone'), 'channel');
  let channel: BroadcastChannel | undefined;
  const open = () => {
    try {
      channel = new BroadcastChannel(name);
      channel.onmessage = ({ data }) => receive(data);
    } catch (error) {
      onError(error, 'channel'); // an origin that may not have one: this tab works alone
    }
  };
  const shut = () => {
    channel?.close();
    channel = undefined;
  };
  const onHide = (event: PageTransitionEvent) => event.persisted && shut();
  const onShow = (event: PageTransitionEvent) => event.persisted && !channel && open();
  open();
  if (!channel) return;
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
