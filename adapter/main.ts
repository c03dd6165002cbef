/**
 * Entry point of the debug adapter as its own process:
 *   node dist/adapter.js                 DAP over stdin/stdout (any editor's DAP client)
 *   node dist/adapter.js --server=PORT   DAP over TCP on 127.0.0.1:PORT, one session per connection
 */
import * as net from 'node:net';
import { VmscopeSession } from './session';

const serverArg = process.argv.slice(2).find((a) => a.startsWith('--server='));
if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`vmscope adapter: --server wants a port number from 1 to 65535, got '${serverArg}'\n`);
    process.exit(64);
  }
  const server = net.createServer((socket) => {
    const session = new VmscopeSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  server.on('error', (e) => {
    process.stderr.write(`vmscope adapter: cannot listen on 127.0.0.1:${port}: ${e.message}\n`);
    process.exit(73);
  });
  // Loopback only: a debug adapter gives whoever connects full control of the machine.
  server.listen(port, '127.0.0.1', () => process.stderr.write(`vmscope adapter listening on 127.0.0.1:${port}\n`));
} else {
  const session = new VmscopeSession();
  session.start(process.stdin, process.stdout);
}
