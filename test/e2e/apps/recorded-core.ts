// The core, with every SessionManager recorded: what the sign-in guide's sample creates (its
// provider does) is watched without a line of the sample changing. `window.ends`: each 'expired',
// with the page's time; `window.sessions`: the managers.
import { SessionManager as Core, type SessionOptions } from '../../../src';

export * from '../../../src';

type Recorder = { ends: { reason: string; at: number }[]; sessions: Core[] };

export class SessionManager extends Core {
  constructor(options?: SessionOptions) {
    super(options);
    const w = window as unknown as Recorder;
    (w.sessions ??= []).push(this);
    this.on('expired', ({ reason }) => (w.ends ??= []).push({ reason, at: Date.now() }));
  }
}
