// Fresh apps on the packed tarball, as a user gets them: each app under test/fresh/<name>/ is copied
// to a temporary directory, its dependencies are installed there with the tarball, and it is built
// with its framework's own compiler (`npm run build`: tsc, vue-tsc, vite), failing on any error or
// warning; `npm run build:dev` builds it again with NODE_ENV=development, where the frameworks warn.
// Each page (dist/, dist-dev/, or the app itself when it has no build) then runs in Chromium, Firefox
// and WebKit (`ENGINES` picks) on the browser's clock: the adapter's gates, the warning dialog opening
// as a modal, its "Stay signed in", the expiry, and no console warning or error. An app with its own
// run.mjs (Angular) runs that. Needs `npm run build` first. `node test/fresh/run.mjs react vue` runs
// some; KEEP=1 keeps the temp dir.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNames, openServed } from './served-page.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
/** What a build must not print: a warning or an error, in the words of tsc, vue-tsc, Vite and Rolldown. */
const COMPLAINT = /\bwarn(ing)?\b|\berror\b|\(!\)|\bdeprecated\b/i;

const fail = (message) => {
  throw new Error(`fresh: ${message}`);
};
const run = (command, args, cwd, env = {}) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env } });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed in ${cwd}:\n${output}`);
  return output;
};

const wanted = process.argv.slice(2);
const apps = readdirSync(here).filter((name) => statSync(join(here, name)).isDirectory() && (!wanted.length || wanted.includes(name)));
if (!existsSync(join(repo, 'dist/index.js'))) fail('dist/ is missing: run npm run build first');
const temp = mkdtempSync(join(tmpdir(), 'sessionwarden-fresh-'));
try {
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', temp], { cwd: repo, encoding: 'utf8' }));
  const tarball = join(temp, filename);
  for (const name of apps) {
    if (existsSync(join(here, name, 'run.mjs'))) {
      process.stdout.write(run(process.execPath, [join(here, name, 'run.mjs')], repo));
      continue;
    }
    const app = join(temp, name);
    cpSync(join(here, name), app, { recursive: true, filter: (path) => !/[/\\](node_modules|dist|dist-dev)$/.test(path) });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    manifest.dependencies = { ...manifest.dependencies, sessionwarden: `file:${tarball}` };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
    const pages = [];
    for (const [script, out, env] of [['build', 'dist', {}], ['build:dev', 'dist-dev', { NODE_ENV: 'development' }]]) {
      if (!manifest.scripts?.[script]) continue;
      const output = run('npm', ['run', '--silent', script], app, env);
      const complaints = output.split('\n').filter((line) => COMPLAINT.test(line));
      if (complaints.length) fail(`${name}: npm run ${script} printed:\n${complaints.join('\n')}\n\n${output}`);
      console.log(`fresh ${name}: npm run ${script} (${manifest.scripts[script]}): no warning`);
      if (existsSync(join(app, out, 'index.html'))) pages.push([out, join(app, out)]);
    }
    if (!manifest.scripts?.build && existsSync(join(app, 'index.html'))) pages.push(['no build', app]);
    for (const [label, root] of pages) {
      for (const engine of engineNames()) {
        await inEngine(root, engine);
        console.log(`fresh ${name} (${label}): gates, warning dialog, "Stay signed in" and expiry work in ${engine}, with no console warning`);
      }
    }
  }
} finally {
  if (process.env.KEEP) console.log(`fresh: kept ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}

/**
 * Serves `root` and checks the page in a fresh profile of `engine`. Every app follows one contract: a
 * session of 60 s idle time, warning 20 s before, a token with the role `editor` (who may
 * `posts:edit`); `#state` shows the state; `#edit` shows only with `posts:edit` and `#read-only`
 * only without it; `#admin` only with the role `admin`; one `<session-warning-dialog>` headed "Still there?".
 */
async function inEngine(root, engine) {
  const { page, problems, close } = await openServed(root, { engine });
  try {
    const expect = async (what, actual, expected) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) fail(`${root} in ${engine}: ${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}\n${(await problems()).join('\n')}`);
    };
    /** Waits (real time: the page's own work, not its clock) until `#state` says `state`. */
    const until = (state) =>
      page.waitForFunction((s) => document.querySelector('#state')?.textContent === s, state, { timeout: 10_000 })
        .catch(async () => expect('state', await page.textContent('#state').catch(() => null), state));
    await until('active');
    const shown = () => page.evaluate(() => ['#edit', '#read-only', '#admin'].filter((selector) => document.querySelector(selector)?.checkVisibility()));
    const dialog = () => page.evaluate(() => {
      const element = document.querySelector('session-warning-dialog');
      const inner = element?.shadowRoot?.querySelector('dialog');
      return { open: element?.open ?? null, modal: inner?.matches(':modal') ?? null, focused: element?.shadowRoot?.activeElement?.getAttribute('part') ?? null };
    });
    /** The dialog's role and accessible name (its heading's text, slots as shown), as a screen reader reads them. */
    const named = () => page.evaluate(() => {
      const root = document.querySelector('session-warning-dialog').shadowRoot;
      const flat = (node) => node instanceof HTMLSlotElement
        ? [...(node.assignedNodes({ flatten: true }).length ? node.assignedNodes({ flatten: true }) : node.childNodes)].map(flat).join('')
        : node.nodeType === Node.TEXT_NODE ? node.textContent : [...node.childNodes].map(flat).join('');
      const dialog = root.querySelector('dialog');
      return [dialog.getAttribute('role'), flat(root.getElementById(dialog.getAttribute('aria-labelledby'))).trim()];
    });
    await expect('shown at start', await shown(), ['#edit']);
    await expect('dialog at start', await dialog(), { open: false, modal: false, focused: null });

    await page.clock.runFor(39_000);
    await expect('state before the warning', await page.textContent('#state'), 'active');
    await page.clock.runFor(1_000);
    await until('warning');
    await expect('dialog at the warning', await dialog(), { open: true, modal: true, focused: 'extend' });
    await expect('the dialog\'s role and name', await named(), ['alertdialog', 'Still there?']);
    await page.click('session-warning-dialog >>> [part=extend]'); // "Stay signed in", a real click
    await until('active');
    await expect('dialog after "Stay signed in"', await dialog(), { open: false, modal: false, focused: null });

    await page.clock.runFor(60_000);
    await until('expired');
    await expect('shown once expired', await shown(), ['#read-only']);
    await expect('dialog once expired', (await dialog()).open, false);
    await expect('page errors and console warnings', await problems(), []);
  } finally {
    await close();
  }
}
