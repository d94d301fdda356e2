// Voice menus (IVR-<id>). Other modules import from here only.
export { Ivr, type IvrDeps } from './ivr.ts';
export { StoreIvrDirectory, ivrSettings, type IvrDirectory, type IvrSettings } from './ivr-settings.ts';
export { destinationOf, type IvrChoice, type IvrChoiceKind, type IvrLog } from './ivr-log.ts';
