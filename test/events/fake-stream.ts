/**
 * A fake `fetch` for the event stream: each request is kept as a {@link FakeStream}, which the test
 * answers (`open()`, `refuse()`), feeds chunk by chunk (`write()`, `send()`) and breaks (`end()`,
 * `fail()`). Its body is a pull-based `ReadableStream` (high-water mark 0), so `bytesRead` is what the
 * client asked for and took, no more. Like a real `fetch`, aborting the request's signal rejects a
 * pending answer and errors the body.
 */
const encoder = new TextEncoder();
const abortError = () => new DOMException('The operation was aborted.', 'AbortError');
const END = Symbol('end');

export class FakeStream {
  static all: FakeStream[] = [];
  /** The requests neither aborted nor ended, with their bodies not cancelled. */
  static live = () => FakeStream.all.filter((stream) => !stream.closed);
  /** Aborted by the client, its body cancelled, or ended (by the server or a failure). */
  closed = false;
  /** The client aborted the request's signal. */
  aborted = false;
  /** The client cancelled the body (`reader.cancel()`). */
  cancelled = false;
  /** Bytes of the body the client has read. */
  bytesRead = 0;
  /** `bytesRead` when the client aborted or cancelled (undefined while it has not). */
  readWhenClosed: number | undefined;
  readonly url: string;
  readonly init: RequestInit;
  readonly response: Promise<Response>;
  private answer!: (response: Response) => void;
  private reject!: (error: unknown) => void;
  private answered = false;
  private queue: (Uint8Array | Error | typeof END)[] = [];
  private wake = () => {};
  private body?: ReadableStreamDefaultController<Uint8Array>;

  constructor(input: RequestInfo | URL, init: RequestInit = {}) {
    this.url = String(input);
    this.init = init;
    this.response = new Promise((resolve, reject) => ((this.answer = resolve), (this.reject = reject)));
    const signal = init.signal;
    signal?.addEventListener('abort', () => {
      this.aborted = true;
      this.shut();
      if (!this.answered) this.reject(abortError());
      else this.body?.error(abortError());
    });
    FakeStream.all.push(this);
  }

  private shut() {
    if (!this.closed) this.readWhenClosed = this.bytesRead;
    this.closed = true;
  }

  /** Answers with `status` and these headers (default: 200, `text/event-stream`) and a body the test feeds. */
  open(status = 200, headers: Record<string, string> = { 'content-type': 'text/event-stream' }) {
    this.answered = true;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => void (this.body = controller),
        pull: async (controller) => {
          while (!this.queue.length) await new Promise<void>((resolve) => (this.wake = resolve));
          const next = this.queue.shift()!;
          if (next === END) controller.close();
          else if (next instanceof Error) controller.error(next);
          else {
            this.bytesRead += next.length;
            controller.enqueue(next);
          }
        },
        cancel: () => {
          this.cancelled = true;
          this.shut();
        },
      },
      { highWaterMark: 0 },
    );
    this.answer({
      ok: status >= 200 && status < 300,
      status,
      type: status === 0 ? 'opaqueredirect' : 'basic',
      redirected: false,
      headers: new Headers(headers),
      body,
    } as unknown as Response);
  }

  /** Answers with a status that is no stream (401 by default). */
  refuse(status = 401, headers: Record<string, string> = {}) {
    this.open(status, headers);
  }

  /** Bytes on the stream, as they are (a string is sent as UTF-8). */
  write(chunk: string | Uint8Array) {
    this.queue.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    this.wake();
  }

  /** One event with this `data` (an object is sent as JSON). */
  send(data: unknown) {
    this.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  }

  /** The server ends the stream. */
  end() {
    this.queue.push(END);
    this.wake();
    this.closed = true;
  }

  /** The connection fails: before an answer the request rejects, after it the body errors. */
  fail() {
    this.closed = true;
    if (!this.answered) return this.reject(new TypeError('Failed to fetch'));
    this.queue.push(new TypeError('network error'));
    this.wake();
  }
}

/** The fake `fetch`: a new {@link FakeStream} for each request. */
export const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) => new FakeStream(input, init).response;
