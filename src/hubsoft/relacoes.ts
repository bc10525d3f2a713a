// The relations a HubSoft service can carry (the `relacoes` parameter) and the default set:
// those present in the vendor's example answer of cliente/all.
import { ParameterError, clip } from './parameters.js'

export const RELACOES = [
  'endereco_instalacao',
  'endereco_cadastral',
  'endereco_cobranca',
  'endereco_fiscal',
  'pacotes',
  'interface',
  'interface_roteamento',
  'equipamento_conexao',
  'equipamento_roteamento',
  'grupos',
  'porta_atendimento',
  'senhas',
  'status_conexao'
] as const

export type Relacao = typeof RELACOES[number]

export const DEFAULT_RELACOES: readonly Relacao[] = RELACOES.filter(
  (relacao) => relacao !== 'grupos' && relacao !== 'porta_atendimento' && relacao !== 'status_conexao'
)

const RELACAO_SET: ReadonlySet<string> = new Set(RELACOES)

export function isRelacao (name: string): name is Relacao {
  return RELACAO_SET.has(name)
}

/**
 * The relacoes list: comma-separated names from RELACOES, blanks around names ignored, order
 * and repetitions irrelevant. An empty value asks for no relations at all.
 */
export function parseRelacoes (value: string | undefined): readonly Relacao[] {
  if (value === undefined) return DEFAULT_RELACOES
  const requested = new Set<Relacao>()
  for (const part of value.split(',')) {
    const name = part.trim()
    if (name === '') continue
    if (!isRelacao(name)) {
      throw new ParameterError('relacoes', `relacoes: unknown relation '${clip(name)}'; expected a comma list of ${RELACOES.join(', ')}`)
    }
    requested.add(name)
  }
  return RELACOES.filter((relacao) => requested.has(relacao))
}

/** True when the relations are exactly the default set: the projection prepared once per snapshot. */
export function isDefaultRelacoes (relacoes: readonly Relacao[]): boolean {
  return relacoes.length === DEFAULT_RELACOES.length && relacoes.every((relacao, i) => relacao === DEFAULT_RELACOES[i])
}
