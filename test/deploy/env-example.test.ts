// .env.example, the file operators copy into their service manager's environment: it names
// exactly the variables of the README's Configuration table (a variable added to one and not
// the other fails here), and every default it shows is the one the service applies.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { loadConfig } from '../../src/config.js'
import { configurationVariables } from '../helpers/readme.js'

interface EnvLine { readonly name: string, readonly value: string, readonly commented: boolean }

const ENV_EXAMPLE = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')

/** `NAME=value` lines, and `# NAME=value` ones (a default shown commented out). */
function envLines (text: string): EnvLine[] {
  return text.split('\n').flatMap((line) => {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    return match === null ? [] : [{ name: match[2]!, value: match[3]!, commented: match[1] !== undefined }]
  })
}

/** A deployment that loads: what the operator fills in the first block. */
const FILLED = {
  HUBSOFT_URL: 'https://api.provider.hubsoft.com.br',
  HUBSOFT_CLIENT_ID: 'client-id',
  HUBSOFT_CLIENT_SECRET: 'client-secret',
  HUBSOFT_USERNAME: 'user',
  HUBSOFT_PASSWORD: 'password',
  API_KEYS: 'erp:0123456789abcdef0123:read'
}
const HEAP_LIMIT = { heapLimitBytes: 4 * 1024 ** 3 }

test('.env.example names every variable of the README Configuration table, once, and no other', () => {
  const names = envLines(ENV_EXAMPLE).map((line) => line.name)
  assert.equal(new Set(names).size, names.length, 'each variable once')
  assert.deepEqual([...names].sort(), [...new Set(configurationVariables())].sort())
})

test('the defaults .env.example shows are the ones the service applies', () => {
  const lines = envLines(ENV_EXAMPLE)
  // What an operator must fill is not commented out, so a copy that is not filled in refuses to start.
  const active = lines.filter((line) => !line.commented).map((line) => line.name)
  assert.deepEqual(active.sort(), ['HUBSOFT_CLIENT_ID', 'HUBSOFT_CLIENT_SECRET', 'HUBSOFT_PASSWORD', 'HUBSOFT_URL', 'HUBSOFT_USERNAME'])
  assert.throws(() => loadConfig(Object.fromEntries(lines.filter((line) => !line.commented).map((line) => [line.name, line.value]))), /HUBSOFT_CLIENT_ID is required/)

  const shown = lines.filter((line) => line.commented && line.value !== '')
  assert.ok(shown.length >= 25, `${shown.length} defaults shown`)
  const demoOnly = (line: EnvLine) => line.name.startsWith('DEMO_')
  const uncommented = (selected: EnvLine[]) => Object.fromEntries(selected.map((line) => [line.name, line.value]))
  assert.deepEqual(loadConfig({ ...FILLED, ...uncommented(shown.filter((line) => !demoOnly(line))) }, HEAP_LIMIT), loadConfig(FILLED, HEAP_LIMIT))
  assert.deepEqual(loadConfig(uncommented(shown.filter(demoOnly)), HEAP_LIMIT), loadConfig({}, HEAP_LIMIT))
})
