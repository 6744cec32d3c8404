// `npm start`: with nothing configured (no DATABASE_URL) the demo on the embedded database, otherwise
// production mode (`citywifi start`, which says what the configuration lacks). Extra arguments go on:
// `npm start -- --sites 300`.
import { spawn } from 'node:child_process';

const command = process.env.DATABASE_URL ? 'start' : 'demo';
const child = spawn(process.execPath, ['dist/cli/main.js', command, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
