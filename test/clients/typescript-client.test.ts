// The typed client package's README example (clients/typescript/examples/lookup.ts, which the
// type-check covers) is the README's code, and it runs as printed against a service holding the
// demo data: the CPF's clients, a 304 on revalidation, and the metrics line.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { DEMO_DEFAULT_CLIENTS, DEMO_DEFAULT_SEED } from '../../src/simulator/dataset.js'
import { documentDigits } from '../e2e/oracle.js'
import { KEYS, startService, startSimulator } from '../helpers/service.js'

const CLIENT_DIR = new URL('../../clients/typescript/', import.meta.url)
const EXAMPLE = readFileSync(new URL('examples/lookup.ts', CLIENT_DIR), 'utf8')
const PACKAGE_README = readFileSync(new URL('README.md', CLIENT_DIR), 'utf8')

test('the client README shows examples/lookup.ts, importing the package by its name', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(PACKAGE_README)
  assert.ok(block, 'a ts block')
  const packageName = (JSON.parse(readFileSync(new URL('package.json', CLIENT_DIR), 'utf8')) as { name: string }).name
  assert.equal(block[1], EXAMPLE.replaceAll("'../src/index.js'", `'${packageName}'`))
})

test('the example runs against a service holding the demo data', async (t) => {
  const simulator = await startSimulator(t, { clients: DEMO_DEFAULT_CLIENTS, seed: DEMO_DEFAULT_SEED })
  const app = await startService(t, simulator)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  // The example as printed, pointed at this service with a key it knows; beside the original, so its import resolves.
  const runnable = new URL(`examples/lookup.run-${process.pid}.ts`, CLIENT_DIR)
  writeFileSync(runnable, EXAMPLE.replace("'https://bff.example.com'", `'${baseUrl}'`).replace("'your-read-key'", `'${KEYS.read}'`))
  t.after(() => rmSync(runnable, { force: true }))
  const printed: unknown[] = []
  t.mock.method(console, 'log', (value: unknown) => { printed.push(value) })
  await import(runnable.href)
  t.mock.restoreAll()

  const cpf = /cpf_cnpj: '([^']+)'/.exec(EXAMPLE)![1]!
  const names = simulator.dataset.filter((cliente) => documentDigits(cliente.cpf_cnpj) === documentDigits(cpf)).map((cliente) => cliente.nome_razaosocial)
  assert.ok(names.length > 0, 'the example CPF is in the demo data')
  assert.deepEqual(printed, [names, 304, `hubsoft_bff_snapshot_clients ${DEMO_DEFAULT_CLIENTS}`])
})
