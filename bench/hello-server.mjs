// The reference peer: the cheapest HTTP server node:http can be, so the ratio
// measures what Callgrid adds on top of Node itself. Plain .mjs (no tsx) keeps
// loader overhead out of the baseline. Port from argv; 127.0.0.1 only.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const body = JSON.stringify({ hello: 'world' });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
