// docs/errors.md is the decoder of the production build's codes: every code a check in src/ can
// throw or report is there, and nothing else. And the development build's messages read as written.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionManager, requestActivity, serverCheck } from '../src';
import { DEV, expectBadInput } from './mode';

const core = (readdirSync('src', { recursive: true }) as string[]).filter((file) => /\.ts$/.test(file) && !/^(react|vue|svelte|angular|element|testing)\//.test(file));
/** Every `__DEV__ ? message : code` in the core's source. */
const codesInSource = new Set(
  core.flatMap((file) => [...readFileSync(`src/${file}`, 'utf8').matchAll(/__DEV__ \? (?:'[^']*'|"[^"]*"|`[^`]*`|[\w.()'`]+) : (\d+)\b/g)].map((m) => Number(m[1]))),
);
const docs = readFileSync('docs/errors.md', 'utf8');
const codesInDocs = [...docs.matchAll(/^\| E(\d+) \|/gm)].map((m) => Number(m[1]));

describe('error codes', () => {
  it('docs/errors.md explains every code the source uses, once, and no other', () => {
    expect(codesInSource.size).toBeGreaterThan(40);
    expect(new Set(codesInDocs).size).toBe(codesInDocs.length);
    expect([...codesInSource].sort((a, b) => a - b)).toEqual([...codesInDocs].sort((a, b) => a - b));
  });

  it('the README links it', () => {
    expect(readFileSync('README.md', 'utf8')).toContain('/docs/errors.md)');
  });

  it('a function option: "must be a function", said once', () => {
    expectBadInput(() => requestActivity({ ignore: 1 as never }), TypeError, /^sessionwarden: requestActivity\(\) option `ignore` must be a function$/, 72);
    expectBadInput(() => serverCheck({ request: 1 as never }), TypeError, /^sessionwarden: serverCheck\(\) option `request` must be a function$/, 52);
    expectBadInput(() => new SessionManager({ now: 1 as never }), TypeError, /^sessionwarden: option `now` must be a function$/, 11);
    expectBadInput(() => new SessionManager({ roles: 1 as never }), TypeError, /^sessionwarden: option `roles` must be a function$/, 32);
  });

  it('a duration: a TypeError for what is not a number, a RangeError for a number out of range, in both builds', () => {
    expectBadInput(() => new SessionManager({ idleTimeout: '60000' as never }), TypeError, /^sessionwarden: option `idleTimeout` must be a number ≥ 1$/, 3);
    expectBadInput(() => new SessionManager({ idleTimeout: Number.NaN }), RangeError, /^sessionwarden: option `idleTimeout` must be a number ≥ 1$/, 3);
    expectBadInput(() => new SessionManager({ warnBefore: -1 }), RangeError, /^sessionwarden: option `warnBefore` must be a number ≥ 0, finite$/, 4);
  });

  it('production: bad input cannot give a session that never ends', () => {
    // What the production build keeps checking is what would break the session: NaN would arm no end at all.
    for (const options of [{ idleTimeout: Number.NaN }, { warnBefore: Number.NaN }, { sampleInterval: Number.NaN }, { expiresAt: Number.NaN }, { clockSkew: Number.NaN }]) {
      expect(() => new SessionManager(options), JSON.stringify(options)).toThrow(DEV ? /^sessionwarden: option/ : /^sessionwarden: E\d+$/);
    }
  });
});
