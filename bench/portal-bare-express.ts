// The ceiling for this stack: a bare Express 5 + EJS app in one process answering GET /login with a
// page of the login page's size, rendered from a template per request (its per-request values, the
// hidden form tokens, freshly made each time as on the real page). Express's defaults, nothing added.
// With --workers N (N > 1) the same app runs in N node:cluster workers on the one port, as
// `citywifi portal` does with PORTAL_WORKERS=N: the peer for the portal's multi-process figure.
// Run by bench/portal.ts as: node dist/bench/portal-bare-express.js --port P --views DIR [--workers N]
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import express from 'express';

const { values } = parseArgs({
  options: { port: { type: 'string' }, views: { type: 'string' }, tokens: { type: 'string', default: '' }, workers: { type: 'string', default: '1' } },
});
const workers = Number(values.workers);
if (!values.port || !values.views || !Number.isInteger(workers) || workers < 1) {
  console.error('usage: portal-bare-express --port P --views DIR [--tokens LEN,LEN,...] [--workers N]');
  process.exit(2);
}
if (workers > 1 && cluster.isPrimary) {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) console.log(`bare Express + EJS listening on 127.0.0.1:${values.port}, ${workers} workers`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.error(`bare Express worker ${worker.id} exited (${signal ?? code})`);
      process.exit(1);
    }
  });
  process.on('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
} else {
  serve();
}

function serve(): void {
  /** The lengths of the per-request values the template interpolates, in order. */
  const tokenLengths = values.tokens ? values.tokens.split(',').map(Number) : [];
  const randomChars = tokenLengths.reduce((sum, n) => sum + n, 0);

  const app = express();
  app.set('view engine', 'ejs');
  app.set('views', values.views);
  app.set('view cache', true);
  app.get('/login', (_req, res) => {
    // One random draw per request, cut into the tokens.
    const text = randomBytes(Math.ceil((randomChars * 3) / 4) + 3).toString('base64url');
    let at = 0;
    const tokens = tokenLengths.map((length) => text.slice(at, (at += length)));
    res.render('login', { tokens });
  });

  const server = app.listen(Number(values.port), '127.0.0.1', () => {
    console.log(`bare Express + EJS listening on 127.0.0.1:${values.port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
