/** adapters/audit — export, import and the auditor's replay of an exported log (with the chain). */
export * from './findings.ts';
export * from './envelope.ts';
export * from './lineReader.ts';
export * from './chainLinks.ts';
export * from './jsonDiff.ts';
export * from './rows.ts';
export * from './epochAudit.ts';
export * from './distributionAudit.ts';
export * from './replay.ts';
export * from './chainLogs.ts';
export * from './chainAudit.ts';
export * from './audit.ts';
export * from './auditHtml.ts';
export * from './auditFiles.ts';
export * from './exportLog.ts';
export * from './logFile.ts';
export * from './storeSelection.ts';
