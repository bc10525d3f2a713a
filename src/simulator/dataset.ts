// Deterministic synthetic HubSoft customers shaped like the vendor's example (the integration docs page for cliente/all), with the quirks a real tenant has, so demo mode and tests exercise the same paths as production.
import type { Cliente, Endereco, Pacote, Senha, Servico } from '../hubsoft/cliente-schema.js'
import { cnpjCheckDigits, cpfCheckDigits } from '../query/cpf-cnpj.js'

export interface DatasetOptions { clients: number, seed: number }

export const DEMO_DEFAULT_CLIENTS = 2000
export const DEMO_DEFAULT_SEED = 42

/** Field HubSoft "added later" to some clients: the schema does not know it, the mirror must keep it. */
export const EXTRA_CLIENTE_FIELD = 'campo_novo_2026'
/** Same idea one level down, on services. */
export const EXTRA_SERVICO_FIELD = 'observacao_tecnica'

/** mulberry32: tiny, fast and good enough for synthetic data; the same seed always gives the same stream. */
export function createRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---------------------------------------------------------------------------------------------
// Pools. Names are stored in title case with their ASCII form precomputed, so the hot loop never
// has to strip accents.

interface Word { readonly title: string, readonly upper: string, readonly ascii: string }

function word (title: string): Word {
  return { title, upper: title.toUpperCase(), ascii: title.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase() }
}

// Split by gender so a middle name matches the first one.
const MALE_NAMES = [
  'João', 'José', 'Antônio', 'Francisco', 'Carlos', 'Paulo', 'Pedro', 'Lucas', 'Luiz', 'Marcos',
  'Luís', 'Gabriel', 'Rafael', 'Daniel', 'Marcelo', 'Bruno', 'Eduardo', 'Felipe', 'Raimundo', 'Rodrigo',
  'Guilherme', 'Sebastião', 'Vinícius', 'Otávio', 'Mário', 'Fábio', 'Cícero', 'Márcio', 'Flávio', 'Inácio'
].map(word)
const FEMALE_NAMES = [
  'Maria', 'Ana', 'Francisca', 'Antônia', 'Adriana', 'Juliana', 'Márcia', 'Fernanda', 'Patrícia', 'Aline',
  'Conceição', 'Letícia', 'Lúcia', 'Cecília', 'Sônia', 'Vitória', 'Júlia', 'Beatriz', 'Luíza', 'Débora',
  'Bárbara', 'Mônica', 'Cláudia', 'Simone', 'Camila', 'Amanda', 'Bruna', 'Jéssica', 'Tânia', 'Íris'
].map(word)

const SURNAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes',
  'Costa', 'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa',
  'Rocha', 'Dias', 'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas',
  'Araújo', 'Simões', 'Magalhães', 'Conceição', 'Gonçalves', 'Guimarães', 'Brandão', 'Falcão', 'Assunção', 'Romão',
  'Peçanha', 'Conrado', 'Tavares', 'Mesquita', 'Pardini', 'Fonseca', 'Camargo', 'Batista', 'Teixeira', 'Câmara'
].map(word)

const FIRST_NAMES = [...MALE_NAMES, ...FEMALE_NAMES]

const COMPANY_KINDS: readonly Word[] = [
  'Mercado', 'Padaria', 'Auto Peças', 'Farmácia', 'Clínica Odontológica', 'Distribuidora', 'Construtora',
  'Materiais de Construção', 'Açougue', 'Papelaria', 'Lanchonete', 'Escritório Contábil', 'Calçados', 'Confecções',
  'Transportadora', 'Pousada', 'Academia', 'Pet Shop', 'Ótica', 'Serralheria'
].map(word)
const COMPANY_CORES: readonly Word[] = [
  'São José', 'Santa Luzia', 'Bom Jesus', 'Conceição', 'Pão de Mel', 'Estrela', 'Progresso', 'União',
  'Aliança', 'Vitória', 'Nova Era', 'Boa Vista', 'Horizonte', 'Primavera', 'Sorriso', 'Central', 'Ipê Amarelo',
  'Três Irmãos', 'Serrana', 'Paraíso'
].map(word)
const COMPANY_SUFFIXES = ['LTDA', 'LTDA', 'LTDA ME', 'EIRELI', 'ME', 'S/A', 'EPP']

interface EquipamentoModel { readonly nome: string, readonly ipv4: string, readonly ipv6: string | null }

interface City {
  readonly nome: string
  readonly upper: string
  /** Some HubSoft screens upper-case only ASCII letters ("DIVINóPOLIS"), and the vendor example shows it. */
  readonly brokenUpper: string
  readonly estado: string
  readonly uf: string
  readonly ddd: string
  readonly cep: string
  readonly lat: number
  readonly lon: number
  readonly weight: number
  /** Access equipment of the city: each has one fixed address, as on a real network. */
  readonly olts: readonly EquipamentoModel[]
  readonly radios: readonly EquipamentoModel[]
}

let cityCount = 0

function city (nome: string, estado: string, uf: string, ddd: string, cep: string, lat: number, lon: number, weight: number): City {
  const upper = nome.toUpperCase()
  const subnet = ++cityCount
  const olts = [1, 2, 3].map((n) => ({ nome: `OLT ${upper} 0${n}`, ipv4: `192.168.${subnet}.${99 + n}`, ipv6: null }))
  const radios = [1, 2].map((n) => ({ nome: `RADIO ${upper} 0${n}`, ipv4: `192.168.${subnet}.${199 + n}`, ipv6: null }))
  return { nome, upper, brokenUpper: nome.replace(/[a-z]/g, (c) => c.toUpperCase()), estado, uf, ddd, cep, lat, lon, weight, olts, radios }
}

