// Worker threads do not inherit the tsx loader of the thread that starts them, and Node 20 does not
// apply `--import` from a worker's execArgv before resolving its entry; so the entry is plain
// JavaScript that registers tsx and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
