// The README's Routes block as a new user runs it: `npm start` (demo mode, no configuration),
// then every `curl` of the block through sh with KEY and ADMIN_KEY from the demo's banner. Each
// answer is checked against what its comment promises, and list answers against the oracle's
// independent reading of the URL over the demo's dataset (DEMO_SEED, DEMO_CLIENTS).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { ERROR_CATALOGUE } from '../../src/errors.js'
import type { ErrorCode } from '../../src/errors.js'
import { DEMO_DEFAULT_CLIENTS, DEMO_DEFAULT_SEED, generateDataset } from '../../src/simulator/dataset.js'
import { readmeSection } from '../helpers/readme.js'
import { missingTool } from '../helpers/required-tool.js'
import { freePort, startServerProcess } from '../helpers/server-process.js'
import { documentDigits, expectedClientes } from './oracle.js'
import type { Expectation } from './oracle.js'

type Json = Record<string, any>
const run = promisify(execFile)
const README_PORT = '3000'
const BASE_PATH = '/api/v1/integracao/cliente'
const dataset = generateDataset({ clients: DEMO_DEFAULT_CLIENTS, seed: DEMO_DEFAULT_SEED }) as Json[]

interface ReadmeCurl { readonly command: string, readonly comment: string }

/** The fenced sh block of a README section: shell variable lines, and each curl with its trailing comment. */
function routesBlock (section: string): { assignments: string[], curls: ReadmeCurl[] } {
  const block = /```sh\n([\s\S]*?)```/.exec(section)
  assert.ok(block, 'the Routes section has a fenced sh block')
  const assignments: string[] = []
  const curls: ReadmeCurl[] = []
  for (const line of block[1]!.split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('#')) continue
    if (/^[A-Z_]+=/.test(line)) {
      assignments.push(line)
      continue
    }
    assert.match(line, /^curl /, `a line of the Routes block the test does not know how to run: ${line}`)
    // A comment is a " # " with no quote after it.
    const comment = /\s+#\s+([^'"]*)$/.exec(line)
    curls.push({ command: comment === null ? line : line.slice(0, comment.index), comment: comment?.[1] ?? '' })
  }
  return { assignments, curls }
}

/** The request URL of a curl line, with $B expanded. */
function targetUrl (command: string, base: string): URL {
  const target = /"?(\$B[^"\s]*|http:\/\/[^"\s]+)"?/.exec(command)
  assert.ok(target, `no URL in: ${command}`)
  return new URL(target[1]!.replace('$B', base))
}

/** The oracle's reading of a data URL's path and query, as the README describes the parameters. */
function expectationOf (url: URL): Expectation {
  const query = Object.fromEntries(url.searchParams)
  const e: Expectation = {}
  if (query.data_inicio !== undefined) e.dataInicio = query.data_inicio
  if (query.data_fim !== undefined) e.dataFim = query.data_fim
  if (query.cancelado !== undefined) e.cancelado = query.cancelado === 'sim'
  if (query.codigo_pacote !== undefined) e.codigoPacote = query.codigo_pacote
  if (query.order_by !== undefined) e.orderBy = query.order_by as Expectation['orderBy']
  if (query.order_type !== undefined) e.orderType = query.order_type as Expectation['orderType']
  if (query.offset !== undefined) e.offset = Number(query.offset)
  if (query.limit !== undefined) e.limit = Number(query.limit)
  const [route, value] = url.pathname.slice(BASE_PATH.length).split('/').filter((part) => part !== '').slice(1)
  const term = decodeURIComponent(value ?? '')
  if (url.pathname === `${BASE_PATH}/todos`) {
    e.limit = Number(query.itens_por_pagina)
    e.offset = Number(query.pagina) * e.limit
  } else if (url.pathname === BASE_PATH) {
    e.limit = query.limit === undefined ? 5 : Number(query.limit)
    if (query.busca === 'cpf_cnpj') e.clientHas = (cliente) => documentDigits(cliente.cpf_cnpj) === documentDigits(query.termo_busca)
    else if (query.busca === 'login_radius') e.serviceHas = (servico) => String(servico.login).toLowerCase() === query.termo_busca!.toLowerCase()
    else assert.fail(`the oracle reads busca=cpf_cnpj and login_radius only: extend it for busca=${query.busca}`)
  } else if (route === 'cpf_cnpj') {
    e.clientHas = (cliente) => documentDigits(cliente.cpf_cnpj) === documentDigits(term)
  } else if (route === 'status') {
    e.serviceHas = (servico) => servico.status_prefixo === term
  } else if (route === 'tecnologia') {
    e.serviceHas = (servico) => typeof servico.tecnologia === 'string' && servico.tecnologia.toLowerCase() === term.toLowerCase()
  } else {
    assert.equal(url.pathname, `${BASE_PATH}/all`, `no oracle reading for ${url.pathname}`)
  }
  return e
}

/** The HTTP statuses a comment names ("202 started, 409 running, 429 …"). */
function statusesIn (comment: string): number[] {
  return [...comment.matchAll(/\b([1-5]\d\d)\b/g)].map((match) => Number(match[1]))
}

