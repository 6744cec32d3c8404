// nginx serving the login page's bytes as a static file: the physical ceiling for a page of that size
// on this machine. Its configuration lives in a directory of its own; /etc/nginx is never read.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type ServerProcess } from './server-process.js';

export function findNginx(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((path) => existsSync(path));
}

export function nginxVersion(binary: string): string {
  const { stderr } = spawnSync(binary, ['-v'], { encoding: 'utf8', timeout: 10_000 });
  return /nginx\/(\S+)/.exec(stderr ?? '')?.[1] ?? 'unknown';
}


export interface NginxSite {
  dir: string;
  port: number;
  /** What GET /login answers, byte for byte. */
  page: Buffer;
  /** nginx worker processes: one per core, as nginx is usually run. */
  workers: number;
}

/**
 * Writes nginx.conf and the page into dir. GET /login (any query) answers the page as text/html; the
 * directory is made world-readable because nginx started as root serves from unprivileged workers.
 */
export function writeNginxSite(site: NginxSite): string {
  const www = join(site.dir, 'www');
  const temp = join(site.dir, 'temp');
  mkdirSync(www, { recursive: true });
  mkdirSync(temp, { recursive: true });
  writeFileSync(join(www, 'login.html'), site.page);
  const runAsRoot = process.getuid?.() === 0;
  const conf = join(site.dir, 'nginx.conf');
  writeFileSync(
    conf,
    `# Written by bench/portal-nginx.ts for one benchmark run.
${runAsRoot ? 'user nobody nogroup;\n' : ''}worker_processes ${site.workers};
daemon off;
master_process on;
pid ${join(site.dir, 'nginx.pid')};
error_log ${join(site.dir, 'error.log')} warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${join(temp, 'body')};
  proxy_temp_path ${join(temp, 'proxy')};
  fastcgi_temp_path ${join(temp, 'fastcgi')};
  uwsgi_temp_path ${join(temp, 'uwsgi')};
  scgi_temp_path ${join(temp, 'scgi')};

  server {
    listen 127.0.0.1:${site.port};
    root ${www};
    location = /login {
      default_type "text/html; charset=utf-8";
      try_files /login.html =404;
    }
  }
}
`,
  );
  for (const path of [site.dir, www, temp]) chmodSync(path, 0o755);
  chmodSync(join(www, 'login.html'), 0o644);
  return conf;
}

export function startNginx(binary: string, dir: string): ServerProcess {
  return startProcess('nginx', binary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], process.env);
}

export function nginxErrorLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'error.log'), 'utf8').slice(-4000);
  } catch {
    return '';
  }
}
