/**
 * A streaming reader of `text/event-stream` bytes (HTML's "event stream interpretation"): lines
 * ended by CR, LF or CRLF, `data:` fields joined by newlines, comments and other fields (`id:`,
 * `retry:`) skipped, one leading BOM dropped, an event dispatched at a blank line. Only events of the
 * default type (`message`) reach `onMessage`, as they reach `EventSource`'s `onmessage`.
 *
 * It works on bytes, not text: a line is decoded only once it is whole (a CR or LF byte is never
 * part of a multi-byte UTF-8 character), so a character split across chunks is read whole. It holds
 * at most `maxSize` bytes of one event: its `data:` lines so far (without their ends) and the line
 * not ended yet. Returns `feed(chunk)`, which answers `false` once the event being read would grow
 * past that: the caller must close the stream.
 */
export function eventStream(maxSize: number, onMessage: (data: string) => void): (chunk: Uint8Array) => boolean {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The bytes of the line not ended yet (a copy: never a view that keeps a whole chunk alive). */
  let rest = new Uint8Array(0);
  /** The event's data so far (`undefined`: no `data:` line yet), its type, and the bytes of its `data:` lines. */
  let data: string | undefined;
  let type = '';
  let size = 0;
  /** The last line ended with a CR: an LF first in what follows is the rest of a CRLF. */
  let cr = false;
  let first = true;
  /** One whole line, and its length in bytes (without its end). */
  const line = (text: string, length: number) => {
    if (first) text = text.replace(/^\uFEFF/, '');
    first = false;
    if (!text) {
      if (data !== undefined && (!type || type === 'message')) onMessage(data);
      data = undefined;
      type = '';
      size = 0;
      return;
    }
    // `field: value` (one space after the colon dropped), `field` alone, or `: a comment` (field '').
    const [, field, value] = /^([^:]*):? ?(.*)$/s.exec(text)!;
    if (field === 'data') {
      data = data === undefined ? value! : `${data}\n${value}`;
      size += length;
    } else if (field === 'event') type = value!;
  };
  return (chunk) => {
    let bytes = chunk;
    if (rest.length) {
      bytes = new Uint8Array(rest.length + chunk.length);
      bytes.set(rest);
      bytes.set(chunk, rest.length);
    }
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 10 && cr) start = i + 1;
      else if (byte === 10 || byte === 13) {
        line(decoder.decode(bytes.subarray(start, i)), i - start);
        start = i + 1;
      }
      // Checked at each byte of a line: a long chunk without a line end is given up at once, and no
      // string is made of a line that does not fit.
      else if (size + i - start >= maxSize) return false; // this byte would be one too many
      cr = byte === 13;
    }
    rest = bytes.slice(start);
    return true;
  };
}
