import { wellFormed } from './record';
import type { TabMessage } from '../signal';
import { error } from '../errors';

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

/**
 * Opens the `BroadcastChannel` to the other tabs (what arrives is passed to `receive` as it is);
 * without `BroadcastChannel` this tab works alone (reported through `onError`), and `undefined` is returned.
 *
 * A page entering the back/forward cache closes the channel (the tabs signal does, on the bus's
 * `hide`) and opens it again when restored: a message reaching a cached page makes Chrome evict it
 * (`broadcastchannel-message`). What the other tabs said meanwhile is in the shared record, which
 * the restored page reads.
 */
export function openChannel(name: string, receive: (message: unknown) => void, onError: (error: unknown, during: string) => void): BroadcastChannel | undefined {
  try {
    const channel = new BroadcastChannel(name);
    channel.onmessage = ({ data }) => receive(data);
    return channel;
  } catch (problem) {
    // No BroadcastChannel, or an origin that may not have one: this tab works alone.
    onError(typeof BroadcastChannel == 'function' ? problem : error(__DEV__ ? 'no BroadcastChannel, this tab works alone' : 82), 'channel');
  }
}
