// PBX vocabulary as plain types and pure rules. Imports shared only.
export * from './tenant.ts';
export * from './api-key.ts';
export * from './web-user.ts';
export * from './money.ts';
export * from './setting.ts';
export * from './objects/index.ts';
export * from './cdr.ts';
export * from './phonebook.ts';
export * from './user-group.ts';
export * from './virtual-extension.ts';
export * from './flow-state.ts';
export * from './user-pattern.ts';
export * from './did-number.ts';
export * from './sip-username.ts';
