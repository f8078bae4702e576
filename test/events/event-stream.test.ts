// The event-stream reader of serverEvents() alone (no session, no timers): the `text/event-stream`
// format as HTML specifies it, any cut of the bytes into chunks, and the bound on what it holds.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { eventStream } from '../../src/events/event-stream';

const bytes = (text: string) => new TextEncoder().encode(text);
/** What `feed` answered for each chunk, and the messages read. */
const read = (chunks: (string | Uint8Array)[], maxSize = 4_096) => {
  const messages: string[] = [];
  const feed = eventStream(maxSize, (data) => messages.push(data));
  const answers = chunks.map((chunk) => feed(typeof chunk === 'string' ? bytes(chunk) : chunk));
  return { messages, answers };
};
/** The same bytes cut at these offsets. */
const cut = (all: Uint8Array, at: number[]) => {
  const ends = [...new Set(at)].sort((a, b) => a - b);
  return [...ends, all.length].map((end, i) => all.slice(i ? ends[i - 1] : 0, end));
};

describe('eventStream(): the format', () => {
  it.each([
    ['LF', 'data: a\n\ndata: b\n\n'],
    ['CR', 'data: a\r\rdata: b\r\r'],
    ['CRLF', 'data: a\r\n\r\ndata: b\r\n\r\n'],
    ['mixed', 'data: a\r\n\ndata: b\r\r\n'],
  ])('%s line ends', (_, stream) => {
    expect(read([stream]).messages).toEqual(['a', 'b']);
  });

  it('data lines join with a newline; one space after the colon is dropped, no more', () => {
    expect(read(['data: one\ndata:two\ndata:  three\ndata\ndata:\n\n']).messages).toEqual(['one\ntwo\n three\n\n']);
  });

  it('comments, id, retry and unknown fields are skipped; a line without a colon is a field with no value', () => {
    expect(read([': hello\nid: 7\nretry: 10\nfoo: bar\ndata x\ndata: a\n:\n\n']).messages).toEqual(['a']);
  });

  it('a blank line with no data dispatches nothing; `data:` alone dispatches the empty string', () => {
    expect(read(['\n\n: ping\n\nid: 1\n\n']).messages).toEqual([]);
    expect(read(['data:\n\n']).messages).toEqual(['']);
  });

  it('only events of the default type are read, as EventSource gives them to onmessage; the type lasts one event', () => {
    expect(read(['event: other\ndata: a\n\nevent: message\ndata: b\n\nevent:\ndata: c\n\ndata: d\n\n']).messages).toEqual(['b', 'c', 'd']);
  });

  it('an event not ended by a blank line is not read', () => {
    expect(read(['data: a\n']).messages).toEqual([]);
    expect(read(['data: a']).messages).toEqual([]);
  });

  it('one leading BOM is dropped, even split across chunks; another one later is part of its line', () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(read([new Uint8Array([bom[0]!]), new Uint8Array([bom[1]!, bom[2]!, ...bytes('data: a\n\n')])]).messages).toEqual(['a']);
    // A second BOM makes the field `\uFEFFdata`, unknown: skipped.
    expect(read([new Uint8Array([...bom, ...bom, ...bytes('data: a\n\ndata: b\n\n')])]).messages).toEqual(['b']);
    expect(read([new Uint8Array([...bytes('data: a\n\n'), ...bom, ...bytes('data: b\n\n')])]).messages).toEqual(['a']);
  });

  it('a CRLF split between two chunks is one line end, not a blank line', () => {
    expect(read(['data: a\r', '\ndata: b\r', '\n\r', '\n']).messages).toEqual(['a\nb']);
  });

  it('a multi-byte character split across chunks is read whole, at every cut', () => {
    const text = 'data: é€😀 ok\n\n'; // 2, 3 and 4 bytes
    const all = bytes(text);
    for (let at = 1; at < all.length; at++) expect(read(cut(all, [at])).messages).toEqual(['é€😀 ok']);
    expect(read([...all].map((byte) => new Uint8Array([byte]))).messages).toEqual(['é€😀 ok']);
  });

  it('invalid UTF-8 and control bytes are read as replacement characters, never thrown', () => {
    const junk = new Uint8Array([...bytes('data: '), 0xff, 0xc3, 0x00, 0x80, ...bytes('\n\n')]);
    expect(read([junk]).messages).toEqual(['\uFFFD\uFFFD\u0000\uFFFD']);
  });

  it('any cut of a stream into chunks reads the same events', () => {
    const all = bytes('\uFEFF: hi\r\nevent: x\ndata: skip\n\ndata: {"type":"é"}\r\ndata: 2\r\rid: 3\n\ndata:  €\n\n');
    const whole = read([all]).messages;
    expect(whole).toEqual(['{"type":"é"}\n2', ' €']);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: all.length - 1 }), { maxLength: 12 }), (at) => {
        expect(read(cut(all, at)).messages).toEqual(whole);
      }),
    );
  });
});

