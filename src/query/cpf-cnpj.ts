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
  // Plain loops: every lookup by CPF judges its digits (Array.from and reduce cost ten times this).
  let firstSum = 0
  let secondSum = 0
  for (let i = 0; i < 9; i++) {
    const digit = base9.charCodeAt(i) - 48
    firstSum += digit * (10 - i)
    secondSum += digit * (11 - i)
  }
  const first = mod11Digit(firstSum)
  return `${first}${mod11Digit(secondSum + first * 2)}`
}

/** The two check digits of a CNPJ (numeric or alphanumeric) whose first twelve characters are `base12`. */
export function cnpjCheckDigits (base12: string): string {
  let firstSum = 0
  let secondSum = 0
  for (let i = 0; i < 12; i++) {
    const value = base12.charCodeAt(i) - 48
    firstSum += value * CNPJ_WEIGHTS[i + 1]!
    secondSum += value * CNPJ_WEIGHTS[i]!
  }
  const first = mod11Digit(firstSum)
  return `${first}${mod11Digit(secondSum + first * CNPJ_WEIGHTS[12]!)}`
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
