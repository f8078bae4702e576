// The demo's client bundle imports no server module: nothing of examples/server but the
// browser-safe permission map, and no `node:` module (Vite would externalize it "for browser compatibility").
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = (path: string) => resolve('src', path);

describe('the demo client', () => {
  it('bundles for the browser from browser-safe modules only', async () => {
    const nodeImports: string[] = [];
    const result = await build({
      entryPoints: ['examples/app/src/main.tsx'],
      bundle: true, write: false, metafile: true, platform: 'browser', format: 'esm', logLevel: 'silent',
      loader: { '.css': 'empty' },
      alias: { 'sessionwarden/react': src('react/index.tsx'), 'sessionwarden/element': src('element/index.ts'), sessionwarden: src('index.ts') },
      plugins: [{ name: 'node-builtins', setup: (b) => b.onResolve({ filter: /^node:/ }, (args) => (nodeImports.push(`${args.importer} → ${args.path}`), { path: args.path, external: true })) }],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.startsWith('examples/server/'))).toEqual(['examples/server/permissions.ts']);
    expect(nodeImports).toEqual([]);
  });
});
