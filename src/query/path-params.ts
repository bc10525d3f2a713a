// The path parameters of cliente/all's sub-routes, checked for what a route schema cannot say:
// a CPF/CNPJ's shape, a status_prefixo's alphabet, a technology's length. Each returns the
// key the snapshot's index is looked up with, or raises a ParameterError naming the parameter.
import { ParameterError, clip } from '../hubsoft/parameters.js'
import { parseCpfCnpj } from './cpf-cnpj.js'
import type { ParsedCpfCnpj } from './cpf-cnpj.js'
import { foldTecnologia } from './filter.js'

const STATUS_PREFIXO = /^[a-z0-9_]{1,64}$/
const TECNOLOGIA_MAX_LENGTH = 64

/** A CPF or CNPJ by its shape; its check digits are judged only when no client has it. */
export function parseCpfCnpjParam (value: string): ParsedCpfCnpj {
  const parsed = parseCpfCnpj(value)
  if (parsed === null) {
    throw new ParameterError('cpf_cnpj', `cpf_cnpj '${clip(value)}' is neither a CPF (11 digits) nor a CNPJ (12 letters or digits + 2 digits)`)
  }
  return parsed
}

export function parseStatusPrefixo (value: string): string {
  if (!STATUS_PREFIXO.test(value)) {
    throw new ParameterError('status_prefixo', `status_prefixo '${clip(value)}' must be lower-case letters, digits and _ (e.g. servico_habilitado)`)
  }
  return value
}

/** The technology folded as services' technologies are indexed. */
export function parseTecnologia (value: string): string {
  if (value.trim() === '' || value.length > TECNOLOGIA_MAX_LENGTH) {
    throw new ParameterError('tecnologia', `tecnologia must be 1 to ${TECNOLOGIA_MAX_LENGTH} characters`)
  }
  return foldTecnologia(value)
}
