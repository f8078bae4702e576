// What the drivers share: waiting on a condition with a deadline, finding where to click, and the
// engines' versions as their binaries report them.
import { execFileSync } from 'node:child_process';
import type { PageFunction, Tab } from './types';

/**
 * Polls `read` until it returns true, at most `timeout` ms: a condition, not a wait for a while.
 * An error (a page navigating, its context gone) counts as not yet.
 */
export async function poll(read: () => Promise<unknown>, timeout: number, what: string): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await read()) return;
      last = undefined;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** `waitForFunction` on a driver without one that survives navigations: polled from here. */
export const pollFunction = <A>(tab: Tab, fn: PageFunction<A, unknown>, arg: A, timeout = 30_000) =>
  poll(() => tab.evaluate(fn, arg), timeout, `${String(fn).slice(0, 200)} (${JSON.stringify(arg) ?? ''})`);

/**
 * The centre of the element `selector` finds, in viewport CSS pixels, scrolled into view; `a >>> b`
 * finds `b` in the open shadow root of `a`. Null when there is none or it has no box.
 */
export const centreOf = (selector: string) => {
  let root: Document | ShadowRoot | null = document;
  let element: Element | null = null;
  for (const part of selector.split('>>>').map((s) => s.trim())) {
    element = root?.querySelector(part) ?? null;
    root = element?.shadowRoot ?? null;
  }
  if (!element) return null;
  element.scrollIntoView({ block: 'center', inline: 'center' });
  const box = element.getBoundingClientRect();
  if (!box.width || !box.height) return null;
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
};

/** A real click at the centre of `selector`'s element, once it has a box (within 5 s). */
export async function clickSelector(tab: Tab, selector: string): Promise<void> {
  let at: { x: number; y: number } | null = null;
  await poll(async () => (at = await tab.evaluate(centreOf, selector)), 5_000, `${selector} to click`);
  await tab.mouse.click(at!.x, at!.y);
}

/** The first line a binary prints for `--version` (or `-v`). */
export function versionOf(binary: string, flag = '--version', env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(binary, [flag], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0]!;
  } catch {
    return `${binary}: not found`;
  }
}
