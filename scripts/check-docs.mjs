// Type-checks every ```ts / ```tsx sample in README.md and docs/*.md against the source, so that no
// sample rots. Each block becomes its own module; a block fenced as ```ts nocheck is skipped. A ```vue
// block is a single-file component with `<script setup lang="ts">`: Vue's compiler turns it (its
// template inlined) into TypeScript, checked the same way, so the template's expressions are too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileScript, parse } from 'vue/compiler-sfc';

const OUT = '.tmp/docs-check';
const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

// Names the samples may use without defining them (global, so a sample may also define its own).
const PRELUDE = `declare const jwt: string;
declare const permissions: Record<string, string[]>;
declare const session: import('sessionwarden').SessionManager;
declare const App: import('vue').Component;
declare function showDialog(expiresAt: number): void;
declare function saveDraft(): Promise<void>;
declare module '*.vue' {
  const component: import('vue').Component;
  export default component;
}
`;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'prelude.d.ts'), PRELUDE);
const origins = new Map();
let count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^```(tsx|ts|vue)([^\n]*)\n([\s\S]*?)^```/gm)) {
    const [, lang, info, code] = match;
    if (info.includes('nocheck')) continue;
    const line = text.slice(0, match.index).split('\n').length;
    const name = `sample-${++count}.${lang === 'vue' ? 'ts' : lang}`;
    origins.set(name, `${file}:${line}`);
    writeFileSync(join(OUT, name), `${lang === 'vue' ? sfc(code, `${file}:${line}`) : code}\nexport {};\n`);
  }
}
/** A single-file component as the TypeScript Vue's compiler makes of it (template inlined in `setup()`). */
function sfc(code, where) {
  const { descriptor, errors } = parse(code, { filename: 'Sample.vue' });
  if (errors.length || !descriptor.scriptSetup || descriptor.scriptSetup.lang !== 'ts') {
    console.error(`docs:check: ${where}: ${errors[0]?.message ?? 'a ```vue sample needs <script setup lang="ts">'}`);
    process.exit(1);
  }
  return compileScript(descriptor, { id: 'sample', inlineTemplate: true }).content;
}

// Python samples (the Django guide): at least they must parse.
let python = 0;
for (const file of files) {
  for (const [, code] of readFileSync(file, 'utf8').matchAll(/^```python\n([\s\S]*?)^```/gm)) {
    execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code, stdio: ['pipe', 'inherit', 'inherit'] });
    python++;
  }
}
writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['*.ts', '*.tsx'], compilerOptions: { noEmit: true } }));
try {
  execFileSync('npx', ['tsc', '-p', join(OUT, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' });
  console.log(`docs:check: ${count} TypeScript samples type-check, ${python} Python samples parse (${files.join(', ')})`);
} catch (error) {
  const report = `${error.stdout}`.replace(/sample-\d+\.tsx?/g, (name) => `${name} (${origins.get(name)})`);
  console.error(report);
  console.error(`docs:check: samples fail to type-check (${count} checked)`);
  process.exit(1);
}
