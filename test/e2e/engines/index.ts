// The engines and the prelude, for scripts outside vitest (test/fresh/served-page.mjs bundles this).
export { chromiumEngine } from './chromium';
export { firefoxEngine } from './firefox';
export { webkitEngine } from './webkit';
export { servePrelude, withPrelude } from './prelude';
export type { Browser, Engine, EngineName, Tab } from './types';
