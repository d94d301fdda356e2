#!/usr/bin/env node
// The installed `callgrid` command: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
