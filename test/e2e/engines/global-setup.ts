// Starts Firefox once for the whole run (a launch costs seconds, a connection a fraction of one):
// each test file connects over WebDriver BiDi (one session at a time, as the files run one at a
// time) and gives each test a fresh browser context. Ends it after the last file.
import puppeteer from 'puppeteer-core';
import { FIREFOX_WS, firefoxPath } from './firefox';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const wanted = (process.env.ENGINES ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (wanted.length && !wanted.includes('firefox')) return;
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath, headless: true });
  process.env[FIREFOX_WS] = browser.wsEndpoint();
  await browser.disconnect();
  return async () => {
    const endpoint = process.env[FIREFOX_WS]!;
    delete process.env[FIREFOX_WS];
    await (await puppeteer.connect({ browserWSEndpoint: endpoint, protocol: 'webDriverBiDi' })).close();
  };
}
