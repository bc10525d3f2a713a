// Proves what log lines may carry (SECURITY.md): URLs with CPF/CNPJ, phones, logins and
// credentials masked (expected strings written by hand), redaction by path, and the leak
// scanner the service tests rely on finds what it is meant to find.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { Writable } from 'node:stream'
import { buildLogger, logsInfo, maskUrl, maskValue, requestLineWriter, requestLoggerFactory } from '../src/log.js'
import { logLeaks } from './helpers/service.js'

test('maskValue keeps the first three and last two letters or digits, punctuation kept', () => {
  const table: Array<[string, string]> = [
    ['106.820.836-81', '106.***.***-81'],
    ['10682083681', '106******81'],
    ['12.ABC.345/01DE-35', '12.A**.***/****-35'],
    ['11987654321', '119******21'],
    ['joaosilva1234', 'joa********34'],
    ['joão.silva', 'joã*.***va'],
    ['1234567', '*******'],
    ['abc', '***'],
    ['', '']
  ]
  for (const [input, expected] of table) assert.equal(maskValue(input), expected, input)
})

test('maskUrl masks personal values, drops credentials, leaves the rest alone', () => {
  const base = '/api/v1/integracao/cliente'
  const table: Array<[string, string]> = [
    [`${base}/all/cpf_cnpj/106.820.836-81?limit=2`, `${base}/all/cpf_cnpj/106.***.***-81?limit=2`],
    [`${base}/all/cpf_cnpj/10682083681`, `${base}/all/cpf_cnpj/106******81`],
    [`${base}/all/cpf_cnpj/106%2E820%2E836-81`, `${base}/all/cpf_cnpj/106.***.***-81`],
    [`${base}?busca=cpf_cnpj&termo_busca=10682083681`, `${base}?busca=cpf_cnpj&termo_busca=106******81`],
    [`${base}?busca=telefone&termo_busca=(31)%2099999-0000`, `${base}?busca=telefone&termo_busca=(31) 9****-**00`],
    [`${base}?busca=login_radius&termo_busca=joaosilva1234&limit=5`, `${base}?busca=login_radius&termo_busca=joa********34&limit=5`],
    [`${base}?busca=nome_razaosocial&termo_busca=Maria+da+Silva`, `${base}?busca=nome_razaosocial&termo_busca=Mar** ** ***va`],
    [`${base}/all?data_inicio=2020-01-01&data_fim=2020-12-31&limit=10`, `${base}/all?data_inicio=2020-01-01&data_fim=2020-12-31&limit=10`],
    [`${base}/all/status/servico_habilitado`, `${base}/all/status/servico_habilitado`],
    ['/x?access_token=hbat_abcdefghijklmnop&api_key=k&PASSWORD=p', '/x?access_token=[redacted]&api_key=[redacted]&PASSWORD=[redacted]'],
    // The net: documents and phones anywhere else.
    ['/api/v1/integracao/cliente/all/123.456.789-09', '/api/v1/integracao/cliente/all/123.***.***-09'],
    ['/nope?q=31999990000', '/nope?q=319******00'],
    ['/nope/12.345.678/0001-95', '/nope/12.3**.***/****-95'],
    // Judged after decoding, by shape, whatever the parameter or segment is called.
    [`${base}/all/cpf%5Fcnpj/266%2E181%2E148%2D61`, `${base}/all/cpf%5Fcnpj/266.***.***-61`],
    [`${base}/all/tecnologia/266%2E181%2E148%2D61`, `${base}/all/tecnologia/266.***.***-61`],
    [`${base}/all?codigo_pacote=QIWUAB12CD3442&limit=1`, `${base}/all?codigo_pacote=QIW*********42&limit=1`],
    [`${base}/all?codigo_pacote=12%2EABC%2E345%2F01DE%2D35`, `${base}/all?codigo_pacote=12.A**.***/****-35`],
    [`${base}/all?codigo_pacote=%2831%29%2099999-0000`, `${base}/all?codigo_pacote=(31) 9****-**00`],
    [`${base}/all?relacoes=maria.silva%40example.com`, `${base}/all?relacoes=*****.*****@*******.***`],
    [`${base}/all?codigo_pacote=FIBRA-100&limit=10`, `${base}/all?codigo_pacote=FIBRA-100&limit=10`]
  ]
  for (const [input, expected] of table) assert.equal(maskUrl(input), expected, input)
  assert.ok(maskUrl(`/x?${'a'.repeat(5000)}`).length < 600, 'a long URL is clipped')
})

