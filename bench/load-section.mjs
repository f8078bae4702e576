// The load benchmark's section of docs/benchmarks.md: written by bench/load.mjs between two markers,
// and carried over by bench/run.mjs when it rewrites the rest of the file.
import { existsSync, readFileSync } from 'node:fs';

const START = '<!-- bench:load -->';
const END = '<!-- /bench:load -->';
const FILE = 'docs/benchmarks.md';

/** The section as it stands in docs/benchmarks.md (markers included), or `''`. */
export function loadSection(file = FILE) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  return start >= 0 && end > start ? text.slice(start, end + END.length) : '';
}

/** `markdown` with the section set to `lines` (replaced where it was, else appended). */
export function withLoadSection(markdown, lines) {
  const section = `${START}\n${lines.join('\n')}\n${END}`;
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start >= 0 && end > start) return `${markdown.slice(0, start)}${section}${markdown.slice(end + END.length)}`;
  return `${markdown.trimEnd()}\n\n${section}\n`;
}