describe('eventStream(): what it holds', () => {
  it('an event of maxSize bytes of data lines is read; one byte more stops the stream at that line', () => {
    // 'data: ' + 14 = 20 bytes per line, without its end.
    expect(read(['data: 01234567890123\n\n'], 20)).toEqual({ messages: ['01234567890123'], answers: [true] });
    expect(read(['data: 012345678901234\n\n'], 20)).toEqual({ messages: [], answers: [false] });
    // Two lines of 10: 20 in all; a third line goes over, before it is decoded.
    expect(read(['data:1234\ndata:5678\n\n'], 18)).toEqual({ messages: ['1234\n5678'], answers: [true] });
    expect(read(['data:1234\ndata:5678\n', 'data:9\n\n'], 18).answers).toEqual([true, false]);
  });

  it('the limit is per event: many events of maxSize each are all read', () => {
    const event = 'data: 0123456789\n\n';
    expect(read(Array.from({ length: 100 }, () => event), 16).messages).toHaveLength(100);
  });

  it('a line without an end is cut as soon as it passes maxSize, chunk by chunk', () => {
    const feed = eventStream(100, () => {});
    const answers = Array.from({ length: 20 }, () => feed(bytes('x'.repeat(10))));
    expect(answers.indexOf(false)).toBe(10); // 110 bytes > 100: the 11th chunk
  });

  it('data lines without a blank line are cut at maxSize; comments and other fields hold nothing', () => {
    const feed = eventStream(100, () => {});
    const answers = Array.from({ length: 30 }, () => feed(bytes('data: 1234\n')));
    expect(answers.indexOf(false)).toBe(10); // 10 lines of 10 bytes fit
    const comments = eventStream(100, () => {});
    expect(Array.from({ length: 1_000 }, () => comments(bytes(': keep-alive\nid: 1\n'))).every(Boolean)).toBe(true);
  });

  it('garbage in random chunks (field names, line ends, text and random bytes): never an exception, never a message over maxSize', () => {
    const token = fc.oneof(
      fc.constantFrom('data: ', 'data:', 'data', '\n', '\r', '\r\n', '\n\n', ':', 'event: x\n', 'é€😀').map(bytes),
      fc.string({ maxLength: 30 }).map(bytes),
      fc.uint8Array({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 10 }), (tokens, at) => {
        const all = new Uint8Array(tokens.reduce((n, t) => n + t.length, 0));
        tokens.reduce((offset, t) => (all.set(t, offset), offset + t.length), 0);
        const messages: string[] = [];
        const feed = eventStream(50, (data) => messages.push(data));
        for (const chunk of cut(all, at.map((n) => n % (all.length + 1)))) if (!feed(chunk)) break;
        // Each character of a message came from at least one byte of the stream.
        for (const message of messages) expect(message.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 500 },
    );
  });
});
