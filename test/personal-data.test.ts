// Proves what free text may carry into a log line (SECURITY.md): CPF/CNPJ-, phone- and
// e-mail-shaped parts masked, a text naming a password dropped whole; expected strings by hand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { looksPersonal, maskPersonalText, quotedValue, SECRET_TEXT } from '../src/personal-data.js'

test('maskPersonalText masks documents, phones and e-mails wherever they stand', () => {
  const table: Array<[string, string]> = [
    ['Cliente 106.820.836-81 não encontrado', 'Cliente 106.***.***-81 não encontrado'],
    ['cpf_cnpj 10682083681 duplicado', 'cpf_cnpj 106******81 duplicado'],
    ['CNPJ 12.345.678/0001-95 inválido', 'CNPJ 12.3**.***/****-95 inválido'],
    ['CNPJ 12.ABC.345/01DE-35 inválido', 'CNPJ 12.A**.***/****-35 inválido'],
    ['CNPJ 12ABC34501DE35 inválido', 'CNPJ 12A*********35 inválido'],
    ['ligar para (31) 99999-0000 hoje', 'ligar para (31) 9****-**00 hoje'],
    ['ligar para +55 31 3333-4444', 'ligar para +55 3* ****-**44'],
    ['fone 3133334444', 'fone 313*****44'],
    ['e-mail maria.silva@example.com.br recusado', 'e-mail mar**.*****@*******.***.br recusado'],
    ['Erro de validação (HTTP 422) na página 3', 'Erro de validação (HTTP 422) na página 3'],
    ['data 2026-12-01 10:00:00', 'data 2026-12-01 10:00:00'],
    ['', '']
  ]
  for (const [input, expected] of table) assert.equal(maskPersonalText(input), expected, input)
})

test('maskPersonalText drops a text that names a password, whatever stands next to the word', () => {
  for (const text of ['senha: abc123', 'A SENHA do cliente João é hunter2', '{"login":"joao","senha":"x"}', 'wrong password p4ss']) {
    assert.equal(maskPersonalText(text), SECRET_TEXT, text)
  }
})

test('looksPersonal tells a whole value shaped like personal data', () => {
  const personal = ['266.181.148-61', '26618114861', '12.345.678/0001-95', '12ABC34501DE35', '(31) 99999-0000', '31999990000', 'a@b.co', ' 266.181.148-61 ']
  const plain = ['servico_habilitado', 'FIBRA', '2026-12-01', '1000', 'pct-01', 'joao silva']
  for (const value of personal) assert.equal(looksPersonal(value), true, value)
  for (const value of plain) assert.equal(looksPersonal(value), false, value)
})

test('quotedValue masks and clips an upstream value quoted in a message', () => {
  assert.equal(quotedValue(26618114861), '266******61')
  assert.equal(quotedValue('senha123'), SECRET_TEXT)
  assert.equal(quotedValue(42), '42')
  assert.equal(quotedValue('x'.repeat(100)), `${'x'.repeat(40)}…`)
})
