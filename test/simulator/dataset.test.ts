// Proves the synthetic dataset has the properties demo mode and the other tests lean on: determinism, unique keys, valid documents, and the rare cases (duplicates, unknown fields, all-cancelled clients).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_DEFAULT_CLIENTS, DEMO_DEFAULT_SEED, EXTRA_CLIENTE_FIELD, EXTRA_SERVICO_FIELD, createRandom, generateDataset } from '../../src/simulator/dataset.js'
import { RELACOES } from '../../src/hubsoft/relacoes.js'
import type { Cliente, Servico } from '../../src/hubsoft/cliente-schema.js'

// Written here on purpose instead of importing src/query/cpf-cnpj.ts, so a bug there cannot hide
// a bug in the generator. Uses the "sum × 10 mod 11 mod 10" form of the mod-11 rule.
function mod11 (values: number[], weights: number[]): number {
  let sum = 0
  for (let i = 0; i < weights.length; i++) sum += values[i]! * weights[i]!
  return ((sum * 10) % 11) % 10
}

function validCpf (key: string): boolean {
  if (!/^\d{11}$/.test(key) || /^(\d)\1{10}$/.test(key)) return false
  const d = [...key].map(Number)
  return mod11(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) === d[9] && mod11(d, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) === d[10]
}

function validCnpj (key: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(key) || /^(.)\1{13}$/.test(key)) return false
  const v = [...key].map((c) => c.charCodeAt(0) - 48)
  return mod11(v, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) === v[12] && mod11(v, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) === v[13]
}

const docKey = (stored: string) => stored.replace(/[.\-/]/g, '')

const CLIENT_KEYS = [
  'id_cliente', 'codigo_cliente', 'nome_razaosocial', 'nome_fantasia', 'tipo_pessoa', 'cpf_cnpj',
  'telefone_primario', 'telefone_secundario', 'telefone_terciario', 'email_principal', 'email_secundario',
  'rg', 'rg_emissao', 'inscricao_municipal', 'inscricao_estadual', 'data_cadastro', 'data_nascmento',
  'data_fechamento', 'servicos'
]
const SERVICE_KEYS = [
  'id_cliente_servico', 'id_servico', 'numero_plano', 'nome', 'valor', 'status', 'status_prefixo', 'tecnologia',
  'login', 'senha', 'ipv4', 'ipv6', 'velocidade_download', 'velocidade_upload', 'mac_addr', 'phy_addr',
  'motivo_cancelamento', 'referencia'
]
const DOCUMENTED_STATUSES = [
  'agendado_para_instalacao', 'aguardando_assinatura_contrato', 'aguardando_configuracao', 'aguardando_instalacao',
  'aguardando_liberacao_ti', 'aguardando_migracao', 'cancelado', 'franquia_excedida', 'inativo', 'servico_habilitado',
  'suspenso_debito', 'suspenso_parcialmente', 'suspenso_pedido_cliente'
]
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

const big = generateDataset({ clients: 5000, seed: 7 })
const small = generateDataset({ clients: 50, seed: 3 })
const servicesOf = (clientes: Cliente[]): Servico[] => clientes.flatMap((c) => c.servicos ?? [])

test('the test\'s own check-digit rule agrees with published examples', () => {
  assert.ok(validCpf('52998224725'))
  assert.ok(!validCpf('52998224752'))
  assert.ok(!validCpf('11111111111'))
  assert.ok(validCnpj('11222333000181'))
  assert.ok(!validCnpj('11222333000182'))
  assert.ok(validCnpj('12ABC34501DE35'))
})

test('createRandom is deterministic and stays in [0, 1)', () => {
  const a = createRandom(99)
  const b = createRandom(99)
  const c = createRandom(100)
  const seqA = Array.from({ length: 1000 }, a)
  assert.deepEqual(seqA, Array.from({ length: 1000 }, b))
  assert.notDeepEqual(seqA, Array.from({ length: 1000 }, c))
  assert.ok(seqA.every((x) => x >= 0 && x < 1))
})

test('same options give deep-equal output, another seed gives another dataset', () => {
  const options = { clients: 300, seed: DEMO_DEFAULT_SEED }
  assert.deepEqual(generateDataset(options), generateDataset(options))
  const other = generateDataset({ clients: 300, seed: DEMO_DEFAULT_SEED + 1 })
  assert.notDeepEqual(generateDataset(options), other)
  assert.equal(DEMO_DEFAULT_CLIENTS, 2000)
  assert.equal(DEMO_DEFAULT_SEED, 42)
})

