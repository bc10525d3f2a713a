// CPF/CNPJ normalisation and check digits, including the alphanumeric CNPJ issued since
// July 2026 (Receita Federal IN RFB 2.229/2024: 12 characters [0-9A-Z] + 2 numeric check
// digits, each character weighted by its ASCII code minus 48).

export type CpfCnpjKind = 'cpf' | 'cnpj'

export interface ParsedCpfCnpj {
  /** Upper-case, punctuation-free form used as the index key. */
  readonly key: string
  readonly kind: CpfCnpjKind
  readonly checkDigitsValid: boolean
}

const PUNCTUATION = /[.\-/\s]/g
const CPF_SHAPE = /^\d{11}$/
const CNPJ_SHAPE = /^[0-9A-Z]{12}\d{2}$/
const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]

/** The key a stored `cpf_cnpj` is indexed under: letters and digits only, upper-cased. */
export function cpfCnpjIndexKey (stored: string): string {
  return stored.replace(/[^0-9a-z]/gi, '').toUpperCase()
}

/**
 * Parses what a person typed (with or without `.`, `/`, `-`, spaces; letters in any case).
 * Returns null when the shape is neither a CPF (11 digits) nor a CNPJ (12 alphanumerics + 2 digits).
 */
export function parseCpfCnpj (input: string): ParsedCpfCnpj | null {
  const key = input.replace(PUNCTUATION, '').toUpperCase()
  if (CPF_SHAPE.test(key)) return { key, kind: 'cpf', checkDigitsValid: isValidCpf(key) }
  if (CNPJ_SHAPE.test(key)) return { key, kind: 'cnpj', checkDigitsValid: isValidCnpj(key) }
  return null
}

function mod11Digit (sum: number): number {
  const remainder = sum % 11
  return remainder < 2 ? 0 : 11 - remainder
}

/** The two check digits of a CPF whose first nine digits are `base9`. */
export function cpfCheckDigits (base9: string): string {
  const digits = Array.from(base9, Number)
  const first = mod11Digit(digits.reduce((sum, d, i) => sum + d * (10 - i), 0))
  digits.push(first)
  const second = mod11Digit(digits.reduce((sum, d, i) => sum + d * (11 - i), 0))
  return `${first}${second}`
}

/** The two check digits of a CNPJ (numeric or alphanumeric) whose first twelve characters are `base12`. */
export function cnpjCheckDigits (base12: string): string {
  const values = Array.from(base12, (c) => c.charCodeAt(0) - 48)
  const weigh = (weights: number[]) => values.reduce((sum, v, i) => sum + v * weights[i]!, 0)
  const first = mod11Digit(weigh(CNPJ_WEIGHTS.slice(1)))
  values.push(first)
  const second = mod11Digit(weigh(CNPJ_WEIGHTS))
  return `${first}${second}`
}

/** A run of one repeated character passes the arithmetic but is never issued. */
function isRepeated (key: string): boolean {
  return /^(.)\1*$/.test(key)
}

export function isValidCpf (key: string): boolean {
  return CPF_SHAPE.test(key) && !isRepeated(key) && cpfCheckDigits(key.slice(0, 9)) === key.slice(9)
}

export function isValidCnpj (key: string): boolean {
  return CNPJ_SHAPE.test(key) && !isRepeated(key) && cnpjCheckDigits(key.slice(0, 12)) === key.slice(12)
}
