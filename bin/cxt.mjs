#!/usr/bin/env node
// The package bin. Sources are TypeScript run through tsx, so `npx cxt` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../adapters/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