test('the logger redacts credentials by path and masks the request URL', () => {
  const lines: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  const logger = buildLogger({ level: 'info', destination })
  logger.info({ req: { method: 'GET', url: '/api/v1/integracao/cliente/all/cpf_cnpj/10682083681', headers: { authorization: 'Bearer hbat_secret-token-value' } } }, 'incoming')
  logger.info({ upstream: { password: 'pw-hubsoft', clientSecret: 'cs-hubsoft' }, token: { access_token: 'at-value', refresh_token: 'rt-value' } }, 'config')
  const text = lines.join('')
  for (const secret of ['hbat_secret-token-value', 'pw-hubsoft', 'cs-hubsoft', 'at-value', 'rt-value', '10682083681']) {
    assert.equal(text.includes(secret), false, `${secret} reached the log: ${text}`)
  }
  assert.match(text, /cpf_cnpj\/106\*{6}81/)
})

test('the request line is the line pino writes for the same fields, the request through the masking serializer, never its headers', () => {
  const lines: string[] = []
  const logger = buildLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line) } } })
  const request = { method: 'GET', url: '/api/v1/integracao/cliente/all/cpf_cnpj/10682083681', host: 'bff.example', headers: { authorization: 'Bearer hbat_secret-token-value' }, ip: '127.0.0.1', socket: { remotePort: 51234 } }
  const cases = [
    { msg: 'data request' as const, reqId: 'nginx-7f3a', req: request, statusCode: 200, responseTime: 1.25, audit: { keyName: 'reader', route: '/api/v1/integracao/cliente/all/cpf_cnpj/:cpf_cnpj', status: 200, results: 1 } },
    { msg: 'request completed' as const, reqId: 'a"b', req: { method: 'GET', url: '/health' }, statusCode: 503, responseTime: Number.NaN }
  ]
  const write = requestLineWriter(logger)
  for (const { msg, reqId, req, statusCode, responseTime, audit } of cases) {
    write({ msg, reqId, req, statusCode, responseTime, audit })
    logger.child({ reqId }).info({ req, res: { statusCode }, responseTime, audit }, msg)
  }
  assert.equal(lines.length, 4)
  const parsed = lines.map((line) => {
    assert.ok(line.endsWith('}\n'), 'one line each')
    const { time, ...rest } = JSON.parse(line) as Record<string, unknown>
    assert.equal(typeof time, 'number')
    return rest
  })
  assert.deepEqual(parsed[0], parsed[1])
  assert.deepEqual(parsed[2], parsed[3])
  assert.deepEqual(parsed[0]!.req, { method: 'GET', url: '/api/v1/integracao/cliente/all/cpf_cnpj/106******81', host: 'bff.example', remoteAddress: '127.0.0.1', remotePort: 51234 })
  assert.equal(lines.some((line) => line.includes('hbat_') || line.includes('10682083681')), false)
})

