#!/usr/bin/env node
// The package bin. Runs the JavaScript that `npm install` / `npm ci` compiled into dist/ (`npm run
// build`); only when dist/ is missing, e.g. a checkout nobody installed, does it run the TypeScript
// sources through tsx, which works but costs about a second and a half of startup.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/adapters/cli/main.js', import.meta.url);
let main;
if (existsSync(compiled)) ({ main } = await import(compiled.href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../adapters/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