// A regional provider: most clients around its home town, a long tail elsewhere.
const CITIES = [
  city('Divinópolis', 'MG', 'MINAS GERAIS', '37', '355', -20.1446, -44.8912, 30),
  city('Nova Serrana', 'MG', 'MINAS GERAIS', '37', '35519', -19.8756, -44.9842, 12),
  city('Santo Antônio do Monte', 'MG', 'MINAS GERAIS', '37', '35560', -20.0869, -45.2936, 6),
  city('Perdigão', 'MG', 'MINAS GERAIS', '37', '35515', -19.9411, -45.0786, 4),
  city('Itaúna', 'MG', 'MINAS GERAIS', '37', '35680', -20.0753, -44.5764, 6),
  city('Pará de Minas', 'MG', 'MINAS GERAIS', '37', '35660', -19.8603, -44.6081, 5),
  city('Cláudio', 'MG', 'MINAS GERAIS', '37', '35530', -20.4433, -44.7669, 3),
  city('Belo Horizonte', 'MG', 'MINAS GERAIS', '31', '301', -19.9167, -43.9345, 5),
  city('Contagem', 'MG', 'MINAS GERAIS', '31', '320', -19.9321, -44.0539, 2),
  city('Uberlândia', 'MG', 'MINAS GERAIS', '34', '384', -18.9186, -48.2772, 1),
  city('São Paulo', 'SP', 'SÃO PAULO', '11', '014', -23.5505, -46.6333, 4),
  city('Ribeirão Preto', 'SP', 'SÃO PAULO', '16', '140', -21.1704, -47.8103, 1),
  city('São José dos Campos', 'SP', 'SÃO PAULO', '12', '122', -23.1896, -45.8841, 1),
  city('Curitiba', 'PR', 'PARANÁ', '41', '800', -25.4284, -49.2733, 2),
  city('Maringá', 'PR', 'PARANÁ', '44', '870', -23.4205, -51.9333, 1),
  city('Florianópolis', 'SC', 'SANTA CATARINA', '48', '880', -27.5954, -48.548, 1),
  city('Porto Alegre', 'RS', 'RIO GRANDE DO SUL', '51', '900', -30.0346, -51.2177, 1),
  city('Goiânia', 'GO', 'GOIÁS', '62', '740', -16.6869, -49.2648, 2),
  city('Brasília', 'DF', 'DISTRITO FEDERAL', '61', '700', -15.7939, -47.8828, 1),
  city('Rio de Janeiro', 'RJ', 'RIO DE JANEIRO', '21', '200', -22.9068, -43.1729, 2),
  city('Vitória', 'ES', 'ESPÍRITO SANTO', '27', '290', -20.3155, -40.3128, 1),
  city('Salvador', 'BA', 'BAHIA', '71', '400', -12.9777, -38.5016, 1),
  city('Feira de Santana', 'BA', 'BAHIA', '75', '440', -12.2664, -38.9663, 1),
  city('Recife', 'PE', 'PERNAMBUCO', '81', '500', -8.0476, -34.877, 1),
  city('João Pessoa', 'PB', 'PARAÍBA', '83', '580', -7.1195, -34.845, 1),
  city('Fortaleza', 'CE', 'CEARÁ', '85', '600', -3.7319, -38.5267, 1),
  city('São Luís', 'MA', 'MARANHÃO', '98', '650', -2.5307, -44.3068, 1),
  city('Belém', 'PA', 'PARÁ', '91', '660', -1.4558, -48.4902, 1),
  city('Manaus', 'AM', 'AMAZONAS', '92', '690', -3.119, -60.0217, 1),
  city('Cuiabá', 'MT', 'MATO GROSSO', '65', '780', -15.601, -56.0974, 1)
]
const CITY_TABLE = weightedTable(CITIES.map((c) => [c, c.weight]))

const LOGRADOUROS = weightedTable<string>([['RUA', 70], ['AVENIDA', 15], ['TRAVESSA', 5], ['ALAMEDA', 3], ['PRAÇA', 3], ['RODOVIA', 2], ['ESTRADA', 2]])
const STREETS = [
  'DONA MARIA DAS DORES', 'MINAS GERAIS', 'GOIÁS', 'SEBASTIÃO PARDINI', 'JOÃO J FERNANDES', 'RITA DOS SANTOS MESQUITA',
  'DOIS', 'SÃO PAULO', 'TIRADENTES', 'SETE DE SETEMBRO', 'PADRE LIBÉRIO', 'AFONSO PENA', 'GETÚLIO VARGAS', 'DAS FLORES',
  'PRIMEIRO DE MAIO', 'JOSÉ GONÇALVES', 'GERALDO RODRIGUES DA COSTA', 'SANTOS DUMONT', 'DOM PEDRO II', 'CONCEIÇÃO',
  'DAS ACÁCIAS', 'JÚLIO NOGUEIRA', 'ANTÔNIO OLÍMPIO DE MORAIS', 'PERNAMBUCO', 'BAHIA', 'SÃO JOÃO', 'DOS IPÊS', 'QUINZE DE NOVEMBRO'
]
const BAIRROS = [
  'CENTRO', 'CENTRO', 'NOSSA SENHORA DAS GRACAS', 'IPIRANGA', 'PORTO VELHO', 'SANTO AGOSTINHO', 'BARRETOS', 'BARRETINHOS',
  'JARDIM AMÉRICA', 'VILA NOVA', 'SÃO JOSÉ', 'BOM PASTOR', 'ESPLANADA', 'NITERÓI', 'SANTA CLARA', 'CONCEIÇÃO',
  'SIDIL', 'INTERLAGOS', 'DISTRITO INDUSTRIAL', 'SÃO JUDAS TADEU', 'PLANALTO', 'JARDIM CANDIDÉS'
]
const COMPLEMENTOS = weightedTable<string>([
  ['', 60], ['APTO 101', 5], ['APTO 202', 4], ['CASA 2', 5], ['FUNDOS', 6], ['AREA RURAL', 4], ['IGREJA', 1],
  ['202', 2], ['BLOCO B APTO 304', 3], ['LOJA 1', 3], ['SALA 5', 2], ['PRÓXIMO AO POSTO', 2]
])