test('returns the requested number of clients', () => {
  for (const clients of [0, 1, 49, 50, 123]) {
    assert.equal(generateDataset({ clients, seed: 1 }).length, clients)
  }
  assert.equal(big.length, 5000)
})

test('ids, codes, service ids, logins and non-null IPv4 are unique; clients sorted by id', () => {
  for (let i = 1; i < big.length; i++) assert.ok(big[i]!.id_cliente > big[i - 1]!.id_cliente, `id order at ${i}`)
  assert.equal(new Set(big.map((c) => c.codigo_cliente)).size, big.length)
  assert.ok(big.every((c) => Number.isInteger(c.codigo_cliente)))
  const servicos = servicesOf(big)
  assert.equal(new Set(servicos.map((s) => s.id_cliente_servico)).size, servicos.length)
  assert.equal(new Set(servicos.map((s) => s.login)).size, servicos.length)
  assert.ok(servicos.every((s) => typeof s.login === 'string' && s.login.length > 0))
  const ips = servicos.map((s) => s.ipv4).filter((ip): ip is string => ip != null)
  assert.ok(ips.length > servicos.length * 0.8, 'most services have an IPv4')
  assert.equal(new Set(ips).size, ips.length)
  assert.ok(ips.every((ip) => /^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) && ip.split('.').every((o) => Number(o) <= 255)))
})

test('every CPF and CNPJ has valid check digits; some CNPJs are alphanumeric; some are formatted', () => {
  for (const c of big) {
    const key = docKey(c.cpf_cnpj!)
    if (c.tipo_pessoa === 'pf') assert.ok(validCpf(key), `CPF ${c.cpf_cnpj}`)
    else assert.ok(validCnpj(key), `CNPJ ${c.cpf_cnpj}`)
  }
  const pj = big.filter((c) => c.tipo_pessoa === 'pj')
  assert.ok(pj.length > 500 && pj.length < 1100, `pj share ${pj.length}`)
  assert.ok(pj.some((c) => /[A-Z]/.test(c.cpf_cnpj!)), 'alphanumeric CNPJ')
  assert.ok(pj.some((c) => /^[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}\/[0-9A-Z]{4}-\d{2}$/.test(c.cpf_cnpj!) && /[A-Z]/.test(c.cpf_cnpj!)), 'formatted alphanumeric CNPJ')
  assert.ok(big.some((c) => /^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(c.cpf_cnpj!)), 'formatted CPF')
  assert.ok(big.some((c) => /^\d{11}$/.test(c.cpf_cnpj!)), 'plain CPF')
})

test('some clients share a CPF/CNPJ (the same person registered twice), even in small datasets', () => {
  for (const clientes of [small, big]) {
    const counts = new Map<string, number>()
    for (const c of clientes) counts.set(docKey(c.cpf_cnpj!), (counts.get(docKey(c.cpf_cnpj!)) ?? 0) + 1)
    const shared = [...counts.values()].filter((n) => n > 1).length
    assert.ok(shared >= 2, `shared documents: ${shared}`)
    if (clientes === big) assert.ok(shared < big.length * 0.03, `about 1%, got ${shared}`)
  }
})

test('clients have the vendor\'s keys in the vendor\'s order and plausible values', () => {
  for (const c of big) {
    assert.deepEqual(Object.keys(c).slice(0, CLIENT_KEYS.length), CLIENT_KEYS)
    assert.match(c.data_cadastro!, TIMESTAMP)
    assert.ok(c.data_cadastro! >= '2015-01-01 00:00:00' && c.data_cadastro! <= '2026-10-31 23:59:59', c.data_cadastro!)
    if (c.data_fechamento != null) {
      assert.match(c.data_fechamento, TIMESTAMP)
      assert.ok(c.data_fechamento > c.data_cadastro!, `closed after registration: ${c.id_cliente}`)
    }
    if (c.tipo_pessoa === 'pf') {
      assert.equal(c.nome_fantasia, null)
      assert.equal(c.inscricao_estadual, null)
    } else {
      assert.equal(c.tipo_pessoa, 'pj')
      assert.equal(c.data_nascmento, null)
    }
    assert.match(c.telefone_primario!, /^\d{10,11}$/)
    assert.equal(c.rg_emissao, null)
    const n = c.servicos!.length
    assert.ok(n >= 1 && n <= 3, `servicos: ${n}`)
  }
  const stamps = new Map<string, number>()
  for (const c of big) stamps.set(c.data_cadastro!, (stamps.get(c.data_cadastro!) ?? 0) + 1)
  const sharingStamp = big.filter((c) => stamps.get(c.data_cadastro!)! > 1).length
  assert.ok(sharingStamp > big.length * 0.05, `clients sharing an exact timestamp: ${sharingStamp}`)
  assert.ok(big.some((c) => c.data_cadastro!.endsWith(' 00:00:00')))
  assert.ok(big.some((c) => /[ÃÇÉÍÓÔÚÂÊ]/.test(c.nome_razaosocial!)), 'accented upper-case names')
  assert.ok(big.some((c) => /^[A-ZÀ-Ý][a-zà-ÿ]+ /.test(c.nome_razaosocial!)), 'title-case names')
  assert.ok(big.some((c) => c.email_principal === null))
  assert.ok(big.some((c) => c.telefone_secundario === null))
  assert.ok(big.some((c) => c.telefone_terciario === ''))
})

