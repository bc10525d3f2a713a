// The service end to end: a simulator over loopback, the real upstream client and refresh, and
// every route and parameter checked against the oracle's independent reading of the contract
// over the simulator's raw dataset.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { bearer, startService, startSimulator } from '../helpers/service.js'
import type { KeyName } from '../helpers/service.js'
import { documentDigits, expectedClientes, plain } from './oracle.js'
import type { Expectation } from './oracle.js'

type Json = Record<string, any>
const BASE = '/api/v1/integracao/cliente'

async function get (app: FastifyInstance, url: string, key: KeyName | null = 'read', headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'GET', url, headers: { ...(key === null ? {} : bearer(key)), ...headers } })
  const body = response.body === '' ? null : JSON.parse(response.body) as Json
  return { status: response.statusCode, body, headers: response.headers, raw: response.body }
}

async function setup (t: TestContext, clients = 400) {
  const simulator = await startSimulator(t, { clients, seed: 7 })
  const app = await startService(t, simulator)
  assert.equal(app.refresher.lastOutcome?.outcome, 'success', app.refresher.lastOutcome?.error)
  return { simulator, app, dataset: simulator.dataset as Json[] }
}

function firstDay (dataset: Json[], index: number): string {
  return dataset[index]!.data_cadastro.slice(0, 10)
}

test('cliente/all answers every vendor parameter as the contract reads', async (t) => {
  const { app, dataset } = await setup(t)
  const someCode = dataset.flatMap((c) => c.servicos).flatMap((s: Json) => s.pacotes).find((p: Json) => p?.codigo)!.codigo as string
  const day = firstDay(dataset, 17)
  const table: Array<[string, Expectation, { mayBeEmpty?: boolean }?]> = [
    ['', {}],
    ['cancelado=nao', {}],
    ['cancelado=sim', { cancelado: true }],
    ['data_inicio=2019-01-01', { dataInicio: '2019-01-01' }],
    ['data_fim=2018-06-30', { dataFim: '2018-06-30' }],
    ['data_inicio=2017-03-01&data_fim=2020-12-31', { dataInicio: '2017-03-01', dataFim: '2020-12-31' }],
    // data_fim is inclusive for the whole day: one day as both bounds finds that day's clients.
    [`data_inicio=${day}&data_fim=${day}`, { dataInicio: day, dataFim: day }],
    [`codigo_pacote=${someCode}`, { codigoPacote: someCode }],
    [`codigo_pacote=${someCode}&cancelado=sim`, { codigoPacote: someCode, cancelado: true }],
    ['codigo_pacote=no-such-code', { codigoPacote: 'no-such-code' }, { mayBeEmpty: true }],
    ['relacoes=pacotes,grupos', { relations: ['pacotes', 'grupos'] }],
    ['relacoes=status_conexao,%20porta_atendimento,pacotes,pacotes', { relations: ['status_conexao', 'porta_atendimento', 'pacotes'] }],
    // Empty is absent, as HubSoft (Laravel) reads it: the default relations.
    ['relacoes=', {}],
    ['relacoes=ultima_conexao', { relations: [] }],
    ['limit=10&offset=5', { limit: 10, offset: 5 }],
    ['offset=300', { offset: 300 }],
    ['offset=100000', { offset: 100000 }, { mayBeEmpty: true }],
    ['limit=3&order_type=desc', { limit: 3, orderType: 'desc' }],
    ['order_by=data_fechamento', { orderBy: 'data_fechamento' }],
    ['order_by=data_fechamento&order_type=desc&cancelado=sim', { orderBy: 'data_fechamento', orderType: 'desc', cancelado: true }],
    ['order_type=desc&offset=20&limit=30&data_inicio=2016-01-01', { orderType: 'desc', offset: 20, limit: 30, dataInicio: '2016-01-01' }],
    ['ultima_conexao=nao&limit=2', { limit: 2 }]
  ]
  for (const [query, expectation, options] of table) {
    const { status, body } = await get(app, `${BASE}/all?${query}`)
    assert.equal(status, 200, query)
    const expected = expectedClientes(dataset, expectation)
    if (options?.mayBeEmpty !== true) assert.ok(expected.length > 0, `the table row '${query}' should select someone`)
    assert.equal(body!.status, 'success')
    assert.equal(body!.msg, 'Dados consultados com sucesso')
    assert.deepEqual(body!.clientes, expected, query)
  }
})