interface Plan {
  readonly id: number
  readonly nome: string
  readonly valor: number
  readonly down: number
  readonly up: number
  readonly kind: 'fibra' | 'radio' | 'utp'
}
const PLANS = weightedTable<Plan>([
  [{ id: 100, nome: '4M', valor: 69.9, down: 4096, up: 1024, kind: 'radio' }, 3],
  [{ id: 101, nome: '10M RADIO', valor: 89.9, down: 10240, up: 2048, kind: 'radio' }, 5],
  [{ id: 1023, nome: '24M', valor: 119.9, down: 24576, up: 4096, kind: 'radio' }, 3],
  [{ id: 110, nome: '20 MEGA UTP', valor: 79.9, down: 20480, up: 10240, kind: 'utp' }, 3],
  [{ id: 200, nome: '100M', valor: 89.9, down: 102400, up: 51200, kind: 'fibra' }, 15],
  [{ id: 205, nome: 'Fibra 200 Mega', valor: 79.9, down: 204800, up: 102400, kind: 'fibra' }, 12],
  [{ id: 201, nome: 'FIBRA 300MB', valor: 99.9, down: 307200, up: 153600, kind: 'fibra' }, 25],
  [{ id: 202, nome: 'FIBRA 500MB', valor: 119.9, down: 512000, up: 256000, kind: 'fibra' }, 18],
  [{ id: 203, nome: 'FIBRA 1 GIGA', valor: 169.9, down: 1024000, up: 512000, kind: 'fibra' }, 8],
  [{ id: 204, nome: 'PLANO EMPRESARIAL 600M', valor: 299.9, down: 614400, up: 307200, kind: 'fibra' }, 3],
  [{ id: 300, nome: 'DEDICADO 50M', valor: 899, down: 51200, up: 51200, kind: 'fibra' }, 1]
])

const TECNOLOGIAS: Record<Plan['kind'], WeightedTable<string | null>> = {
  fibra: weightedTable<string | null>([['FIBRA', 80], ['Fibra', 8], ['fibra', 4], ['Genérico', 2], [null, 3]]),
  radio: weightedTable<string | null>([['WIRELESS', 55], ['RADIO', 35], ['Genérico', 5], [null, 5]]),
  utp: weightedTable<string | null>([['Cabo UTP', 85], ['Genérico', 10], [null, 5]])
}

const STATUS_TEXT: Record<string, string> = {
  servico_habilitado: 'Serviço Habilitado',
  suspenso_debito: 'Suspenso por Débito',
  cancelado: 'Cancelado',
  aguardando_instalacao: 'Aguardando Instalação',
  agendado_para_instalacao: 'Agendado para Instalação',
  aguardando_assinatura_contrato: 'Aguardando Assinatura do Contrato',
  aguardando_configuracao: 'Aguardando Configuração',
  aguardando_liberacao_ti: 'Aguardando Liberação TI',
  aguardando_migracao: 'Aguardando Migração',
  franquia_excedida: 'Franquia Excedida',
  inativo: 'Inativo',
  suspenso_parcialmente: 'Suspenso Parcialmente',
  suspenso_pedido_cliente: 'Suspenso a Pedido do Cliente'
}
const RARE_STATUSES = [
  'agendado_para_instalacao', 'aguardando_assinatura_contrato', 'aguardando_configuracao', 'aguardando_liberacao_ti',
  'aguardando_migracao', 'franquia_excedida', 'inativo', 'suspenso_parcialmente', 'suspenso_pedido_cliente'
]
const STATUSES = weightedTable<string>([
  ['servico_habilitado', 75], ['suspenso_debito', 8], ['cancelado', 8], ['aguardando_instalacao', 3],
  ...RARE_STATUSES.map((s): [string, number] => [s, 6 / RARE_STATUSES.length])
])
/** Not installed yet: no interface, equipment, port or connection status. */
const NOT_INSTALLED = new Set(['aguardando_instalacao', 'agendado_para_instalacao', 'aguardando_assinatura_contrato', 'aguardando_configuracao', 'aguardando_liberacao_ti'])

const MOTIVOS_CANCELAMENTO = [
  'Mudança de endereço', 'Inadimplência', 'Insatisfação com o serviço', 'Mudou para concorrente',
  'Falecimento do titular', 'Problemas financeiros', 'MUDOU DE CIDADE', 'Sem viabilidade técnica'
]
const REFERENCIAS = ['PRÓXIMO À IGREJA', 'CASA AMARELA', 'FUNDOS', 'PORTÃO PRETO', 'EM FRENTE À PRAÇA', 'AO LADO DA PADARIA', 'SÍTIO SÃO JOSÉ']

interface PacoteModel { readonly id: number, readonly codigo: string, readonly descricao: string, readonly valor: string, readonly observacoes: string | null }
// A handful of codes so the codigo_pacote filter matches many clients, including the vendor's own example codes.
const PACOTES: readonly PacoteModel[] = [
  { id: 1, codigo: 'meu_codigo_personalizado_1', descricao: 'IP FIXO', valor: '20', observacoes: 'IP FIXO' },
  { id: 2, codigo: 'meu_codigo_personalizado_2', descricao: 'TV', valor: '20', observacoes: 'ASSINATURA DE TV' },
  { id: 3, codigo: 'ip_fixo', descricao: 'IP Fixo', valor: '25.00', observacoes: 'IP FIXO' },
  { id: 4, codigo: 'tv_basica', descricao: 'TV Básica', valor: '39.90', observacoes: null },
  { id: 5, codigo: 'streaming_plus', descricao: 'Streaming Plus', valor: '14.9', observacoes: 'Ativação pelo app' },
  { id: 6, codigo: 'suporte_premium', descricao: 'Suporte Prêmio 24h', valor: '9.90', observacoes: null }
]

