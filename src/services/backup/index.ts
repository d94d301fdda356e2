// Backups: the consistent database copy `callgrid backup` puts beside the data folders.
export { DatabaseBackupService, type DatabaseCopy } from './database-backup-service.ts';
