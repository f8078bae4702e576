// Builds sessionwarden/angular with Angular's own compiler in partial mode, as ng-packagr does: the
// output declares its directives (ɵɵngDeclare…) for the app's compiler to link ahead of time.
// esbuild (tsup) would keep the decorators, which need the JIT compiler at run time and break
// production builds. Runs after tsup, whose dist/index.d.ts the compiler reads for the core's types.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const OUT = 'dist/angular';
if (!existsSync('dist/index.d.ts')) throw new Error('build-angular: dist/index.d.ts is missing: run tsup first');
const cli = createRequire(import.meta.url).resolve('@angular/compiler-cli/package.json');
const ngc = join(dirname(cli), JSON.parse(readFileSync(cli, 'utf8')).bin.ngc);
execFileSync(process.execPath, [ngc, '-p', 'src/angular/tsconfig.json'], { stdio: 'inherit' });
// CommonJS for test runners that require() (Jest): the same declarations, linked by the JIT compiler there.
await build({
  entryPoints: [`${OUT}/index.js`],
  outfile: `${OUT}/index.cjs`,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
copyFileSync(`${OUT}/index.d.ts`, `${OUT}/index.d.cts`);
if (!readFileSync(`${OUT}/index.js`, 'utf8').includes('ɵɵngDeclareDirective')) throw new Error('build-angular: no partial declarations in the output');
console.log(`build-angular: ${OUT}/index.{js,cjs,d.ts,d.cts} (partial compilation)`);
