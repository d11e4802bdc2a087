/** Writes audit.json and audit.html into the output directory (created if missing). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditReport } from './audit.ts';
import { auditHtml } from './auditHtml.ts';

export interface AuditFiles {
  readonly json: string;
  readonly html: string;
}

export const writeAuditFiles = async (outDir: string, report: AuditReport): Promise<AuditFiles> => {
  await mkdir(outDir, { recursive: true });
  const files = { json: join(outDir, 'audit.json'), html: join(outDir, 'audit.html') };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.html, auditHtml(report));
  return files;
};
