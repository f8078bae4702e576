// The README is the package's page on the registry, where relative links and images resolve to
// nothing: every link and image in it is absolute.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync('README.md', 'utf8');
const targets = [...readme.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[0].startsWith('!') ? `image ${match[1]}` : match[1]!);

describe('README.md', () => {
  it('links and shows images by absolute URLs only', () => {
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !/^(image )?(https:\/\/|#)/.test(target))).toEqual([]);
  });

  it('takes images from raw.githubusercontent.com, and repository files from the repository on GitHub', () => {
    const images = targets.filter((target) => target.startsWith('image '));
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^image https:\/\/raw\.githubusercontent\.com\/sessionwarden\/sessionwarden\/main\/docs\/images\/[\w-]+\.png$/);
    const own = targets.filter((target) => target.startsWith('https://github.com/sessionwarden/'));
    for (const link of own) expect(link).toMatch(/^https:\/\/github\.com\/sessionwarden\/sessionwarden\/(blob|tree)\/main\/[\w./-]+$/);
  });

  it('links only to files that exist in the repository', () => {
    const prefix = /^(image )?https:\/\/(github\.com\/sessionwarden\/sessionwarden\/(blob|tree)\/main|raw\.githubusercontent\.com\/sessionwarden\/sessionwarden\/main)\//;
    const missing = targets.filter((target) => prefix.test(target)).map((target) => target.replace(prefix, '')).filter((path) => {
      try {
        readFileSync(path);
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code !== 'EISDIR';
      }
    });
    expect(missing).toEqual([]);
  });
});
