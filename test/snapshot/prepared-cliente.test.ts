// A client serialised once: the base is the redacted default answer, and the edits rebuild the
// default answer with secrets and the client as received, byte for byte.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { applyEdits, serialiseCliente, VARIANT, variantLength } from '../../src/snapshot/prepared-cliente.js'
import type { Cliente } from '../../src/hubsoft/cliente-schema.js'
import { generateDataset } from '../../src/simulator/dataset.js'
import { projectCliente } from '../../src/query/projection.js'
import { DEFAULT_RELACOES } from '../../src/hubsoft/relacoes.js'

function variants (input: unknown) {
  const cliente = input as Cliente
  const serialised = serialiseCliente(cliente)
  const base = Buffer.from(serialised.base)
  const overlay = Buffer.from(serialised.overlay)
  const { edits } = serialised
  const rebuild = (variant: number) => {
    const bytes = applyEdits(base, overlay, edits, 0, edits.length, variant)
    assert.equal(variantLength(base.length, edits, 0, edits.length, variant), bytes.length, 'variantLength agrees with the bytes')
    return bytes.toString()
  }
  return { redacted: serialised.base, full: rebuild(VARIANT.full), raw: rebuild(VARIANT.raw), visible: serialised.visibleByDefault }
}

test('edge cases, with the expected variants written by hand', () => {
  const table: Array<[string, Record<string, unknown>, { redacted: string, full: string, visible: boolean }]> = [
    ['no servicos key', { id_cliente: 1, nome_razaosocial: 'Ana' }, { redacted: '{"id_cliente":1,"nome_razaosocial":"Ana"}', full: '{"id_cliente":1,"nome_razaosocial":"Ana"}', visible: true }],
    ['servicos null', { id_cliente: 1, servicos: null }, { redacted: '{"id_cliente":1,"servicos":null}', full: '{"id_cliente":1,"servicos":null}', visible: true }],
    ['servicos empty', { id_cliente: 1, servicos: [] }, { redacted: '{"id_cliente":1,"servicos":[]}', full: '{"id_cliente":1,"servicos":[]}', visible: true }],
    ['every service cancelled', { id_cliente: 1, servicos: [{ status_prefixo: 'cancelado', senha: 'x' }] }, { redacted: '{"id_cliente":1,"servicos":[]}', full: '{"id_cliente":1,"servicos":[]}', visible: false }],
    ['cancelled first, then shown', { id_cliente: 2, servicos: [{ status_prefixo: 'cancelado' }, { status_prefixo: 'ativo', senha: 'pw' }] },
      { redacted: '{"id_cliente":2,"servicos":[{"status_prefixo":"ativo","senha":null}]}', full: '{"id_cliente":2,"servicos":[{"status_prefixo":"ativo","senha":"pw"}]}', visible: true }],
    ['shown, cancelled between, shown', { id_cliente: 3, servicos: [{ id_cliente_servico: 1 }, { status_prefixo: 'cancelado' }, { id_cliente_servico: 3 }] },
      { redacted: '{"id_cliente":3,"servicos":[{"id_cliente_servico":1},{"id_cliente_servico":3}]}', full: '{"id_cliente":3,"servicos":[{"id_cliente_servico":1},{"id_cliente_servico":3}]}', visible: true }],
    ['a non-default relation first and last in a service', { id_cliente: 4, servicos: [{ grupos: [{ id: 1 }], login: 'a', status_conexao: 'online' }] },
      { redacted: '{"id_cliente":4,"servicos":[{"login":"a"}]}', full: '{"id_cliente":4,"servicos":[{"login":"a"}]}', visible: true }],
    ['only non-default relations', { id_cliente: 5, servicos: [{ porta_atendimento: null }] }, { redacted: '{"id_cliente":5,"servicos":[{}]}', full: '{"id_cliente":5,"servicos":[{}]}', visible: true }],
    ['senha already null, senhas mixed', { id_cliente: 6, servicos: [{ senha: null, senhas: [{ usuario: 'u', senha: 's' }, null, { usuario: 'v' }] }] },
      { redacted: '{"id_cliente":6,"servicos":[{"senha":null,"senhas":[{"usuario":"u","senha":null},null,{"usuario":"v"}]}]}', full: '{"id_cliente":6,"servicos":[{"senha":null,"senhas":[{"usuario":"u","senha":"s"},null,{"usuario":"v"}]}]}', visible: true }],
    ['multi-byte text before and after a secret', { id_cliente: 7, nome_razaosocial: 'João Ñandú 😀', servicos: [{ nome: 'Fibra ção', senha: 'sê', endereco_instalacao: { cidade: 'São João' } }] },
      { redacted: '{"id_cliente":7,"nome_razaosocial":"João Ñandú 😀","servicos":[{"nome":"Fibra ção","senha":null,"endereco_instalacao":{"cidade":"São João"}}]}', full: '{"id_cliente":7,"nome_razaosocial":"João Ñandú 😀","servicos":[{"nome":"Fibra ção","senha":"sê","endereco_instalacao":{"cidade":"São João"}}]}', visible: true }],
    ['servicos not the last key', { id_cliente: 8, servicos: [{ senha: 'p' }], campo_novo: [1, 2] },
      { redacted: '{"id_cliente":8,"servicos":[{"senha":null}],"campo_novo":[1,2]}', full: '{"id_cliente":8,"servicos":[{"senha":"p"}],"campo_novo":[1,2]}', visible: true }]
  ]
  for (const [name, cliente, expected] of table) {
    const got = variants(cliente)
    assert.equal(got.redacted, expected.redacted, `${name}: redacted`)
    assert.equal(got.full, expected.full, `${name}: full`)
    assert.equal(got.raw, JSON.stringify(cliente), `${name}: raw is the client as received`)
    assert.equal(got.visible, expected.visible, `${name}: visible`)
  }
})

test('on generated clients the variants equal the generic projection and the client itself', () => {
  for (const cliente of generateDataset({ clients: 500, seed: 21 })) {
    const got = variants(cliente)
    assert.equal(got.redacted, JSON.stringify(projectCliente(cliente, { relacoes: DEFAULT_RELACOES, includeCancelado: false, redactSecrets: true })))
    assert.equal(got.full, JSON.stringify(projectCliente(cliente, { relacoes: DEFAULT_RELACOES, includeCancelado: false, redactSecrets: false })))
    assert.equal(got.raw, JSON.stringify(cliente))
  }
})
