/** A fake `EventSource`: every instance is kept, and the test opens, feeds and breaks it. */
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  /** The streams not closed. */
  static live = () => FakeEventSource.all.filter((source) => !source.closed);
  readyState = 0;
  closed = false;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(
    readonly url: string,
    readonly init?: EventSourceInit,
  ) {
    FakeEventSource.all.push(this);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  /** The server accepted the stream. */
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** An event with this `data` (an object is sent as JSON). */
  send(data: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: typeof data === 'string' ? data : JSON.stringify(data) }));
  }
  /** The connection failed or dropped (EventSource would retry on its own: the library must not let it). */
  fail() {
    this.readyState = 0;
    this.onerror?.(new Event('error'));
  }
}
