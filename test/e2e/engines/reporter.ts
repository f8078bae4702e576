// Prints, after the browser tests, each engine's version (read off its binary or package) and the
// wall time its tests took (from the first test's start to the last one's end, per file, summed),
// with how many passed, failed and were skipped.
import { execFileSync } from 'node:child_process';
import type { Reporter, TestModule, TestSuite } from 'vitest/node';
import { versionOf } from './common';
import { executablePath } from './chromium';
import { firefoxPath } from './firefox';

const run = (command: string, args: string[]) => {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'not found';
  }
};
export const engineVersions = (): Record<string, string> => ({
  chromium: versionOf(executablePath),
  firefox: versionOf(firefoxPath),
  webkit: `WebKitGTK ${run('dpkg-query', ['-W', '-f', '${Version}', 'libwebkit2gtk-4.1-0'])} (MiniBrowser, WebKitWebDriver)`,
});

export default class EngineTimes implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const totals = new Map<string, { ms: number; passed: number; failed: number; skipped: number }>();
    for (const module of modules) {
      for (const child of module.children) {
        if (child.type !== 'suite') continue;
        const engine = (child as TestSuite).name;
        const total = totals.get(engine) ?? { ms: 0, passed: 0, failed: 0, skipped: 0 };
        let first = Infinity;
        let last = 0;
        for (const test of (child as TestSuite).children.allTests()) {
          const { state } = test.result();
          if (state === 'passed') total.passed++;
          else if (state === 'failed') total.failed++;
          else total.skipped++;
          const { startTime, duration } = test.diagnostic() ?? {};
          if (startTime && duration !== undefined) {
            first = Math.min(first, startTime);
            last = Math.max(last, startTime + duration);
          }
        }
        if (last > first) total.ms += last - first;
        totals.set(engine, total);
      }
    }
    if (!totals.size) return;
    const versions = engineVersions();
    const lines = [...totals].map(([engine, { ms, passed, failed, skipped }]) =>
      `  ${engine.padEnd(9)} ${`${(ms / 1000).toFixed(0)} s`.padStart(6)}  ${passed} passed, ${failed} failed, ${skipped} skipped  (${versions[engine] ?? '?'})`);
    console.log(`\nBrowser tests by engine (wall time of each engine's tests):\n${lines.join('\n')}\n`);
  }
}