const CONCENTRADORES: readonly EquipamentoModel[] = [
  { nome: 'CONCENTRADOR XPTO', ipv4: '172.17.24.98', ipv6: null },
  { nome: 'CONCENTRADOR 01', ipv4: '172.17.24.91', ipv6: '2804:1b3:a000::1' },
  { nome: 'CONCENTRADOR 02', ipv4: '172.17.24.92', ipv6: null },
  { nome: 'BNG CENTRO', ipv4: '172.17.25.1', ipv6: '2804:1b3:a000::2' }
]
const PON_NAMES = Array.from({ length: 16 }, (_, i) => `PON${i + 1}`)
const WLAN_NAMES = ['wlan1', 'wlan2', 'wlan3', 'wlan4']
const AP_NAMES = Array.from({ length: 12 }, (_, i) => `AP-SETOR-${i + 1}`)
const ETHER_NAMES = Array.from({ length: 24 }, (_, i) => `ether${i + 1}`)
const VLAN_NAMES = Array.from({ length: 41 }, (_, i) => `vlan${100 + i}`)

/** A fresh object per service (callers may strip or redact per service) sharing the model's strings. */
function equipamento (model: EquipamentoModel): { nome: string, ipv4: string, ipv6: string | null } {
  return { nome: model.nome, ipv4: model.ipv4, ipv6: model.ipv6 }
}

const GRUPOS = [
  { id_grupo: 1, descricao: 'VIP' },
  { id_grupo: 2, descricao: 'Condomínio Solar' },
  { id_grupo: 3, descricao: 'Empresarial' },
  { id_grupo: 4, descricao: 'Zona Rural' },
  { id_grupo: 5, descricao: 'Funcionários' }
]
const EMAIL_DOMAINS = ['gmail.com', 'gmail.com', 'gmail.com', 'hotmail.com', 'yahoo.com.br', 'outlook.com', 'uol.com.br', 'bol.com.br']
const SENHA_DESCRICOES = ['Wi-Fi', 'Acesso ONU', 'PPPoE secundário', 'Câmera', 'Roteador']
const ONU_VENDORS = ['ZTEG', 'FHTT', 'HWTC', 'ALCL']
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const PASSWORD_CHARS = 'abcdefghijkmnpqrstuvwxyz23456789'
const HEX = '0123456789ABCDEF'
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'))
const HEX_BYTES_LOWER = HEX_BYTES.map((b) => b.toLowerCase())

const HOUSE_NUMBERS = Array.from({ length: 3000 }, (_, i) => `${i}`)
const RECENT_PEOPLE = 1024
/** Odd and not a multiple of 5, so multiplying by it permutes residues modulo any power of ten. */
const SCRAMBLE = 7_654_321

const START_MS = Date.UTC(2015, 0, 1)
const END_MS = Date.UTC(2026, 9, 31, 23, 59, 59)
const DAY_MS = 86_400_000
const DAYS = Math.floor((END_MS - START_MS) / DAY_MS) + 1

// ---------------------------------------------------------------------------------------------

interface WeightedTable<T> { readonly items: readonly T[], readonly cumulative: Float64Array }

function weightedTable<T> (entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length)
  let total = 0
  for (const [, w] of entries) total += w
  let running = 0
  entries.forEach(([, w], i) => { running += w / total; cumulative[i] = running })
  cumulative[entries.length - 1] = 1
  return { items: entries.map(([item]) => item), cumulative }
}

const PAD2 = Array.from({ length: 100 }, (_, n) => n < 10 ? `0${n}` : `${n}`)

// Day strings are cached: a few thousand distinct days serve hundreds of thousands of timestamps,
// and fewer live strings keep generation of large datasets out of the garbage collector.
const FIRST_CACHED_DAY = Math.floor(Date.UTC(1900, 0, 1) / DAY_MS)
const DAY_STRINGS: Array<string | undefined> = new Array(Math.floor(END_MS / DAY_MS) + 2 - FIRST_CACHED_DAY)

/** HubSoft's "YYYY-MM-DD HH:MM:SS", read as wall-clock time (the vendor sends no zone). */
function timestamp (ms: number): string {
  const day = Math.floor(ms / DAY_MS)
  let date = DAY_STRINGS[day - FIRST_CACHED_DAY]
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10) + ' '
    if (day >= FIRST_CACHED_DAY) DAY_STRINGS[day - FIRST_CACHED_DAY] = date
  }
  const seconds = Math.floor((ms - day * DAY_MS) / 1000)
  // The time part is short enough to be a flat string; joined to the shared day it costs one rope node.
  return date + (PAD2[Math.floor(seconds / 3600)]! + ':' + PAD2[Math.floor(seconds / 60) % 60]! + ':' + PAD2[seconds % 60]!)
}

/**
 * Concatenates many pieces into one flat string. `+` and template literals build a rope node
 * (cons string) for every step past 12 characters; for many-piece strings across millions of
 * fields those ropes doubled the heap and made the garbage collector the main cost. Two or three
 * pieces are cheaper as a plain template.
 */
function flat (...parts: Array<string | number>): string {
  return parts.join('')
}

