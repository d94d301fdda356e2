// IVR logs: the choices callers made in voice menus, kept and read tenant by tenant.
export { IvrLogService, type IvrLogEntry } from './ivr-log-service.ts';
