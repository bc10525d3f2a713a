// The TLS reverse-proxy examples (deploy/nginx, deploy/caddy): they send to where the systemd
// unit listens, pass the caller's address in X-Forwarded-For, and stream answers unbuffered
// (the full /all); and the servers' own parsers accept them (`nginx -t`, `caddy adapt`).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runTool } from '../helpers/required-tool.js'
import { unitEnvironment } from '../helpers/systemd-unit.js'

type Json = Record<string, any>
const NGINX_CONF = readFileSync(new URL('../../deploy/nginx/hubsoft-bff.conf', import.meta.url), 'utf8')
const CADDYFILE_PATH = fileURLToPath(new URL('../../deploy/caddy/Caddyfile', import.meta.url))
const TLS_FIXTURES = fileURLToPath(new URL('../fixtures/tls/', import.meta.url))
const { HOST, PORT } = unitEnvironment()

/** The binary under `path` in Debian's package, on PATH, or where `override` points. */
function binary (name: string, debianPath: string, override: string | undefined): string {
  return override ?? (existsSync(debianPath) ? debianPath : name)
}

/** Each `directive args;` of the nginx file, comments dropped. */
function nginxDirectives (text: string): string[] {
  return text.split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter((line) => line.endsWith(';')).map((line) => line.slice(0, -1).replace(/\s+/g, ' '))
}

test('nginx: TLS, to the unit\'s address, the caller\'s address in X-Forwarded-For, no buffering', () => {
  const directives = nginxDirectives(NGINX_CONF)
  for (const expected of [`server ${HOST}:${PORT}`, 'proxy_pass http://hubsoft_bff', 'listen 443 ssl http2', 'return 301 https://$host$request_uri',
    'proxy_set_header X-Forwarded-For $remote_addr', 'proxy_buffering off', 'proxy_max_temp_file_size 0', 'gzip off', 'client_max_body_size 16k']) {
    assert.ok(directives.includes(expected), expected)
  }
  assert.match(NGINX_CONF, /TRUST_PROXY=127\.0\.0\.1/, 'the comment says what TRUST_PROXY must be')
  assert.equal(unitEnvironment().TRUST_PROXY, HOST, 'the unit trusts the proxy on its own host')
})

test('nginx -t accepts the server block', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-nginx-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // The example's certificate paths point at the test certificate; everything nginx writes goes to `dir`.
  const site = NGINX_CONF
    .replace('/etc/ssl/certs/bff.example.com.pem', join(TLS_FIXTURES, 'simulator-cert.pem'))
    .replace('/etc/ssl/private/bff.example.com.key', join(TLS_FIXTURES, 'simulator-key.pem'))
  writeFileSync(join(dir, 'site.conf'), site)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join('\n')
  writeFileSync(join(dir, 'nginx.conf'), `pid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')};\nevents {}\nhttp {\naccess_log off;\n${temp}\ninclude ${join(dir, 'site.conf')};\n}\n`)
  const nginx = binary('nginx', '/usr/sbin/nginx', process.env.NGINX_PATH)
  const run = await runTool(nginx, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], 'nginx is not installed: .ci/run should install the Debian package nginx')
  if (run === undefined) return t.skip('nginx is not installed')
  assert.equal(run.status, 0, run.output)
  assert.match(run.output, /test is successful/)
})

test('Caddy adapts the Caddyfile to a reverse proxy to the unit\'s address that flushes at once', async (t) => {
  const caddy = binary('caddy', '/usr/bin/caddy', process.env.CADDY_PATH)
  const run = await runTool(caddy, ['adapt', '--config', CADDYFILE_PATH, '--adapter', 'caddyfile'], 'caddy is not installed: .ci/run should install the Debian package caddy')
  if (run === undefined) return t.skip('caddy is not installed')
  assert.equal(run.status, 0, run.output)
  const adapted = JSON.parse(run.output.slice(run.output.indexOf('{'), run.output.lastIndexOf('}') + 1)) as Json
  const handlers: Json[] = []
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk)
    else if (node !== null && typeof node === 'object') {
      if (typeof (node as Json).handler === 'string') handlers.push(node as Json)
      Object.values(node).forEach(walk)
    }
  }
  walk(adapted)
  const proxy = handlers.find((handler) => handler.handler === 'reverse_proxy')
  assert.ok(proxy, 'a reverse_proxy handler')
  assert.deepEqual(proxy.upstreams, [{ dial: `${HOST}:${PORT}` }])
  assert.equal(proxy.flush_interval, -1, 'streamed, not buffered')
  assert.equal(handlers.find((handler) => handler.handler === 'request_body')?.max_size, 16 * 1024)
  assert.equal(handlers.some((handler) => handler.handler === 'encode'), false, 'the service compresses, Caddy must not')
})