function formatCpf (key: string): string {
  return flat(key.slice(0, 3), '.', key.slice(3, 6), '.', key.slice(6, 9), '-', key.slice(9))
}

function formatCnpj (key: string): string {
  return flat(key.slice(0, 2), '.', key.slice(2, 5), '.', key.slice(5, 8), '/', key.slice(8, 12), '-', key.slice(12))
}

function isRun (s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s[i] !== s[0]) return false
  return true
}

interface Person {
  readonly tipo: 'pf' | 'pj'
  readonly nome: string
  readonly fantasia: string | null
  readonly docKey: string
  readonly rg: string | null
  readonly nascimento: string | null
  readonly inscricaoMunicipal: string | null
  readonly inscricaoEstadual: string | null
  /** ASCII stem for logins and e-mails. */
  readonly handle: string
  readonly emailUser: string
  readonly city: City
}

/** One place; every relation that points at it shares its strings and coordinates. */
interface Street {
  readonly logradouro: string
  readonly endereco: string
  readonly numero: string
  readonly complemento: string
  readonly bairro: string
  readonly cep: string
  readonly city: City
  readonly completo: string
  readonly latitude: number
  readonly longitude: number
}

class Generator {
  private readonly rng: () => number
  // Uniqueness by construction instead of lookup sets: a strictly increasing counter times a
  // multiplier coprime with 10 is a bijection modulo a power of ten, so numbers never repeat.
  private cpfCounter: number
  private cnpjCounter: number
  private readonly alphanumericCnpjs = new Set<string>()
  private ipCounter: number
  private ipv6Counter = 0x100
  private servicoId = 10001
  private senhaId = 1
  private portaId = 1

  constructor (seed: number) {
    this.rng = createRandom(seed)
    this.cpfCounter = this.int(0, 999_999)
    this.cnpjCounter = this.int(0, 999_999)
    // Seed-dependent start so different seeds do not hand out the same address sequence.
    this.ipCounter = this.int(1, 1 << 20)
  }

  chance (p: number): boolean {
    return this.rng() < p
  }

