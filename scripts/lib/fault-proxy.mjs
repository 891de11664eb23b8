// A tiny HTTP proxy in front of an S3-compatible server that injects faults, for tests and fault
// scripts: `proxy.mode` decides how the next requests are answered.
//   'pass'       forward everything
//   '503'        503 SlowDown (S3's throttling answer) / '500' InternalError / '403' AccessDenied
//   'fail-parts' forward everything except multipart part uploads (PUT ?partNumber=), which get 503
//   'drop'       destroy the connection without an answer
// `failNext = { count, as }` answers the next `count` requests as mode `as` ('503', '500', 'drop'), then passes.
// `failures` counts the requests it refused; `requests` counts everything it saw.
import http from 'node:http';

const bodies = {
  503: ['SlowDown', 'Please reduce your request rate.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  403: ['AccessDenied', 'Access Denied'],
};

/** @param {{ target: string, port?: number }} opts */
export async function startFaultProxy({ target, port = 0 }) {
  const to = new URL(target);
  /** @type {{ mode: string, failNext: { count: number, as: string } | null, failures: number, requests: number, endpoint: string, close: () => Promise<void> }} */
  const proxy = { mode: 'pass', failNext: null, failures: 0, requests: 0, endpoint: '', close: async () => {} };
  const refuse = (res, status) => {
    proxy.failures++;
    const [code, message] = bodies[status];
    res.writeHead(status, { 'Content-Type': 'application/xml', Connection: 'close' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);
  };
  const server = http.createServer((req, res) => {
    proxy.requests++;
    let mode = proxy.mode;
    if (proxy.failNext?.count > 0) {
      proxy.failNext.count--;
      mode = proxy.failNext.as;
    }
    const isPart = req.method === 'PUT' && /[?&]partNumber=/.test(req.url ?? '');
    if (mode === 'drop') {
      proxy.failures++;
      req.socket.destroy();
      return;
    }
    if (mode === '503' || mode === '500' || mode === '403' || (mode === 'fail-parts' && isPart)) {
      // Drain the body first, as a real server would, then answer.
      req.resume();
      req.on('end', () => refuse(res, mode === 'fail-parts' ? 503 : Number(mode)));
      return;
    }
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  proxy.endpoint = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () =>
    new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    });
  return proxy;
}
