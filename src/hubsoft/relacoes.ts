// The relations a HubSoft service can carry (the `relacoes` parameter, SPEC §2) and the
// default set: those present in the vendor's example answer (SPEC §4).

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
