// The HTTP edge (Hono). Talks only to services.
export { createApp, PROXYAPI_PATHS, type AppOptions } from './app.ts';
export { createHttpListener } from './http-listener.ts';
export { BAD_KEY_TEXT } from './proxyapi/errors.ts';