test('cancelado=nao drops clients whose every service is cancelled, keeps them with cancelado=sim', async (t) => {
  const { app, dataset } = await setup(t)
  const allCancelled = dataset.find((c) => c.servicos.length > 0 && c.servicos.every((s: Json) => s.status_prefixo === 'cancelado'))
  assert.ok(allCancelled, 'the dataset has a client with every service cancelled')
  const ids = async (query: string) => (await get(app, `${BASE}/all?${query}`)).body!.clientes.map((c: Json) => c.id_cliente)
  assert.equal((await ids('')).includes(allCancelled.id_cliente), false)
  assert.equal((await ids('cancelado=sim')).includes(allCancelled.id_cliente), true)
})

test('sub-routes: cpf_cnpj, status and tecnologia', async (t) => {
  const { app, dataset } = await setup(t)
  const byDocument = new Map<string, Json[]>()
  for (const cliente of dataset) byDocument.set(documentDigits(cliente.cpf_cnpj), [...(byDocument.get(documentDigits(cliente.cpf_cnpj)) ?? []), cliente])
  const shared = [...byDocument.entries()].find(([, clientes]) => clientes.length > 1 && clientes.every((c) => c.servicos.some((s: Json) => s.status_prefixo !== 'cancelado')))
  assert.ok(shared, 'the dataset has a CPF/CNPJ shared by two clients')
  const [sharedKey, sharedClients] = shared
  const formatted = sharedKey.length === 11 ? `${sharedKey.slice(0, 3)}.${sharedKey.slice(3, 6)}.${sharedKey.slice(6, 9)}-${sharedKey.slice(9)}` : `${sharedKey.slice(0, 2)}.${sharedKey.slice(2, 5)}.${sharedKey.slice(5, 8)}/${sharedKey.slice(8, 12)}-${sharedKey.slice(12)}`
  const alphanumeric = [...byDocument.keys()].find((key) => /[A-Z]/.test(key))
  assert.ok(alphanumeric, 'the dataset has an alphanumeric CNPJ')

  const cpfCases: Array<[string, string, Expectation]> = [
    [sharedKey, '', {}],
    [encodeURIComponent(formatted), '', {}],
    [sharedKey, 'cancelado=sim&relacoes=pacotes', { cancelado: true, relations: ['pacotes'] }],
    [alphanumeric.toLowerCase(), '', {}]
  ]
  for (const [param, query, expectation] of cpfCases) {
    const key = documentDigits(decodeURIComponent(param))
    const { status, body } = await get(app, `${BASE}/all/cpf_cnpj/${param}?${query}`)
    assert.equal(status, 200, param)
    const expected = expectedClientes(dataset, { ...expectation, clientHas: (c) => documentDigits(c.cpf_cnpj) === key })
    assert.ok(expected.length > 0)
    assert.deepEqual(body!.clientes, expected, param)
  }
  assert.equal((await get(app, `${BASE}/all/cpf_cnpj/${sharedKey}`)).body!.clientes.length, sharedClients.length)

  // 52998224725 is a valid CPF (check digits worked out by hand) that the seed-7 dataset lacks.
  assert.equal(byDocument.has('52998224725'), false)
  const unknown = await get(app, `${BASE}/all/cpf_cnpj/529.982.247-25`)
  assert.equal(unknown.status, 404)
  assert.deepEqual(Object.keys(unknown.body!).sort(), ['code', 'msg', 'status'])
  assert.equal(unknown.body!.code, 'not_found')
  for (const malformed of ['abc', '123', '529.982.247-2', '5299822472555', '529982247-2X']) {
    const response = await get(app, `${BASE}/all/cpf_cnpj/${malformed}`)
    assert.equal(response.status, 400, malformed)
    assert.equal(response.body!.code, 'invalid_parameter')
    assert.match(response.body!.msg, /cpf_cnpj/)
  }
  const wrongDigits = await get(app, `${BASE}/all/cpf_cnpj/529.982.247-52`)
  assert.equal(wrongDigits.status, 400)
  assert.match(wrongDigits.body!.msg, /check digits/)

  const statuses = [...new Set(dataset.flatMap((c) => c.servicos.map((s: Json) => s.status_prefixo)))]
  assert.ok(statuses.length >= 5)
  for (const status of statuses) {
    for (const [query, expectation] of [['', {}], ['cancelado=sim&order_type=desc', { cancelado: true, orderType: 'desc' as const }]] as const) {
      const response = await get(app, `${BASE}/all/status/${status}?${query}`)
      assert.equal(response.status, 200)
      assert.deepEqual(response.body!.clientes, expectedClientes(dataset, { ...expectation, serviceHas: (s) => s.status_prefixo === status }), `${status} ${query}`)
    }
  }
  assert.equal((await get(app, `${BASE}/all/status/Servico_Habilitado`)).status, 400)
  assert.deepEqual((await get(app, `${BASE}/all/status/nao_existe`)).body!.clientes, [])

  const technologies = [...new Set(dataset.flatMap((c) => c.servicos.map((s: Json) => s.tecnologia)).filter((x) => typeof x === 'string'))] as string[]
  for (const asked of ['fibra', 'FIBRA', 'Cabo UTP', 'genérico', 'Wireless']) {
    assert.ok(technologies.some((tech) => tech.toLowerCase() === asked.toLowerCase()), `the dataset has ${asked}`)
    const response = await get(app, `${BASE}/all/tecnologia/${encodeURIComponent(asked)}?limit=50`)
    assert.equal(response.status, 200)
    const expected = expectedClientes(dataset, { limit: 50, serviceHas: (s) => typeof s.tecnologia === 'string' && s.tecnologia.toLowerCase() === asked.toLowerCase() })
    assert.ok(expected.length > 0)
    assert.deepEqual(response.body!.clientes, expected, asked)
  }
})

