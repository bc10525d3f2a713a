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

/**
 * Relation names HubSoft also accepts whose field is not a relation an answer leaves out: the
 * vendor's example answer carries `ultima_conexao` on every service. The service fetches it with
 * the others and serves what the snapshot holds (as old as the snapshot, README), so asking for
 * it changes nothing.
 */
export const ALWAYS_SHOWN_RELACOES = ['ultima_conexao'] as const

/** The relacoes value the refresh asks HubSoft for: every name it accepts. */
export const UPSTREAM_RELACOES = [...RELACOES, ...ALWAYS_SHOWN_RELACOES].join(',')

const RELACAO_SET: ReadonlySet<string> = new Set(RELACOES)
const ALWAYS_SHOWN_SET: ReadonlySet<string> = new Set(ALWAYS_SHOWN_RELACOES)

export function isRelacao (name: string): name is Relacao {
  return RELACAO_SET.has(name)
}

/**
 * The relacoes list: comma-separated names from RELACOES (or ALWAYS_SHOWN_RELACOES), blanks
 * around names ignored, order and repetitions irrelevant. A list naming nothing (`relacoes=`,
 * `relacoes=,`) is a list not sent, as HubSoft reads it: the default set.
 */
export function parseRelacoes (value: string | undefined): readonly Relacao[] {
  if (value === undefined) return DEFAULT_RELACOES
  const requested = new Set<Relacao>()
  let named = false
  for (const part of value.split(',')) {
    const name = part.trim()
    if (name === '') continue
    named = true
    if (ALWAYS_SHOWN_SET.has(name)) continue
    if (!isRelacao(name)) {
      throw new ParameterError('relacoes', `relacoes: unknown relation '${clip(name)}'; expected a comma list of ${[...RELACOES, ...ALWAYS_SHOWN_RELACOES].join(', ')}`)
    }
    requested.add(name)
  }
  return named ? RELACOES.filter((relacao) => requested.has(relacao)) : DEFAULT_RELACOES
}

/** True when the relations are exactly the default set: the projection prepared once per snapshot. */
export function isDefaultRelacoes (relacoes: readonly Relacao[]): boolean {
  return relacoes.length === DEFAULT_RELACOES.length && relacoes.every((relacao, i) => relacao === DEFAULT_RELACOES[i])
}
