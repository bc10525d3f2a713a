// The vendor's lookup route `cliente?busca=…&termo_busca=…`: the fields a busca can search, the
// fields it can be ordered by and how many clients an answer lists (the vendor's default and the
// most it allows).

export const BUSCA_TIPOS = [
  'nome_razaosocial',
  'nome_fantasia',
  'cpf_cnpj',
  'codigo_cliente',
  'telefone',
  'login_radius',
  'ipv4',
  'mac',
  'id_cliente_servico'
] as const

export type BuscaTipo = typeof BUSCA_TIPOS[number]

/** Fields a busca may also be ordered by, besides the two dates: those the vendor's own example orders by. */
export const BUSCA_FIELD_ORDER_BY = ['codigo_cliente', 'nome_razaosocial', 'nome_fantasia', 'cpf_cnpj'] as const

export type BuscaFieldOrderBy = typeof BUSCA_FIELD_ORDER_BY[number]

export const BUSCA_LIMIT_DEFAULT = 5
export const BUSCA_LIMIT_MAX = 100
