import { createHubsoftBffClient } from '../src/index.js'
import type { Cliente } from '../src/index.js'

const bff = createHubsoftBffClient('https://bff.example.com', 'your-read-key')

// GET /api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}
const { data, error, response } = await bff.GET('/api/v1/integracao/cliente/all/cpf_cnpj/{cpf_cnpj}', {
  params: { path: { cpf_cnpj: '518.279.059-72' }, query: { relacoes: 'pacotes,status_conexao' } }
})
if (error !== undefined) {
  // Every error has the same envelope; branch on its code.
  if (error.code === 'not_found') console.log('no client with this CPF')
  else throw new Error(`${response.status} ${error.code}: ${error.msg}`)
} else {
  const clientes: Cliente[] = data.clientes
  console.log(clientes.map((cliente) => cliente.nome_razaosocial))
}

// Pollers: send the ETag back and get 304 with no body when nothing changed.
const first = await bff.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 100 } } })
const etag = first.response.headers.get('etag') ?? ''
const again = await bff.GET('/api/v1/integracao/cliente/all', { params: { query: { limit: 100 }, header: { 'if-none-match': etag } } })
console.log(again.response.status) // 304 until the snapshot changes

// Text answers: ask for them.
const metrics = await bff.GET('/metrics', { parseAs: 'text' })
console.log(metrics.data?.split('\n').find((line) => line.startsWith('hubsoft_bff_snapshot_clients ')))
