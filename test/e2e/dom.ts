// Finding what a user sees in a page, in every engine: by test id, by a button's (or a checkbox's
// label's) text, within a row; and real clicks at their centres, as a user's clicks are.
import { poll } from './engines/common';
import type { Tab } from './engines/types';

/** Text to match: a string (the whole trimmed text) or a regular expression. */
export type Text = string | RegExp;
type Pattern = { source: string; flags: string } | string;
const pattern = (text: Text): Pattern => (typeof text === 'string' ? text : { source: text.source, flags: text.flags });

/** Where to look: elements matching `selector` whose text matches `text`, optionally inside an element `within` (selector and text). */
export interface Query {
  selector: string;
  text?: Text;
  within?: { selector: string; text: Text };
}
type PageQuery = { selector: string; text?: Pattern; within?: { selector: string; text: Pattern } };
const pageQuery = ({ selector, text, within }: Query): PageQuery => ({
  selector,
  text: text === undefined ? undefined : pattern(text),
  within: within && { selector: within.selector, text: pattern(within.text) },
});

/** In the page: the visible elements `query` finds, as their centres (scrolled into view) and texts. */
const found = (query: PageQuery) => {
  const matches = (text: string, wanted: PageQuery['text']) =>
    wanted === undefined || (typeof wanted === 'string' ? text.trim() === wanted : new RegExp(wanted.source, wanted.flags).test(text.trim()));
  const textOf = (element: Element) => (element instanceof HTMLInputElement ? element.labels?.[0]?.textContent ?? '' : element.textContent ?? '');
  const scopes = query.within ? [...document.querySelectorAll(query.within.selector)].filter((scope) => matches(scope.textContent ?? '', query.within!.text)) : [document];
  return scopes.flatMap((scope) => [...scope.querySelectorAll(query.selector)])
    .filter((element) => matches(textOf(element), query.text) && (element as HTMLElement).checkVisibility?.() !== false)
    .map((element) => {
      element.scrollIntoView({ block: 'center' });
      const box = element.getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2, size: box.width * box.height };
    })
    .filter((box) => box.size > 0);
};

/** How many visible elements `query` finds now. */
export const count = async (tab: Tab, query: Query) => (await tab.evaluate(found, pageQuery(query))).length;

/** Waits (within `timeout`) until `query` finds an element, and clicks its centre as a user does. */
export async function click(tab: Tab, query: Query, timeout = 5_000): Promise<void> {
  let at: { x: number; y: number } | undefined;
  await poll(async () => (at = (await tab.evaluate(found, pageQuery(query)))[0]), timeout, `${JSON.stringify(pageQuery(query))} to click`);
  await tab.mouse.click(at!.x, at!.y);
}

/** Waits until `query` finds an element. */
export const waitFor = (tab: Tab, query: Query, timeout = 5_000) =>
  poll(async () => (await tab.evaluate(found, pageQuery(query))).length > 0, timeout, `${JSON.stringify(pageQuery(query))} to show`);

/** Waits until the element with `data-testid=id` shows; its text. */
export async function testId(tab: Tab, id: string, timeout = 5_000): Promise<string> {
  let text: string | null = null;
  await poll(async () => (text = await tab.evaluate((i) => document.querySelector(`[data-testid="${i}"]`)?.textContent ?? null, id)) !== null, timeout, `[data-testid=${id}]`);
  return text!;
}

/** Whether the element with `data-testid=id` is in the page now. */
export const hasTestId = (tab: Tab, id: string) => tab.evaluate((i) => document.querySelector(`[data-testid="${i}"]`) !== null, id);

/** Waits until the page's text includes `text`. */
export const waitForText = (tab: Tab, text: string, timeout = 5_000) =>
  poll(() => tab.evaluate((t) => document.body?.textContent?.includes(t) ?? false, text), timeout, `the text "${text}"`);
