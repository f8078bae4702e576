// The browser tests run in Chromium, Firefox and WebKit, with Debian's engines (Playwright cannot
// download its own browsers here): chromium, firefox-esr, WebKitWebDriver with libwebkit2gtk-4.1's
// MiniBrowser, and Xvfb for MiniBrowser's display. Installs what is missing of the engines `ENGINES`
// names (all three by default) with apt-get when it may (root); else says how, and fails.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const arch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
const NEEDS = {
  chromium: [[process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', 'chromium']],
  firefox: [[process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', 'firefox-esr']],
  webkit: [
    [process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver', 'webkit2gtk-driver'],
    [process.env.MINIBROWSER_PATH ?? `/usr/lib/${arch}/webkit2gtk-4.1/MiniBrowser`, 'libwebkit2gtk-4.1-0'],
    ['/usr/bin/Xvfb', 'xvfb'],
  ],
};
const wanted = (process.env.ENGINES ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
const engines = wanted.length ? wanted : Object.keys(NEEDS);
const unknown = engines.filter((name) => !(name in NEEDS));
if (unknown.length) {
  console.error(`ENGINES: unknown engine ${unknown.join(', ')} (known: ${Object.keys(NEEDS).join(', ')})`);
  process.exit(1);
}
const missing = [...new Set(engines.flatMap((name) => NEEDS[name].filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg)))];
if (missing.length) {
  if (process.getuid?.() !== 0) {
    console.error(`The browser tests need Debian's ${missing.join(', ')}. Install them (sudo apt-get install -y ${missing.join(' ')}), `
      + 'set CHROMIUM_PATH / FIREFOX_PATH / WEBKIT_DRIVER_PATH / MINIBROWSER_PATH, or run fewer engines (ENGINES=chromium npm test).');
    process.exit(1);
  }
  console.log(`Installing Debian's ${missing.join(', ')} for the browser tests…`);
  execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`, { stdio: 'inherit' });
}
