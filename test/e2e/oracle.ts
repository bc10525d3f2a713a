// An independent, deliberately naive reading of the README's routes and parameters over the simulator's raw dataset:
// what each answer should hold. It imports nothing from src/query or src/snapshot, so the
// integration tests compare the service against a second implementation, not against itself.
type Json = Record<string, any>

export const ALL_RELATIONS = [
  'endereco_instalacao', 'endereco_cadastral', 'endereco_cobranca', 'endereco_fiscal', 'pacotes',
  'interface', 'interface_roteamento', 'equipamento_conexao', 'equipamento_roteamento', 'grupos',
  'porta_atendimento', 'senhas', 'status_conexao'
]
/** The relations of the vendor's example answer. */
export const DEFAULT_RELATIONS = ALL_RELATIONS.filter((name) => !['grupos', 'porta_atendimento', 'status_conexao'].includes(name))

export interface Expectation {
  dataInicio?: string
  dataFim?: string
  cancelado?: boolean
  codigoPacote?: string
  relations?: string[]
  orderBy?: 'data_cadastro' | 'data_fechamento'
  orderType?: 'asc' | 'desc'
  offset?: number
  limit?: number
  /** A shown service must satisfy this (sub-routes, service buscas). */
  serviceHas?: (servico: Json) => boolean
  /** The client itself must satisfy this (cpf_cnpj, names…). */
  clientHas?: (cliente: Json) => boolean
  secrets?: boolean
}

export function expectedClientes (dataset: readonly Json[], e: Expectation = {}): Json[] {
  const relations = e.relations ?? DEFAULT_RELATIONS
  const kept: Json[] = []
  for (const cliente of dataset) {
    const day = typeof cliente.data_cadastro === 'string' ? cliente.data_cadastro.slice(0, 10) : null
    if (e.dataInicio !== undefined && (day === null || day < e.dataInicio)) continue
    if (e.dataFim !== undefined && (day === null || day > e.dataFim)) continue
    const all: Json[] = cliente.servicos ?? []
    const shown = all.filter((s) => e.cancelado === true || s.status_prefixo !== 'cancelado')
    if (all.length > 0 && shown.length === 0) continue
    if (e.codigoPacote !== undefined && !shown.some((s) => (s.pacotes ?? []).some((p: Json) => p.codigo === e.codigoPacote))) continue
    if (e.serviceHas !== undefined && !shown.some(e.serviceHas)) continue
    if (e.clientHas !== undefined && !e.clientHas(cliente)) continue
    const servicos = shown.map((servico) => {
      const copy: Json = {}
      for (const [key, value] of Object.entries(servico)) {
        if (ALL_RELATIONS.includes(key) && !relations.includes(key)) continue
        copy[key] = value
      }
      if (e.secrets !== true) {
        if ('senha' in copy) copy.senha = null
        if (Array.isArray(copy.senhas)) copy.senhas = copy.senhas.map((senha: Json) => ({ ...senha, senha: null }))
      }
      return copy
    })
    kept.push(cliente.servicos === null || cliente.servicos === undefined ? cliente : { ...cliente, servicos })
  }
  const field = e.orderBy ?? 'data_cadastro'
  const sign = e.orderType === 'desc' ? -1 : 1
  kept.sort((a, b) => {
    const x = a[field] || null
    const y = b[field] || null
    if (x === y) return a.id_cliente - b.id_cliente
    if (x === null) return 1
    if (y === null) return -1
    return x < y ? -sign : sign
  })
  const offset = e.offset ?? 0
  return kept.slice(offset, e.limit === undefined ? undefined : offset + e.limit)
}

/** Letters and digits of a stored CPF/CNPJ, upper-cased. */
export function documentDigits (value: unknown): string {
  return typeof value === 'string' ? value.replace(/[^0-9a-z]/gi, '').toUpperCase() : ''
}

/** Names compared as a person would: no case, no accents. */
export function plain (text: unknown): string {
  return typeof text === 'string' ? text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase() : ''
}
