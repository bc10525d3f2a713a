// The client schemas as Fastify and the OpenAPI document know them: the snapshot's own schemas
// (hubsoft/cliente-schema.ts, the single source of fields, types and nullability) with each
// scalar field's example taken from the vendor's example answer, so the examples are HubSoft's
// and never drift from its documentation.
import type { TObject } from '@sinclair/typebox'
import {
  ClienteSchema, CoordenadasSchema, EnderecoSchema, EquipamentoSchema, InterfaceSchema, PacoteSchema, SenhaSchema, ServicoSchema
} from '../../hubsoft/cliente-schema.js'
import { VENDOR_EXAMPLE_CLIENTE } from './vendor-example.js'

/**
 * A copy of an object schema whose properties carry `examples: [value]` for the example's
 * non-empty scalar values, and the description of a nullable field (`anyOf: [T, null]`) on the
 * field itself, where documentation tools show it.
 */
export function withFieldExamples<T extends TObject> (schema: T, example: Readonly<Record<string, unknown>>): T {
  const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => {
    const value = example[name]
    const shown = value !== undefined && value !== null && value !== '' && typeof value !== 'object'
    const variantDescription = (property.anyOf as Array<{ description?: string }> | undefined)?.find((variant) => variant.description !== undefined)?.description
    return [name, {
      ...property,
      ...(property.description === undefined && variantDescription !== undefined ? { description: variantDescription } : {}),
      ...(shown ? { examples: [value] } : {})
    }]
  }))
  return { ...schema, properties }
}

const servico = VENDOR_EXAMPLE_CLIENTE.servicos[0]

/** In dependency order, as addSchema needs them. */
export const DocumentedClienteSchemas = [
  withFieldExamples(CoordenadasSchema, servico.endereco_instalacao.coordenadas),
  withFieldExamples(EnderecoSchema, servico.endereco_instalacao),
  withFieldExamples(PacoteSchema, servico.pacotes[0]),
  withFieldExamples(SenhaSchema, servico.senhas[0]),
  withFieldExamples(InterfaceSchema, servico.interface),
  withFieldExamples(EquipamentoSchema, servico.equipamento_conexao),
  withFieldExamples(ServicoSchema, servico),
  withFieldExamples(ClienteSchema, VENDOR_EXAMPLE_CLIENTE)
] as const