test('services have the vendor\'s keys, every documented status and all 13 relations', () => {
  const servicos = servicesOf(big)
  const statuses = new Set(servicos.map((s) => s.status_prefixo))
  for (const status of DOCUMENTED_STATUSES) assert.ok(statuses.has(status), `status ${status}`)
  const habilitados = servicos.filter((s) => s.status_prefixo === 'servico_habilitado').length
  assert.ok(habilitados > servicos.length * 0.65 && habilitados < servicos.length * 0.85)
  for (const s of [...servicos, ...servicesOf(small)]) {
    assert.deepEqual(Object.keys(s).slice(0, SERVICE_KEYS.length), SERVICE_KEYS)
    for (const relacao of RELACOES) assert.ok(relacao in s, `relation ${relacao} on ${s.id_cliente_servico}`)
    assert.equal(typeof s.valor, 'number')
    assert.ok(Number.isInteger(s.velocidade_download) && Number.isInteger(s.velocidade_upload))
    assert.equal(typeof s.status, 'string')
    assert.equal(s.motivo_cancelamento != null, s.status_prefixo === 'cancelado')
    for (const pacote of s.pacotes!) assert.equal(typeof pacote.valor, 'string')
    assert.ok(s.endereco_instalacao != null && typeof s.endereco_instalacao.cidade === 'string')
    assert.ok(s.endereco_cadastral!.coordenadas != null)
  }
  assert.ok(servicos.some((s) => s.senha === null))
  assert.ok(servicos.some((s) => s.ipv4 === null))
  assert.ok(servicos.some((s) => s.tecnologia === null))
  assert.ok(servicos.some((s) => typeof s.mac_addr === 'string' && /^[0-9a-f:]+$/.test(s.mac_addr)))
  assert.ok(new Set(servicos.map((s) => s.tecnologia)).size >= 6, 'provider-style technologies in mixed case')
})

test('a handful of package codes match many clients', () => {
  const clientsByCode = new Map<string, number>()
  for (const c of big) {
    const codes = new Set(c.servicos!.flatMap((s) => s.pacotes!.map((p) => p.codigo!)))
    for (const code of codes) clientsByCode.set(code, (clientsByCode.get(code) ?? 0) + 1)
  }
  assert.ok(clientsByCode.size >= 4 && clientsByCode.size <= 8, `codes: ${[...clientsByCode.keys()].join(',')}`)
  assert.ok((clientsByCode.get('meu_codigo_personalizado_1') ?? 0) > 10)
  for (const s of servicesOf(big)) {
    assert.ok(s.pacotes!.length <= 2)
    assert.equal(new Set(s.pacotes!.map((p) => p.codigo)).size, s.pacotes!.length, 'no package twice on a service')
  }
})

test('unknown fields exist on clients and on services, so pass-through can be tested', () => {
  for (const clientes of [small, big]) {
    assert.ok(clientes.some((c) => EXTRA_CLIENTE_FIELD in c), 'client extra field')
    assert.ok(servicesOf(clientes).some((s) => EXTRA_SERVICO_FIELD in s), 'service extra field')
  }
  const withExtra = big.filter((c) => EXTRA_CLIENTE_FIELD in c).length
  assert.ok(withExtra > 25 && withExtra < 250, `about 2%, got ${withExtra}`)
})

test('some clients have every service cancelled, and those are closed', () => {
  for (const clientes of [small, big]) {
    const allCancelled = clientes.filter((c) => c.servicos!.every((s) => s.status_prefixo === 'cancelado'))
    assert.ok(allCancelled.length >= 1)
    for (const c of allCancelled) assert.match(c.data_fechamento!, TIMESTAMP)
  }
  assert.ok(big.filter((c) => c.data_fechamento == null).length > big.length * 0.8, 'most clients are open')
})
