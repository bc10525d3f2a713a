// TypeBox schema of a HubSoft client and its services as the vendor's integration API
// documents cliente/all. Every field may be null and unknown fields are kept: HubSoft adds
// fields over time and the mirror passes them through, so objects allow additional properties.
import { Type } from '@sinclair/typebox'
import type { Static, TSchema } from '@sinclair/typebox'

const open = { additionalProperties: true } as const

function nullable<T extends TSchema> (schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]))
}

const text = (description: string) => nullable(Type.String({ description }))
const integer = (description: string) => nullable(Type.Integer({ description }))
/** HubSoft sends `servicos[].valor` as a number and `pacotes[].valor` as a string; accept both everywhere. */
const money = (description: string) => nullable(Type.Union([Type.Number(), Type.String()], { description }))

export const CoordenadasSchema = Type.Object({
  latitude: nullable(Type.Number({ description: 'Latitude in decimal degrees.' })),
  longitude: nullable(Type.Number({ description: 'Longitude in decimal degrees.' }))
}, { ...open, $id: 'Coordenadas', description: 'Geographic coordinates of an address.' })

export const EnderecoSchema = Type.Object({
  completo: text('Whole address on one line.'),
  logradouro: text('Street type, e.g. RUA.'),
  endereco: text('Street name.'),
  numero: text('House number.'),
  complemento: text('Complement.'),
  bairro: text('Neighbourhood.'),
  cep: text('Postal code (CEP), with or without dash.'),
  estado: text('State abbreviation, e.g. MG.'),
  uf: text('State name (the vendor swaps estado and uf).'),
  cidade: text('City.'),
  coordenadas: nullable(Type.Ref(CoordenadasSchema))
}, { ...open, $id: 'Endereco', description: 'An address of a service.' })

export const PacoteSchema = Type.Object({
  id_pacote: integer('Package id.'),
  codigo: text('Provider-defined package code (the codigo_pacote filter matches it).'),
  descricao: text('Package description.'),
  valor: money('Price; HubSoft sends it as a string.'),
  observacoes: text('Notes.'),
  data_cadastro: text('Creation time, YYYY-MM-DD HH:MM:SS.')
}, { ...open, $id: 'Pacote', description: 'An add-on package of a service.' })

export const SenhaSchema = Type.Object({
  id_cliente_servico_senha: integer('Id of this credential.'),
  descricao: text('What the credential is for.'),
  usuario: text('User name.'),
  senha: text('Password; redacted (null) for callers without the secrets scope.')
}, { ...open, $id: 'Senha', description: 'An extra credential attached to a service.' })

export const InterfaceSchema = Type.Object({
  nome: text('Interface name, e.g. PON5.'),
  tipo: text('Interface type, e.g. gpon.'),
  called_sid: text('RADIUS Called-Station-Id.')
}, { ...open, $id: 'Interface', description: 'A network interface.' })

export const EquipamentoSchema = Type.Object({
  nome: text('Equipment name.'),
  ipv4: text('IPv4 address.'),
  ipv6: text('IPv6 address.')
}, { ...open, $id: 'Equipamento', description: 'A network equipment (OLT, concentrator).' })

export const ServicoSchema = Type.Object({
  id_cliente_servico: integer('Id of this contracted service.'),
  id_servico: integer('Id of the service plan.'),
  numero_plano: integer('Sequence number of the plan for this client.'),
  nome: text('Plan name.'),
  valor: money('Monthly price; HubSoft sends it as a number.'),
  status: text('Human-readable status, e.g. Serviço Habilitado.'),
  status_prefixo: text('Machine status, e.g. servico_habilitado, suspenso_debito, cancelado.'),
  tecnologia: text('Provider-defined technology, e.g. FIBRA, WIRELESS, Cabo UTP.'),
  login: text('RADIUS login.'),
  senha: text('RADIUS password; redacted (null) for callers without the secrets scope.'),
  ipv4: text('IPv4 address.'),
  ipv6: text('IPv6 address or prefix.'),
  mac_addr: text('MAC address (cliente/todos only).'),
  endereco_instalacao: nullable(Type.Ref(EnderecoSchema)),
  endereco_cadastral: nullable(Type.Ref(EnderecoSchema)),
  endereco_cobranca: nullable(Type.Ref(EnderecoSchema)),
  endereco_fiscal: nullable(Type.Ref(EnderecoSchema)),
  pacotes: nullable(Type.Array(Type.Ref(PacoteSchema), { description: 'Add-on packages.' })),
  senhas: nullable(Type.Array(Type.Ref(SenhaSchema), { description: 'Extra credentials.' })),
  interface: nullable(Type.Ref(InterfaceSchema)),
  interface_roteamento: nullable(Type.Ref(InterfaceSchema)),
  equipamento_conexao: nullable(Type.Ref(EquipamentoSchema)),
  equipamento_roteamento: nullable(Type.Ref(EquipamentoSchema))
}, { ...open, $id: 'Servico', description: 'A contracted service with its relations (see relacoes).' })

export const ClienteSchema = Type.Object({
  id_cliente: Type.Integer({ description: 'Client id; unique in a snapshot.' }),
  codigo_cliente: nullable(Type.Union([Type.Integer(), Type.String()], { description: 'Client code shown to people.' })),
  nome_razaosocial: text('Name or company name.'),
  nome_fantasia: text('Trade name.'),
  tipo_pessoa: text('pf (person) or pj (company).'),
  cpf_cnpj: text('CPF (11 digits) or CNPJ (14, possibly alphanumeric), as stored by the provider.'),
  telefone_primario: text('Phone.'),
  telefone_secundario: text('Phone.'),
  telefone_terciario: text('Phone.'),
  email_principal: text('E-mail.'),
  email_secundario: text('E-mail.'),
  rg: text('RG (identity card).'),
  rg_emissao: text('RG issue date.'),
  inscricao_municipal: text('Municipal registration.'),
  inscricao_estadual: text('State registration.'),
  data_cadastro: text('Registration time, YYYY-MM-DD HH:MM:SS.'),
  data_nascmento: text('Birth date (the vendor spells it data_nascmento).'),
  data_fechamento: text('Closing time, YYYY-MM-DD HH:MM:SS, when the provider sends it.'),
  servicos: nullable(Type.Array(Type.Ref(ServicoSchema), { description: 'Contracted services.' }))
}, { ...open, $id: 'Cliente', description: 'A HubSoft client with its services. Unknown fields pass through unchanged.' })

/** Schemas referenced through Type.Ref, in dependency order (for validators and OpenAPI). */
export const ClienteSchemaRefs = [CoordenadasSchema, EnderecoSchema, PacoteSchema, SenhaSchema, InterfaceSchema, EquipamentoSchema, ServicoSchema] as const

export type Endereco = Static<typeof EnderecoSchema> & Record<string, unknown>
export type Pacote = Static<typeof PacoteSchema> & Record<string, unknown>
export type Senha = Static<typeof SenhaSchema> & Record<string, unknown>
export type Servico = Static<typeof ServicoSchema> & Record<string, unknown>
export type Cliente = Omit<Static<typeof ClienteSchema>, 'servicos'> & { servicos?: Servico[] | null } & Record<string, unknown>
