// The TLS reverse-proxy examples (deploy/nginx, deploy/caddy): they send to where the systemd
// unit listens, pass the caller's address in X-Forwarded-For, and stream answers unbuffered
// (the full /all); the servers' own parsers accept them (`nginx -t`, `caddy adapt`); and a real
// nginx with the example in front of a service streams /all byte for byte and passes the caller's
// address while dropping a forged one.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { request } from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { runTool } from '../helpers/required-tool.js'
import { freePort } from '../helpers/server-process.js'
import { KEYS, startService, startSimulator } from '../helpers/service.js'
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

interface Answer { readonly status: number, readonly headers: IncomingHttpHeaders, readonly body: Buffer }

/** An HTTPS GET from `localAddress` (undici's fetch cannot choose it), trusting the test certificate. */
async function httpsGet (url: string, headers: Record<string, string>, localAddress: string): Promise<Answer> {
  return await new Promise((resolve, reject) => {
    const outgoing = request(url, { headers, localAddress, ca: readFileSync(join(TLS_FIXTURES, 'simulator-cert.pem')) }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }))
      incoming.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end()
  })
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

const NGINX_WHY = 'nginx is not installed: .ci/run should install the Debian package nginx'
const nginxBinary = () => binary('nginx', '/usr/sbin/nginx', process.env.NGINX_PATH)

/**
 * The example in a configuration of its own under a fresh directory: the test certificate in
 * place of the example's, everything nginx writes in that directory, and `ports` (when given)
 * for the upstream and the two listening ports, on loopback.
 */
function nginxConfig (t: TestContext, ports?: { upstream: number, http: number, https: number }): { dir: string, conf: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hubsoft-bff-nginx-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  let site = NGINX_CONF
    .replace('/etc/ssl/certs/bff.example.com.pem', join(TLS_FIXTURES, 'simulator-cert.pem'))
    .replace('/etc/ssl/private/bff.example.com.key', join(TLS_FIXTURES, 'simulator-key.pem'))
  if (ports !== undefined) {
    site = site
      .replace(`server ${HOST}:${PORT};`, `server 127.0.0.1:${ports.upstream};`)
      .replace(/^ *listen \[::\].*$/gm, '')
      .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
      .replace('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`)
  }
  writeFileSync(join(dir, 'site.conf'), site)
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join('\n')
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, `pid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')};\nevents {}\nhttp {\naccess_log off;\n${temp}\ninclude ${join(dir, 'site.conf')};\n}\n`)
  return { dir, conf }
}

test('nginx -t accepts the server block', async (t) => {
  const { dir, conf } = nginxConfig(t)
  const run = await runTool(nginxBinary(), ['-t', '-p', dir, '-c', conf, '-e', join(dir, 'error.log')], NGINX_WHY)
  if (run === undefined) return t.skip('nginx is not installed')
  assert.equal(run.status, 0, run.output)
  assert.match(run.output, /test is successful/)
})

test('through nginx: TLS, the full /all streamed byte for byte, and the caller\'s address, not a forged one', async (t) => {
  if (await runTool(nginxBinary(), ['-v'], NGINX_WHY) === undefined) return t.skip('nginx is not installed')
  const simulator = await startSimulator(t, { clients: 500, seed: 15 })
  const app = await startService(t, simulator, { TRUST_PROXY: HOST! })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const upstream = (app.server.address() as AddressInfo).port
  const ports = { upstream, http: await freePort(), https: await freePort() }
  const { dir, conf } = nginxConfig(t, ports)
  // One process in the foreground, stopped by its PID when the test ends.
  const nginx = spawn(nginxBinary(), ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-g', 'daemon off; master_process off;'], { stdio: 'ignore' })
  const exited = new Promise((resolve) => nginx.once('exit', resolve))
  t.after(async () => { nginx.kill('SIGTERM'); await exited })

  // The caller connects from another loopback address, so the service can tell it from nginx (127.0.0.1).
  const CALLER = '127.0.0.2'
  const origin = `https://127.0.0.1:${ports.https}`
  let live = 0
  for (let attempt = 0; attempt < 100 && live !== 200; attempt++) {
    live = await httpsGet(`${origin}/health/live`, {}, CALLER).then((answer) => answer.status, () => 0)
    if (live !== 200) await delay(100)
  }
  assert.equal(live, 200, readFileSync(join(dir, 'error.log'), 'utf8'))

  const authorization = `Bearer ${KEYS.read}`
  const viaNginx = await httpsGet(`${origin}/api/v1/integracao/cliente/all`, { authorization, 'x-forwarded-for': '203.0.113.9' }, CALLER)
  const direct = await fetch(`http://127.0.0.1:${upstream}/api/v1/integracao/cliente/all`, { headers: { authorization } })
  const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
  assert.equal(viaNginx.status, 200)
  assert.equal(viaNginx.headers.etag, direct.headers.get('etag'))
  assert.ok(viaNginx.body.length > 1024 * 1024, `${viaNginx.body.length} bytes: over 1 MiB, so the service streams it`)
  assert.equal(digest(viaNginx.body), digest(Buffer.from(await direct.arrayBuffer())))

  const callers = app.capturedLog.lines.map((line) => JSON.parse(line) as Json)
    .filter((line) => line.req?.url === '/api/v1/integracao/cliente/all').map((line) => line.req.remoteAddress as string)
  assert.deepEqual(callers, [CALLER, '127.0.0.1'], 'nginx passes the caller\'s address, the forged header is dropped')

  const plain = await fetch(`http://127.0.0.1:${ports.http}/status`, { redirect: 'manual' })
  assert.equal(plain.status, 301)
  assert.equal(plain.headers.get('location'), 'https://127.0.0.1/status')
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
