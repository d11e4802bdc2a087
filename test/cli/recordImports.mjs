// `node --import ./recordImports.mjs …` appends the URL of every module the process resolves to
// the file named by CXT_IMPORT_LOG, so a test can see what `cxt --help` really loaded.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.CXT_IMPORT_LOG, `${resolved.url}\n`);
  return resolved;
}

// Module hooks run on their own thread, which loads this file again: register only once.
if (isMainThread) register(import.meta.url);
