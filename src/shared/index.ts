// Shared kernel: errors, time, logging and secret handling. Imports nothing from src.
export { PbxError, isPbxError, type ErrorCode } from './pbx-error.ts';
export { systemClock, FakeClock, type Clock, type CancelTimer } from './clock.ts';
export { createLogger, redactUrl, silentLogger, type Logger } from './logger.ts';
export { newApiKey, newToken, sha256Hex, digestsEqual, hashPassword, verifyPassword } from './secrets.ts';
export { formatDateTime, parseDateBound } from './date-time.ts';
export { ok, err, type Result } from './result.ts';
export { startModuleWorker } from './module-worker.ts';
export { randomText } from './random-pool.ts';
