// A fresh Angular app on the packed tarball, as a user gets it: installed in a temporary directory,
// built by Angular's own CLI and compiler (@angular/build, production, AOT) once with zone.js and
// once zoneless, failing on any build warning; then each build runs in Chromium, Firefox and WebKit
// (`ENGINES` picks), which checks the
// directives, a warning (with <session-warning-dialog>), extend and an expiry driven by the page's
// clock, and that 100 real pointer moves run no change detection. Needs `npm run build` first. KEEP=1 keeps the temporary directory.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNames, openServed } from '../served-page.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../../..');
const MIN = 60_000;
const BUILDS = [
  ['zone', 'production'],
  ['zoneless', 'production,zoneless'],
];
/** What a build must not print (as test/fresh/run.mjs, plus esbuild's ▲ mark). */
const COMPLAINT = /\bwarn(ing)?\b|\berror\b|\(!\)|\bdeprecated\b|▲/i;

const fail = (message) => {
  throw new Error(`fresh angular: ${message}`);
};
const run = (command, args, cwd) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NG_CLI_ANALYTICS: 'false', NO_COLOR: '1' } });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed:\n${output}`);
  return output;
};

if (!existsSync(join(repo, 'dist/angular/index.js'))) fail('dist/angular is missing: run npm run build first');
const temp = mkdtempSync(join(tmpdir(), 'sessionwarden-fresh-angular-'));
const app = join(temp, 'app');
try {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', temp], { cwd: repo, encoding: 'utf8' }));
  for (const file of ['package.json', 'angular.json', 'tsconfig.json', 'src']) cpSync(join(here, file), join(app, file), { recursive: true });
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(temp, filename)], app);
  const { version } = JSON.parse(readFileSync(join(app, 'node_modules/@angular/core/package.json'), 'utf8'));
  // In Node outside an app's build (a test runner, a script), as for Angular's own packages: with
  // @angular/compiler loaded, the partial declarations compile on import, by import and by require.
  const probe = 'typeof m.provideSession === "function" && typeof m.SwCan.ɵdir === "object" || process.exit(3)';
  run('node', ['--input-type=module', '-e', `await import('@angular/compiler'); const m = await import('sessionwarden/angular'); ${probe}`], app);
  run('node', ['-e', `require('@angular/compiler'); const m = require('sessionwarden/angular'); ${probe}`], app);
  console.log('fresh angular: imports and requires in Node (no DOM, @angular/compiler loaded)');

  for (const [name, configuration] of BUILDS) {
    const output = run(join(app, 'node_modules/.bin/ng'), ['build', '--configuration', configuration], app);
    if (COMPLAINT.test(output)) fail(`ng build (${name}) complained:\n${output}`);
    console.log(`fresh angular: ng build --configuration ${configuration} (Angular ${version}, AOT): no warning`);
    for (const engine of engineNames()) {
      const checks = await inEngine(join(app, 'dist', name, 'browser'), engine);
      console.log(`fresh angular (${name}) in ${engine}: directives, warning, extend and expiry work; 100 pointer moves ran ${checks} change detections`);
    }
  }
} finally {
  if (process.env.KEEP) console.log(`fresh angular: kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}

/** Serves `root` and runs the checks in a fresh profile of `engine`; returns the change detections of 100 moves. */
async function inEngine(root, engine) {
  const { page, problems, close } = await openServed(root, { engine });
  try {
    await page.waitForFunction(() => window.app && document.querySelector('#state')?.textContent === 'active', null, { timeout: 15_000 })
      .catch(async () => fail(`the app did not start in ${engine}: ${(await problems()).join('\n') || 'no error'}`));
    const shown = () => page.evaluate(() => ['#edit', '#read-only', '#admin', '#warning'].filter((selector) => document.querySelector(selector)));
    const expect = (what, actual, expected) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) fail(`${engine}: ${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    };
    expect('shown at start', await shown(), ['#edit']);
    // The session's timers live outside the zone: the app is stable (a bound, not a wait: the page's clock is fake).
    const stable = await Promise.race([page.evaluate(async () => { await window.app.whenStable(); return true; }) /* a native promise: zone.js's own is not one to every driver */, new Promise((done) => setTimeout(done, 10_000, false))]);
    expect('app stable', stable, true);

    const before = await page.evaluate(() => window.probe.checks);
    for (let i = 0; i < 100; i++) await page.mouse.move(10 + i * 3, 20 + (i % 7));
    await page.clock.runFor(100); // whatever the moves might have scheduled
    const checks = (await page.evaluate(() => window.probe.checks)) - before;
    expect('change detections for 100 pointer moves', checks, 0);

    await page.clock.runFor(28 * MIN + 1_000); // the warning, from a timer outside the zone
    await page.waitForSelector('#warning');
    expect('state at the warning', await page.textContent('#state'), 'warning');
    expect('dialog open', await page.evaluate(() => document.querySelector('session-warning-dialog').open), true);
    await page.click('session-warning-dialog >>> button[part=extend]'); // its "Stay signed in"
    expect('session after extend', await page.evaluate(() => document.querySelector('session-warning-dialog').session.state), 'active');
    // Angular renders the news on its scheduler's next turn (a timer or a frame): on the paused clock, one frame.
    await page.clock.runFor(20);
    await page.waitForSelector('#warning', { state: 'detached' });
    expect('state after extend', await page.textContent('#state'), 'active');
    expect('dialog open after extend', await page.evaluate(() => document.querySelector('session-warning-dialog').open), false);
    await page.clock.runFor(30 * MIN + 1_000); // idle: the session ends
    await page.waitForFunction(() => document.querySelector('#state')?.textContent === 'expired');
    expect('shown once expired', await shown(), ['#read-only']);
    expect('expired events', await page.evaluate(() => window.probe.expired), ['idle']);
    expect('page errors and console warnings', await problems(), []);
    return checks;
  } finally {
    await close();
  }
}