test('cliente/todos pages the snapshot with a paginacao block', async (t) => {
  const { app, dataset } = await setup(t)
  const expected = expectedClientes(dataset)
  const pages: Json[] = []
  let page = 0
  let last = 0
  do {
    const { status, body } = await get(app, `${BASE}/todos?pagina=${page}&itens_por_pagina=70`)
    assert.equal(status, 200)
    assert.deepEqual(body!.paginacao, { primeira_pagina: 0, ultima_pagina: Math.ceil(expected.length / 70) - 1, pagina_atual: page, total_registros: expected.length })
    pages.push(...body!.clientes)
    last = body!.paginacao.ultima_pagina
    page++
  } while (page <= last)
  assert.deepEqual(pages, expected)

  const filtered = await get(app, `${BASE}/todos?pagina=0&itens_por_pagina=500&servico_status=suspenso_debito,aguardando_instalacao&cancelado=sim`)
  const expectedFiltered = expectedClientes(dataset, { cancelado: true, serviceHas: (s) => ['suspenso_debito', 'aguardando_instalacao'].includes(s.status_prefixo) })
  assert.ok(expectedFiltered.length > 0)
  assert.deepEqual(filtered.body!.clientes, expectedFiltered)
  assert.equal(filtered.body!.paginacao.total_registros, expectedFiltered.length)

  const withPackages = await get(app, `${BASE}/todos?pagina=0&itens_por_pagina=500&possui_pacote=sim`)
  const expectedWithPackages = expectedClientes(dataset, { serviceHas: (s) => (s.pacotes ?? []).length > 0 })
  assert.deepEqual(withPackages.body!.clientes, expectedWithPackages)

  const beyond = await get(app, `${BASE}/todos?pagina=99&itens_por_pagina=10`)
  assert.deepEqual(beyond.body!.clientes, [])
  for (const query of ['itens_por_pagina=10', 'pagina=0', 'pagina=-1&itens_por_pagina=10', 'pagina=0&itens_por_pagina=501', 'pagina=0&itens_por_pagina=0']) {
    const response = await get(app, `${BASE}/todos?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal(response.body!.code, 'invalid_parameter')
  }
})

test('cliente?busca=… answers the vendor lookups from the snapshot', async (t) => {
  const { app, dataset } = await setup(t)
  const withService = dataset.find((c) => c.servicos.some((s: Json) => s.status_prefixo === 'servico_habilitado' && s.ipv4 && s.mac_addr && s.login))!
  const servico = withService.servicos.find((s: Json) => s.status_prefixo === 'servico_habilitado' && s.ipv4 && s.mac_addr && s.login)
  const phone = withService.telefone_primario as string
  const firstName = plain(withService.nome_razaosocial).split(' ')[0]!
  const cases: Array<[string, Expectation]> = [
    [`busca=cpf_cnpj&termo_busca=${withService.cpf_cnpj}`, { clientHas: (c) => documentDigits(c.cpf_cnpj) === documentDigits(withService.cpf_cnpj) }],
    [`busca=codigo_cliente&termo_busca=${withService.codigo_cliente}`, { clientHas: (c) => c.codigo_cliente === withService.codigo_cliente }],
    [`busca=telefone&termo_busca=${encodeURIComponent(`(${phone.slice(0, 2)}) ${phone.slice(2)}`)}`, { clientHas: (c) => [c.telefone_primario, c.telefone_secundario, c.telefone_terciario].includes(phone) }],
    [`busca=login_radius&termo_busca=${servico.login.toUpperCase()}`, { serviceHas: (s) => s.login === servico.login }],
    [`busca=ipv4&termo_busca=${servico.ipv4}`, { serviceHas: (s) => s.ipv4 === servico.ipv4 }],
    [`busca=mac&termo_busca=${servico.mac_addr.toLowerCase().replaceAll(':', '-')}`, { serviceHas: (s) => typeof s.mac_addr === 'string' && s.mac_addr.toLowerCase() === servico.mac_addr.toLowerCase() }],
    [`busca=id_cliente_servico&termo_busca=${servico.id_cliente_servico}`, { serviceHas: (s) => s.id_cliente_servico === servico.id_cliente_servico }],
    [`busca=nome_razaosocial&termo_busca=${encodeURIComponent(firstName.toUpperCase())}&limit=100`, { clientHas: (c) => plain(c.nome_razaosocial).includes(firstName) }],
    [`busca=nome_razaosocial&termo_busca=${encodeURIComponent(firstName)}`, { clientHas: (c) => plain(c.nome_razaosocial).includes(firstName) }]
  ]
  for (const [query, expectation] of cases) {
    const limit = Number(/limit=(\d+)/.exec(query)?.[1] ?? 5)
    const { status, body } = await get(app, `${BASE}?${query}`)
    assert.equal(status, 200, query)
    const expected = expectedClientes(dataset, { ...expectation, limit })
    assert.ok(expected.length > 0, query)
    assert.deepEqual(body!.clientes, expected, query)
  }
  // HubSoft finds no one for a term no client can have: an empty list, not a 400.
  for (const query of ['busca=ipv4', 'busca=ipv4&termo_busca=', 'busca=ipv4&termo_busca=300.1.1.1', 'busca=mac&termo_busca=zz', 'busca=codigo_cliente&termo_busca=-5', 'busca=telefone&termo_busca=123']) {
    const response = await get(app, `${BASE}?${query}`)
    assert.equal(response.status, 200, query)
    assert.deepEqual(response.body!.clientes, [], query)
  }
  for (const query of ['busca=foo&termo_busca=1', 'termo_busca=1', 'busca=cpf_cnpj&termo_busca=12', 'busca=cpf_cnpj&termo_busca=52998224725&limit=101', 'busca=nome_razaosocial&termo_busca=a&order_by=nome', 'busca=nome_razaosocial&termo_busca=a&relacoes=foo']) {
    const response = await get(app, `${BASE}?${query}`)
    assert.equal(response.status, 400, query)
    assert.equal(response.body!.code, 'invalid_parameter', query)
  }
})

test('bad parameters get a 400 envelope whose msg names the parameter', async (t) => {
  const { app } = await setup(t, 60)
  const table: Array<[string, RegExp]> = [
    ['data_inicio=2024-02-30', /data_inicio/],
    ['data_inicio=24-01-01', /data_inicio/],
    ['data_fim=2024-13-01', /data_fim/],
    ['data_inicio=2024-05-02&data_fim=2024-05-01', /data_fim.*data_inicio/],
    ['limit=0', /limit/],
    ['limit=-3', /limit/],
    ['limit=ten', /limit/],
    ['limit=1.5', /limit/],
    ['offset=-1', /offset/],
    ['order_by=nome', /order_by.*data_cadastro, data_fechamento/],
    ['order_type=up', /order_type.*asc, desc/],
    ['cancelado=talvez', /cancelado.*sim, nao/],
    ['relacoes=pacotes,enderecos', /relacoes.*enderecos/],
    ['ultima_conexao=sim', /ultima_conexao/],
    ['limit=1&limit=2', /limit/]
  ]
  for (const [query, message] of table) {
    for (const path of ['/all', '/all/status/servico_habilitado', '/all/tecnologia/fibra']) {
      const { status, body } = await get(app, `${BASE}${path}?${query}`)
      assert.equal(status, 400, `${path}?${query}`)
      assert.deepEqual(Object.keys(body!).sort(), ['code', 'msg', 'status'])
      assert.equal(body!.status, 'error')
      assert.equal(body!.code, 'invalid_parameter')
      assert.match(body!.msg, message, `${path}?${query}`)
    }
  }
  const notFound = await get(app, '/api/v1/integracao/nope')
  assert.equal(notFound.status, 404)
  assert.equal(notFound.body!.code, 'route_not_found')
})

test('access: keys, scopes and redaction of service passwords', async (t) => {
  const { app, dataset } = await setup(t)
  const unauthenticated = await get(app, `${BASE}/all?limit=1`, null)
  assert.equal(unauthenticated.status, 401)
  assert.equal(unauthenticated.body!.code, 'unauthorized')
  assert.equal((await get(app, `${BASE}/all?limit=1`, null, { authorization: 'Bearer not-a-key' })).status, 401)
  assert.equal((await get(app, `${BASE}/all?limit=1`, null, { 'x-api-key': 'key-read-0123456789abcdef' })).status, 200)
  const adminOnly = await get(app, `${BASE}/all?limit=1`, 'admin')
  assert.equal(adminOnly.status, 403)
  assert.equal(adminOnly.body!.code, 'forbidden')
  assert.equal((await get(app, '/status', null)).status, 401)
  assert.equal((await get(app, '/status', 'admin')).status, 200)

  const passwords = new Set<string>()
  for (const servico of dataset.flatMap((c) => c.servicos)) {
    if (typeof servico.senha === 'string') passwords.add(servico.senha)
    for (const senha of servico.senhas ?? []) if (typeof senha.senha === 'string') passwords.add(senha.senha)
  }
  assert.ok(passwords.size > 50)
  const document = dataset.find((c) => c.servicos.some((s: Json) => s.senha && s.status_prefixo !== 'cancelado'))!
  const urls = [
    `${BASE}/all?cancelado=sim&relacoes=senhas`,
    `${BASE}/all`,
    `${BASE}/all/cpf_cnpj/${documentDigits(document.cpf_cnpj)}?cancelado=sim`,
    `${BASE}/all/status/servico_habilitado`,
    `${BASE}/all/tecnologia/fibra`,
    `${BASE}/todos?pagina=0&itens_por_pagina=500&cancelado=sim&relacoes=senhas`,
    `${BASE}?busca=cpf_cnpj&termo_busca=${documentDigits(document.cpf_cnpj)}&cancelado=sim`
  ]
  for (const url of urls) {
    const read = await get(app, url, 'read')
    const senhas = JSON.stringify(read.body!.clientes.flatMap((c: Json) => c.servicos.flatMap((s: Json) => [s.senha, ...(s.senhas ?? []).map((x: Json) => x.senha)])))
    assert.equal(JSON.parse(senhas).every((value: unknown) => value === null), true, url)
    const secrets = await get(app, url, 'secrets')
    assert.equal(secrets.status, 200)
    const seen = secrets.body!.clientes.flatMap((c: Json) => c.servicos.map((s: Json) => s.senha)).filter((x: unknown) => typeof x === 'string')
    assert.ok(seen.length > 0 && seen.every((senha: string) => passwords.has(senha)), url)
    assert.notEqual(read.headers.etag, secrets.headers.etag, 'read and secrets never share an ETag')
  }
})

test('unknown upstream fields pass through the mirror unchanged and in order', async (t) => {
  const { app, dataset } = await setup(t)
  const withExtra = dataset.find((c) => 'campo_novo_2026' in c && c.servicos.some((s: Json) => s.status_prefixo !== 'cancelado'))
  assert.ok(withExtra)
  const { body } = await get(app, `${BASE}/all/cpf_cnpj/${documentDigits(withExtra.cpf_cnpj)}?relacoes=${encodeURIComponent('endereco_instalacao,endereco_cadastral,endereco_cobranca,endereco_fiscal,pacotes,interface,interface_roteamento,equipamento_conexao,equipamento_roteamento,grupos,porta_atendimento,senhas,status_conexao')}&cancelado=sim`, 'secrets')
  const served = body!.clientes.find((c: Json) => c.id_cliente === withExtra.id_cliente)
  assert.deepEqual(served, withExtra)
  assert.deepEqual(Object.keys(served), Object.keys(withExtra))
  assert.deepEqual(Object.keys(served.servicos[0]), Object.keys(withExtra.servicos[0]))

  const serviceExtra = dataset.find((c) => c.servicos.some((s: Json) => 'observacao_tecnica' in s && s.status_prefixo !== 'cancelado'))!
  const servicoExtra = serviceExtra.servicos.find((s: Json) => 'observacao_tecnica' in s && s.status_prefixo !== 'cancelado')
  const answer = await get(app, `${BASE}/all/cpf_cnpj/${documentDigits(serviceExtra.cpf_cnpj)}`)
  const servedServico = answer.body!.clientes.flatMap((c: Json) => c.servicos).find((s: Json) => s.id_cliente_servico === servicoExtra.id_cliente_servico)
  assert.deepEqual(servedServico.observacao_tecnica, servicoExtra.observacao_tecnica)
})

test('client requests never reach HubSoft', async (t) => {
  const { app, simulator, dataset } = await setup(t)
  const dataBefore = simulator.dataRequestCount()
  const tokensBefore = simulator.counters.tokensIssued
  assert.ok(dataBefore > 0)
  const urls = [`${BASE}/all`, `${BASE}/all?cancelado=sim&relacoes=grupos`, `${BASE}/todos?pagina=1&itens_por_pagina=20`, `${BASE}?busca=nome_razaosocial&termo_busca=maria`, '/status', '/health/ready']
  for (let i = 0; i < 600; i++) {
    const cliente = dataset[i % dataset.length]!
    const url = i % 3 === 0 ? `${BASE}/all/cpf_cnpj/${documentDigits(cliente.cpf_cnpj)}` : urls[i % urls.length]!
    const { status } = await get(app, url, 'secrets')
    assert.ok(status === 200 || status === 404, url)
  }
  assert.equal(simulator.dataRequestCount(), dataBefore)
  assert.equal(simulator.counters.tokensIssued, tokensBefore)
})

test('before the first snapshot, data routes answer 503 and readiness fails', async (t) => {
  const simulator = await startSimulator(t, { clients: 50, seed: 3 })
  simulator.faults = { forceStatus: 500 }
  const app = await startService(t, simulator)
  assert.equal(app.refresher.lastOutcome?.outcome, 'failed')
  for (const url of [`${BASE}/all`, `${BASE}/all/cpf_cnpj/52998224725`, `${BASE}/todos?pagina=0&itens_por_pagina=5`, `${BASE}?busca=ipv4&termo_busca=10.0.0.1`]) {
    const { status, body } = await get(app, url)
    assert.equal(status, 503, url)
    assert.equal(body!.code, 'no_snapshot')
  }
  assert.equal((await get(app, '/health/ready', null)).status, 503)
  assert.equal((await get(app, '/health/live', null)).status, 200)
  const status = await get(app, '/status')
  assert.equal(status.body!.ready, false)
  assert.equal(status.body!.refresh.last.outcome, 'failed')
  assert.equal(status.body!.refresh.last.reason, 'http_status')
  assert.match(status.body!.refresh.last.error, /HTTP 500/)
  assert.equal(status.body!.upstream.requests['cliente/todos']['500'], 1)
})

test('ETag, Last-Modified and 304 follow the snapshot version, the scope and the URL', async (t) => {
  const simulator = await startSimulator(t, { clients: 80, seed: 5 })
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const app = await startService(t, simulator, {}, { now: () => clock })
  const pastTheFloor = () => { clock += 16 * 60_000 }
  const url = `${BASE}/all?limit=5`
  const first = await get(app, url)
  assert.ok(first.headers.etag)
  assert.equal(first.headers['x-snapshot-version'], app.refresher.snapshot!.version)
  assert.equal(first.headers['last-modified'], app.refresher.snapshot!.fetchedAt.toUTCString())
  assert.equal(first.headers['x-snapshot-age'], '0')
  clock += 125_000
  assert.equal((await get(app, url)).headers['x-snapshot-age'], '125')
  const revalidated = await get(app, url, 'read', { 'if-none-match': String(first.headers.etag) })
  assert.equal(revalidated.status, 304)
  assert.equal(revalidated.raw, '')
  assert.equal((await get(app, `${BASE}/all?limit=6`, 'read', { 'if-none-match': String(first.headers.etag) })).status, 200, 'another URL never matches')
  assert.equal((await get(app, url, 'secrets', { 'if-none-match': String(first.headers.etag) })).status, 200, 'another scope never matches')

  // Same data again: same version, ETags stay valid.
  pastTheFloor()
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'unchanged')
  assert.equal((await get(app, url, 'read', { 'if-none-match': String(first.headers.etag) })).status, 304)
  // Changed data: a new version, and the old ETag no longer matches.
  simulator.dataset = simulator.dataset.map((cliente) => cliente.id_cliente === simulator.dataset[0]!.id_cliente ? { ...cliente, nome_razaosocial: 'NOME NOVO' } : cliente)
  pastTheFloor()
  assert.equal((await app.refresher.refresh('manual') as { outcome: string }).outcome, 'success')
  const after = await get(app, url, 'read', { 'if-none-match': String(first.headers.etag) })
  assert.equal(after.status, 200)
  assert.notEqual(after.headers.etag, first.headers.etag)
})