/** What a line's answer must hold, judged from its options, its URL and its comment. */
function check ({ command, comment }: ReadmeCurl, url: URL, stdout: string): void {
  const where = `${command}\n${stdout.slice(0, 300)}`
  if (command.includes("-w '%{http_code}")) {
    assert.deepEqual([Number(stdout.trim())], statusesIn(comment), where)
    return
  }
  if (command.includes(' -D - ')) {
    const [statusLine, ...headerLines] = stdout.trim().split(/\r?\n/)
    assert.match(statusLine!, /^HTTP\/1\.1 200 /, where)
    const names = new Set(headerLines.map((header) => header.split(':', 1)[0]!.toLowerCase()))
    for (const name of ['etag', 'last-modified', 'cache-control', 'x-snapshot-age', 'x-snapshot-version']) assert.ok(names.has(name), `${name} in: ${where}`)
    if (command.includes('--compressed')) assert.ok(names.has('content-encoding'), where)
    return
  }
  if (url.pathname.startsWith(BASE_PATH)) {
    const expected = expectedClientes(dataset, expectationOf(url)).map((cliente) => cliente.id_cliente as number)
    assert.ok(expected.length > 0, `the demo data holds no client for ${url.href}: pick README values from the demo dataset`)
    const clientes: Json[] = command.includes('| jq')
      ? stdout.trim().split('\n').map((line) => JSON.parse(line) as Json)
      : (JSON.parse(stdout) as { clientes: Json[] }).clientes
    assert.deepEqual(clientes.map((cliente) => cliente.id_cliente as number), expected, where)
    if (url.searchParams.has('pretty')) assert.match(stdout, /^\{\n {2}"status": "success",\n/, where)
    return
  }
  if (url.pathname === '/metrics') {
    assert.match(stdout, new RegExp(`^hubsoft_bff_snapshot_clients ${DEMO_DEFAULT_CLIENTS}$`, 'm'), where)
    return
  }
  const body = url.pathname === '/openapi.yaml' ? parse(stdout) as Json : JSON.parse(stdout) as Json
  switch (url.pathname) {
    case '/oauth/token':
      assert.equal(body.token_type, 'Bearer', where)
      assert.ok(typeof body.access_token === 'string' && body.access_token.length > 16, where)
      return
    case '/health/live':
    case '/health/ready':
      assert.equal(body.status, 'ok', where)
      return
    case '/status':
      assert.equal(body.snapshot.clients, DEMO_DEFAULT_CLIENTS, where)
      return
    case '/admin/refresh': {
      // The start-up fetch has just run, so REFRESH_MIN_INTERVAL forbids another one.
      assert.equal(body.code, 'refresh_throttled', where)
      const listed = statusesIn(comment)
      if (listed.length > 0) assert.ok(listed.includes(ERROR_CATALOGUE[body.code as ErrorCode].status), where)
      return
    }
    case '/openapi.yaml':
      assert.equal(body.openapi, '3.1.0', where)
      return
    default:
      assert.fail(`no expectation for the README line: ${command}`)
  }
}

test('every curl of the README Routes block answers data against `npm start`', async (t) => {
  for (const tool of ['curl', 'jq']) {
    const found = await run('sh', ['-c', `command -v ${tool}`]).then(() => true, () => false)
    if (!found) {
      missingTool(`${tool} is not on PATH: .ci/run should install the Debian package ${tool}`)
      t.skip(`${tool} is not installed`)
      return
    }
  }
  const { assignments, curls } = routesBlock(readmeSection('Routes'))
  assert.ok(curls.length >= 20, `the Routes block has ${curls.length} curl lines`)

  const port = String(await freePort())
  const server = startServerProcess(t, { PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'warn' })
  const readKey = (await server.waitFor(/read key[^:\n]*:\s+(\S+)/))[1]!
  const adminKey = (await server.waitFor(/admin key[^:\n]*:\s+(\S+)/))[1]!
  const origin = `http://127.0.0.1:${port}`
  // The banner may come before the first fetch: wait until a snapshot is served (bounded).
  for (let attempt = 0; attempt < 300; attempt++) {
    const ready = await fetch(`${origin}/health/ready`).then((response) => response.status, () => 0)
    if (ready === 200) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const first = await fetch(`${origin}${BASE_PATH}/all`, { headers: { authorization: `Bearer ${readKey}` } })
  await first.arrayBuffer()
  assert.equal(first.status, 200)
  const etag = first.headers.get('etag')!.replace(/^"|"$/g, '')

  const preamble = assignments.map((line) => line.replaceAll(`127.0.0.1:${README_PORT}`, `127.0.0.1:${port}`)).join('\n')
  const base = `${origin}${BASE_PATH}`
  for (const curl of curls) {
    const command = curl.command.replaceAll(`127.0.0.1:${README_PORT}`, `127.0.0.1:${port}`).replaceAll('<etag>', etag)
    const { stdout } = await run('sh', ['-c', `${preamble}\n${command}`], { env: { PATH: process.env.PATH ?? '', KEY: readKey, ADMIN_KEY: adminKey }, maxBuffer: 256 * 1024 * 1024 })
    await t.test(curl.command, () => check({ command, comment: curl.comment }, targetUrl(command, base), stdout))
  }
})
