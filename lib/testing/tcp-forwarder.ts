import net from 'node:net';

/**
 * A TCP forwarder in front of a server, for outage tests: `cut()` resets every open connection and
 * refuses new ones (a database restart); `restore()` accepts again; `hang()` accepts but never answers.
 */
export async function startForwarder(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let mode: 'up' | 'down' | 'hang' = 'up';
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => {});
        if (mode === 'hang') return;
        const upstream = net.connect(target.port, target.host);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const dropAll = () => {
    for (const s of sockets) s.resetAndDestroy();
    sockets.clear();
  };
  return {
    get port() {
      return port;
    },
    async cut() {
      mode = 'down';
      dropAll();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      server = null;
    },
    async restore() {
      mode = 'up';
      if (!server) await listen();
    },
    async hang() {
      await this.cut();
      mode = 'hang';
      await listen();
    },
    async close() {
      dropAll();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    },
  };
}