test('a request logger writes with the request id, at the service logger\'s level, and makes its child only when it writes', () => {
  const lines: string[] = []
  const logger = buildLogger({ level: 'warn', destination: { write: (line: string) => { lines.push(line) } } })
  let children = 0
  const counting = { ...logger, level: logger.level, child: (bindings: Record<string, unknown>, options?: object) => { children++; return logger.child(bindings, options) } }
  const quiet = requestLoggerFactory(counting as unknown as typeof logger, { reqId: 'r-1' }, {})
  quiet.info('below the level')
  quiet.debug({ x: 1 }, 'below the level')
  assert.equal(children, 0, 'nothing written, no child made')
  assert.equal(quiet.level, 'warn')
  quiet.error({ err: new Error('boom') }, 'request failed')
  quiet.warn('second line')
  assert.equal(children, 1, 'one child for every line of the request')
  const written = lines.map((line) => JSON.parse(line) as { reqId: string, msg: string, level: number })
  assert.deepEqual(written.map((line) => [line.reqId, line.msg, line.level]), [['r-1', 'request failed', 50], ['r-1', 'second line', 40]])
  const nested = quiet.child({ module: 'x' })
  nested.warn('from a grandchild')
  assert.equal((JSON.parse(lines[2]!) as { reqId: string, module: string }).module, 'x')
})

test('logsInfo follows the service logger\'s level as it changes', () => {
  const logger = buildLogger({ level: 'info', destination: { write: () => {} } })
  const table: Array<[string, boolean]> = [['trace', true], ['debug', true], ['info', true], ['warn', false], ['error', false], ['silent', false]]
  for (const [level, expected] of table) {
    logger.level = level
    assert.equal(logsInfo(logger), expected, level)
  }
})

test('the leak scanner finds secrets, bearer tokens and documents in any punctuation', () => {
  const forbidden = { secrets: ['key-read-0123456789abcdef'], documents: new Set(['10682083681', '12ABC34501DE35']) }
  const leaking = [
    '{"msg":"x","key":"key-read-0123456789abcdef"}',
    '{"authorization":"Bearer abcdefgh12345678"}',
    '{"url":"/oauth?t=hbat_abcdefghijklmnopqrstuvwxyz"}',
    '{"url":"/all/cpf_cnpj/106.820.836-81"}',
    '{"url":"/all/cpf_cnpj/10682083681"}',
    '{"url":"/all/cpf_cnpj/12.abc.345/01de-35"}',
    '{"url":"/all/cpf%5Fcnpj/106%2E820%2E836%2D81"}'
  ]
  for (const line of leaking) assert.equal(logLeaks([line], forbidden).length > 0, true, line)
  const clean = [
    '{"authorization":"Bearer [redacted]"}',
    '{"url":"/all/cpf_cnpj/106.***.***-81"}',
    '{"time":1795721558312,"msg":"request completed"}'
  ]
  assert.deepEqual(logLeaks(clean, forbidden), [])
})

test('the default destination writes every line whole to stdout, lines longer than one write too, and flushes at exit', () => {
  // A process of its own: its stdout is a pipe, written asynchronously in bounded writes, and
  // it exits as soon as the lines are handed over.
  const script = `
    import { buildLogger, requestLineWriter } from ${JSON.stringify(new URL('../src/log.ts', import.meta.url).href)}
    const logger = buildLogger({ level: 'info' })
    const writeLine = requestLineWriter(logger)
    for (let i = 0; i < 3000; i++) {
      writeLine({ msg: 'data request', reqId: 'r' + i, req: { method: 'GET', url: '/api/v1/integracao/cliente?limit=' + i }, statusCode: 200, responseTime: i / 7 })
      if (i === 1500) logger.info({ long: 'x'.repeat(10000) }, 'long line')
    }
    process.exit(0)
  `
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const lines = stdout.split('\n')
  assert.equal(lines.pop(), '', 'the output ends with a whole line')
  const parsed = lines.map((line) => JSON.parse(line) as { reqId?: string, long?: string })
  assert.deepEqual(parsed.filter((line) => line.reqId !== undefined).map((line) => line.reqId), Array.from({ length: 3000 }, (_, i) => `r${i}`))
  assert.equal(parsed.find((line) => line.long !== undefined)?.long, 'x'.repeat(10000))
  assert.equal(parsed.findIndex((line) => line.long !== undefined), 1501, 'in the order written')
})