  int (min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1))
  }

  pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!
  }

  weighted<T> (table: WeightedTable<T>): T {
    const r = this.rng()
    const { cumulative, items } = table
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return items[i]!
    return items[items.length - 1]!
  }

  digits (n: number): string {
    // One draw covers up to 9 digits (the generator yields 32 bits).
    if (n > 9) return this.digits(9) + this.digits(n - 9)
    return `${Math.floor(this.rng() * 10 ** n)}`.padStart(n, '0')
  }

  chars (alphabet: string, n: number): string {
    let s = ''
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.rng() * alphabet.length)]
    return s
  }

  /** A moment between `ms` and the end of the dataset's time range. */
  after (ms: number): number {
    return Math.min(ms + Math.floor(this.rng() * Math.max(END_MS - ms, DAY_MS)), END_MS)
  }

  // --- people -------------------------------------------------------------------------------

  newCpf (): string {
    for (;;) {
      this.cpfCounter += this.int(1, 97)
      const base = `${(this.cpfCounter * SCRAMBLE) % 1e9}`.padStart(9, '0')
      if (!isRun(base)) return base + cpfCheckDigits(base)
    }
  }

  newCnpj (alphanumeric: boolean): string {
    for (;;) {
      let base: string
      if (alphanumeric) {
        base = this.chars(ALNUM, 12)
        // An all-digit draw would not be an alphanumeric CNPJ; force one letter.
        if (!/[A-Z]/.test(base)) base = base.slice(0, 4) + this.chars(ALNUM.slice(10), 1) + base.slice(5)
      } else {
        this.cnpjCounter += this.int(1, 97)
        base = `${(this.cnpjCounter * SCRAMBLE) % 1e8}`.padStart(8, '0') + (this.chance(0.85) ? '0001' : `000${this.int(2, 9)}`)
      }
      if (isRun(base)) continue
      const key = base + cnpjCheckDigits(base)
      // Numeric roots are unique by construction; random alphanumeric ones need a check.
      if (alphanumeric) {
        if (this.alphanumericCnpjs.has(key)) continue
        this.alphanumericCnpjs.add(key)
      }
      return key
    }
  }

  personName (): { nome: string, handle: string, emailUser: string } {
    const names = this.chance(0.5) ? MALE_NAMES : FEMALE_NAMES
    const first = this.pick(names)
    const middle = this.chance(0.3) ? this.pick(names) : null
    const last = this.pick(SURNAMES)
    const second = this.chance(0.45) ? this.pick(SURNAMES) : null
    const connector = second !== null && this.chance(0.25) ? (second.title === 'Santos' ? 'dos' : this.pick(['da', 'de'])) : null
    const upper = this.chance(0.7)
    const parts: string[] = [upper ? first.upper : first.title]
    if (middle !== null) parts.push(upper ? middle.upper : middle.title)
    if (second !== null) {
      if (connector !== null) parts.push(upper ? connector.toUpperCase() : connector)
      parts.push(upper ? second.upper : second.title)
    }
    parts.push(upper ? last.upper : last.title)
    return { nome: parts.join(' '), handle: first.ascii + last.ascii, emailUser: `${first.ascii}.${last.ascii}` }
  }

  newPerson (): Person {
    const home = this.weighted(CITY_TABLE)
    if (this.chance(0.85)) {
      const { nome, handle, emailUser } = this.personName()
      const docKey = this.newCpf()
      const rg = this.chance(0.15)
        ? null
        : this.chance(0.7) ? `${home.estado}${this.digits(8)}` : `${this.digits(2)}.${this.digits(3)}.${this.digits(3)}-${this.digits(1)}`
      const birth = START_MS - this.int(18 * 365, 80 * 365) * DAY_MS
      // Birth dates drift by the server's UTC offset in some exports (the vendor shows 04:00:00).
      const nascimento = this.chance(0.03) ? null : timestamp(birth + (this.chance(0.05) ? this.pick([3, 4]) * 3_600_000 : 0))
      return { tipo: 'pf', nome, fantasia: null, docKey, rg, nascimento, inscricaoMunicipal: null, inscricaoEstadual: null, handle, emailUser, city: home }
    }
    const kind = this.pick(COMPANY_KINDS)
    const core = this.pick(COMPANY_CORES)
    const fantasia = `${kind.title} ${core.title}`
    const fantasiaUpper = `${kind.upper} ${core.upper}`
    const owner = this.chance(0.3) ? `${this.pick(FIRST_NAMES).upper[0]!}. ${this.pick(SURNAMES).upper} ` : ''
    const nome = flat(owner, fantasiaUpper, ' ', this.pick(COMPANY_SUFFIXES))
    const handle = (kind.ascii + core.ascii).slice(0, 20)
    const docKey = this.newCnpj(this.chance(0.25))
    return {
      tipo: 'pj',
      nome,
      fantasia: this.chance(0.1) ? null : (this.chance(0.6) ? fantasia : fantasiaUpper),
      docKey,
      rg: null,
      nascimento: null,
      inscricaoMunicipal: this.chance(0.5) ? this.digits(this.int(6, 9)) : null,
      inscricaoEstadual: this.chance(0.3) ? 'ISENTO' : this.digits(13),
      handle,
      emailUser: this.chance(0.5) ? 'contato' : 'financeiro',
      city: home
    }
  }

  storedDoc (person: Person): string {
    const key = person.docKey
    if (person.tipo === 'pf') return this.chance(0.2) ? formatCpf(key) : key
    const alphanumeric = /[A-Z]/.test(key)
    return this.chance(alphanumeric ? 0.4 : 0.3) ? formatCnpj(key) : key
  }

  mobile (ddd: string): string {
    return `${ddd}9${this.int(6, 9)}${this.digits(7)}`
  }

  landline (ddd: string): string {
    return `${ddd}${this.int(2, 5)}${this.digits(7)}`
  }

  email (person: Person): string {
    if (person.tipo === 'pj') return `${person.emailUser}@${person.handle.slice(0, 18)}.com.br`
    const domain = this.pick(EMAIL_DOMAINS)
    return `${person.emailUser}${this.chance(0.4) ? this.int(1, 99) : ''}@${domain}`
  }

  // --- addresses ----------------------------------------------------------------------------

  street (where: City): Street {
    const cep = where.cep + this.digits(8 - where.cep.length)
    const logradouro = this.weighted(LOGRADOUROS)
    const endereco = this.pick(STREETS)
    const numero = this.chance(0.04) ? 'S/N' : HOUSE_NUMBERS[this.int(1, 2999)]!
    const complemento = this.weighted(COMPLEMENTOS)
    const bairro = this.pick(BAIRROS)
    const cityUpper = this.chance(0.3) ? where.brokenUpper : where.upper
    return {
      logradouro,
      endereco,
      numero,
      complemento,
      bairro,
      // Providers type CEPs both ways; the vendor example has both.
      cep: this.chance(0.7) ? `${cep.slice(0, 5)}-${cep.slice(5)}` : cep,
      city: where,
      completo: flat(logradouro, ' ', endereco, ', ', numero, ' - ', bairro, ', ', cityUpper, '/', where.estado, complemento === '' ? '' : ' - ', complemento),
      latitude: Math.round((where.lat + (this.rng() - 0.5) * 0.08) * 1e7) / 1e7,
      longitude: Math.round((where.lon + (this.rng() - 0.5) * 0.08) * 1e7) / 1e7
    }
  }

  endereco (s: Street, withCoordinates: boolean): Endereco {
    const c = s.city
    return {
      completo: s.completo,
      logradouro: s.logradouro,
      endereco: s.endereco,
      numero: s.numero,
      complemento: s.complemento,
      bairro: s.bairro,
      cep: s.cep,
      // The vendor swaps the two: estado holds the abbreviation, uf the state's name.
      estado: c.estado,
      uf: c.uf,
      cidade: c.nome,
      coordenadas: withCoordinates ? { latitude: s.latitude, longitude: s.longitude } : { latitude: null, longitude: null }
    }
  }

  // --- network ------------------------------------------------------------------------------

  /** Unique 10.x.y.z: a counter scrambled by an odd multiplier is a bijection on 24 bits, so no repeats. */
  ipv4 (): string {
    for (;;) {
      if (this.ipCounter >= 1 << 24) throw new RangeError('dataset too large for unique 10.0.0.0/8 addresses')
      const v = Math.imul(this.ipCounter++, 0x9E3779B1) & 0xFFFFFF
      const last = v & 0xFF
      if (last === 0 || last === 255) continue
      return `10.${v >>> 16}.${(v >>> 8) & 0xFF}.${last}`
    }
  }

  mac (): string | null {
    if (this.chance(0.08)) return null
    const bytes = this.chance(0.2) ? HEX_BYTES_LOWER : HEX_BYTES
    const r = this.rng
    return [bytes[r() * 256 | 0], bytes[r() * 256 | 0], bytes[r() * 256 | 0], bytes[r() * 256 | 0], bytes[r() * 256 | 0], bytes[r() * 256 | 0]].join(':')
  }

  /**
   * Letters, then a number derived from the service id: handles hold only [a-z], so distinct
   * numbers give distinct logins without a lookup set. Scrambled so logins do not look sequential;
   * the padding keeps 6-digit, 7-digit and raw-id suffixes apart.
   */
  login (handle: string, servicoId: number): string {
    if (servicoId < 1e6) return handle + `${(servicoId * SCRAMBLE) % 1e6}`.padStart(6, '0')
    if (servicoId < 1e7) return handle + `${(servicoId * SCRAMBLE) % 1e7}`.padStart(7, '0')
    return `${handle}${servicoId}`
  }

  // --- services -----------------------------------------------------------------------------

  servico (person: Person, numeroPlano: number, statusPrefixo: string, cadastroMs: number, home: Street, extraField: boolean): Servico {
    const plan = this.weighted(PLANS)
    const cancelled = statusPrefixo === 'cancelado'
    const installed = !NOT_INSTALLED.has(statusPrefixo)
    const fibra = plan.kind === 'fibra'
    const city = home.city

    const installStreet = numeroPlano === 1 && this.chance(0.7) ? home : this.street(this.chance(0.8) ? city : this.weighted(CITY_TABLE))
    const hasIp = !(cancelled ? this.chance(0.6) : this.chance(0.05))

    const pacotes: Pacote[] = []
    const packageDraw = this.rng()
    const packageCount = packageDraw < 0.65 ? 0 : packageDraw < 0.92 ? 1 : 2
    const firstPackage = this.int(0, PACOTES.length - 1)
    for (let k = 0; k < packageCount; k++) {
      const model = PACOTES[(firstPackage + k * this.int(1, PACOTES.length - 1)) % PACOTES.length]!
      pacotes.push({
        id_pacote: model.id,
        codigo: model.codigo,
        descricao: model.descricao,
        valor: model.valor,
        observacoes: model.observacoes === 'IP FIXO' ? `IP FIXO 189.79.${this.int(0, 255)}.${this.int(1, 254)}` : model.observacoes,
        data_cadastro: timestamp(this.after(cadastroMs))
      })
    }

    const senhas: Senha[] = []
    if (this.chance(0.15)) {
      senhas.push({
        id_cliente_servico_senha: this.senhaId++,
        descricao: this.pick(SENHA_DESCRICOES),
        usuario: this.chance(0.5) ? 'admin' : `${person.handle.slice(0, 10)}${this.int(1, 99)}`,
        senha: this.chars(PASSWORD_CHARS, this.int(6, 10))
      })
    }

    const grupos = this.chance(0.2) ? [{ ...this.pick(GRUPOS) }] : []
    if (grupos.length > 0 && this.chance(0.15)) {
      const other = this.pick(GRUPOS)
      if (other.id_grupo !== grupos[0]!.id_grupo) grupos.push({ ...other })
    }

    const onuSlot = this.int(1, 16)
    // Connection status is recent (the last month of the dataset) but never before registration.
    const lastSeenFrom = Math.max(cadastroMs, END_MS - 30 * DAY_MS)
    const servico: Servico = {
      id_cliente_servico: this.servicoId,
      id_servico: plan.id,
      numero_plano: numeroPlano,
      nome: plan.nome,
      valor: plan.valor,
      status: STATUS_TEXT[statusPrefixo]!,
      status_prefixo: statusPrefixo,
      tecnologia: this.weighted(TECNOLOGIAS[plan.kind]),
      login: this.login(person.handle, this.servicoId),
      senha: this.chance(0.03) ? null : (this.chance(0.1) ? '123' : this.chars(PASSWORD_CHARS, this.int(4, 8))),
      ipv4: hasIp ? this.ipv4() : null,
      ipv6: this.chance(0.1) ? `2804:1b3:a0c0:${(this.ipv6Counter++).toString(16)}::/64` : null,
      velocidade_download: plan.down,
      velocidade_upload: plan.up,
      mac_addr: this.mac(),
      phy_addr: fibra && this.chance(0.08) ? this.pick(ONU_VENDORS) + this.chars(HEX, 8) : null,
      motivo_cancelamento: cancelled ? this.pick(MOTIVOS_CANCELAMENTO) : null,
      referencia: this.chance(0.3) ? this.pick(REFERENCIAS) : null,
      interface: !installed
        ? null
        : fibra
          ? { nome: PON_NAMES[onuSlot - 1]!, tipo: 'gpon', called_sid: null }
          : plan.kind === 'radio'
            ? { nome: this.pick(WLAN_NAMES), tipo: 'wireless', called_sid: this.pick(AP_NAMES) }
            : { nome: this.pick(ETHER_NAMES), tipo: 'ethernet', called_sid: null },
      interface_roteamento: installed ? (this.chance(0.6) ? { nome: 'ether8', tipo: 'ethernet', called_sid: null } : { nome: this.pick(VLAN_NAMES), tipo: 'vlan', called_sid: null }) : null,
      equipamento_conexao: installed ? equipamento(this.pick(fibra ? city.olts : city.radios)) : null,
      equipamento_roteamento: installed ? equipamento(this.pick(CONCENTRADORES)) : null,
      pacotes,
      senhas,
      endereco_cadastral: this.endereco(home, false),
      endereco_instalacao: this.endereco(installStreet, this.chance(0.85)),
      endereco_fiscal: this.endereco(this.chance(0.85) ? home : this.street(city), this.chance(0.05)),
      endereco_cobranca: this.endereco(this.chance(0.75) ? home : this.street(city), this.chance(0.05)),
      grupos,
      porta_atendimento: installed && fibra && this.chance(0.6)
        ? { id_porta_atendimento: this.portaId++, nome: `CTO-${this.int(1, 400)} P${this.int(1, 16)}`, slot: onuSlot, porta: this.int(1, 16) }
        : null,
      status_conexao: installed && !cancelled
        ? { online: statusPrefixo === 'servico_habilitado' ? this.chance(0.85) : this.chance(0.1), ultima_atualizacao: timestamp(lastSeenFrom + Math.floor(this.rng() * (END_MS - lastSeenFrom))) }
        : null
    }
    if (extraField) {
      servico[EXTRA_SERVICO_FIELD] = this.chance(0.5)
        ? { autor: this.pick(['NOC', 'Suporte N2', 'Campo']), texto: `Sinal ${-this.int(15, 27)} dBm`, nivel: this.int(1, 3) }
        : `Visita técnica em ${timestamp(this.after(cadastroMs)).slice(0, 10)}`
    }
    this.servicoId += this.int(1, 5)
    return servico
  }

  // --- clients ------------------------------------------------------------------------------

  dataset (count: number): Cliente[] {
    const forced = count >= 50
    // Fixed positions make the rare cases exist even in small datasets (tests rely on them).
    const forcedDuplicates = new Map<number, number>(forced ? [[17, 3], [41, 29]] : [])
    const forcedExtraCliente = forced ? 11 : -1
    const forcedExtraServico = forced ? 12 : -1
    const forcedAllCancelled = forced ? 13 : -1

    const clientes: Cliente[] = new Array(count)
    // Duplicates copy someone registered recently: keeping every person alive would cost memory for nothing.
    const recent: Person[] = new Array(RECENT_PEOPLE)
    let idCliente = 10001
    let codigoCliente = 101
    let previousMs = START_MS + 9 * 3_600_000

    for (let i = 0; i < count; i++) {
      const duplicateOf = forcedDuplicates.get(i) ?? (i > 0 && this.chance(0.01) ? this.int(Math.max(0, i - RECENT_PEOPLE), i - 1) : -1)
      const person = duplicateOf >= 0 ? recent[duplicateOf % RECENT_PEOPLE]! : this.newPerson()
      recent[i % RECENT_PEOPLE] = person
      const ddd = person.city.ddd

      // Registration time: ~5% copy the previous client's exact timestamp (batch entry), ~8% are
      // midnight stamps of imported clients, and a quarter reuse the previous client's day.
      let cadastroMs: number
      const dateDraw = this.rng()
      if (i > 0 && dateDraw < 0.05) {
        cadastroMs = previousMs
      } else {
        const day = i > 0 && dateDraw < 0.3
          ? Math.floor((previousMs - START_MS) / DAY_MS)
          : Math.floor(this.rng() * DAYS)
        const midnight = this.chance(0.08)
        const seconds = midnight ? 0 : this.int(8 * 3600, 19 * 3600 - 1)
        cadastroMs = START_MS + day * DAY_MS + seconds * 1000
      }
      previousMs = cadastroMs

      const serviceDraw = this.rng()
      const serviceCount = serviceDraw < 0.8 ? 1 : serviceDraw < 0.95 ? 2 : 3
      const allCancelled = i === forcedAllCancelled
      const statuses: string[] = []
      for (let k = 0; k < serviceCount; k++) statuses.push(allCancelled ? 'cancelado' : this.weighted(STATUSES))
      let cancelledCount = 0
      for (const status of statuses) if (status === 'cancelado') cancelledCount++
      const closed = cancelledCount === serviceCount || this.chance(0.01)
      const fechamento = closed
        ? timestamp(cadastroMs + 3_600_000 + Math.floor(this.rng() * Math.max(END_MS - cadastroMs - 3_600_000, 0)))
        : null

      const primario = this.chance(0.97) ? this.mobile(ddd) : this.landline(ddd)
      const secundarioDraw = this.rng()
      const secundario = secundarioDraw < 0.35
        ? primario
        : secundarioDraw < 0.6 ? this.mobile(ddd) : secundarioDraw < 0.75 ? this.landline(ddd) : null
      const terciarioDraw = this.rng()
      const terciario = terciarioDraw < 0.8 ? '' : terciarioDraw < 0.9 ? null : this.mobile(ddd)

      const home = this.street(person.city)
      const servicos: Servico[] = []
      for (let k = 0; k < serviceCount; k++) {
        const extra = (i === forcedExtraServico && k === 0) || this.chance(0.02)
        servicos.push(this.servico(person, k + 1, statuses[k]!, cadastroMs, home, extra))
      }

      const cliente: Cliente = {
        id_cliente: idCliente,
        codigo_cliente: codigoCliente,
        nome_razaosocial: person.nome,
        nome_fantasia: person.fantasia,
        tipo_pessoa: person.tipo,
        cpf_cnpj: this.storedDoc(person),
        telefone_primario: primario,
        telefone_secundario: secundario,
        telefone_terciario: terciario,
        email_principal: this.chance(0.25) ? null : this.email(person),
        email_secundario: this.chance(0.92) ? null : this.email(person),
        rg: person.rg,
        rg_emissao: null,
        inscricao_municipal: person.inscricaoMunicipal,
        inscricao_estadual: person.inscricaoEstadual,
        data_cadastro: timestamp(cadastroMs),
        data_nascmento: person.nascimento,
        data_fechamento: fechamento,
        servicos
      }
      if (i === forcedExtraCliente || this.chance(0.02)) {
        cliente[EXTRA_CLIENTE_FIELD] = this.pick<unknown>(['x', 42, true, { origem: 'app', versao: 2 }, ['whatsapp', 'sms'], `lote-${this.int(1, 9)}`])
      }
      clientes[i] = cliente

      idCliente += this.int(1, 3)
      codigoCliente += this.chance(0.8) ? 1 : 2
    }
    return clientes
  }
}

/** Same options, deep-equal output: everything derives from the seeded PRNG, nothing from the clock. */
export function generateDataset (options: DatasetOptions): Cliente[] {
  const count = Math.max(0, Math.floor(options.clients))
  return new Generator(options.seed).dataset(count)
}
