/** The package version for `cxt --version`, read from package.json wherever this file was built to. */
import { readFileSync } from 'node:fs';

const PACKAGE_NAME = 'corex-settlement';

/**
 * Walks up from this module: it sits at adapters/cli/ in the sources and at dist/adapters/cli/
 * once compiled, so a fixed relative path would be right in only one of them.
 */
export const packageVersion = (from: URL = new URL('.', import.meta.url)): string => {
  for (let dir = from; ; ) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json at this level (or not ours): keep walking up
    }
    const parent = new URL('..', dir);
    if (parent.href === dir.href) throw new Error(`cannot find the package.json of ${PACKAGE_NAME} above ${from.pathname}`);
    dir = parent;
  }
};
