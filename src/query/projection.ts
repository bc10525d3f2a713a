// What an answer shows of a client: the visible services, only the requested relations, and
// service passwords redacted for callers without the secrets scope (README). Every other
// field, known or not, passes through unchanged and in the upstream's key order.
import type { Cliente, Servico } from '../hubsoft/cliente-schema.js'
import { visibleServicos } from './filter.js'
import { RELACOES } from '../hubsoft/relacoes.js'
import type { Relacao } from '../hubsoft/relacoes.js'

export interface Projection {
  readonly relacoes: readonly Relacao[]
  readonly includeCancelado: boolean
  readonly redactSecrets: boolean
}

const RELACAO_KEYS: ReadonlySet<string> = new Set(RELACOES)

function redactSenhas (senhas: unknown): unknown {
  if (!Array.isArray(senhas)) return senhas
  return senhas.map((senha) => (senha !== null && typeof senha === 'object' && 'senha' in senha) ? { ...senha, senha: null } : senha)
}

export function projectServico (servico: Servico, kept: ReadonlySet<string>, redactSecrets: boolean): Servico {
  const projected: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(servico)) {
    if (RELACAO_KEYS.has(key) && !kept.has(key)) continue
    if (redactSecrets && key === 'senha') projected[key] = null
    else if (redactSecrets && key === 'senhas') projected[key] = redactSenhas(value)
    else projected[key] = value
  }
  return projected as Servico
}

export function projectCliente (cliente: Cliente, projection: Projection): Cliente {
  if (!Array.isArray(cliente.servicos)) return cliente
  const kept = new Set<string>(projection.relacoes)
  const servicos = visibleServicos(cliente, projection.includeCancelado)
    .map((servico) => projectServico(servico, kept, projection.redactSecrets))
  return { ...cliente, servicos }
}
