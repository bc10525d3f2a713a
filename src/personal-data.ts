// Personal data (LGPD) as it shows up in text the service did not write: request URLs, HubSoft's
// error messages, field names in a schema violation. Pure functions, no logger: the log
// serializers and the upstream client both mask with these before anything reaches a line.

/**
 * Keeps the first three and last two letters or digits and stars the rest, punctuation kept:
 * `106.820.836-81` → `106.***.***-81`. Values with fewer than eight are starred whole.
 */
export function maskValue (value: string): string {
  // Plain ASCII (every CPF/CNPJ, phone and most logins): one pass over the characters, where
  // the Unicode classes cost a regular expression twice (URL masking runs once per request).
  let alphanumerics = 0
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code >= 0x80) return maskUnicodeValue(value)
    if (isAsciiAlphanumeric(code)) alphanumerics++
  }
  let masked = ''
  let seen = 0
  for (let i = 0; i < value.length; i++) {
    if (!isAsciiAlphanumeric(value.charCodeAt(i))) {
      masked += value[i]!
      continue
    }
    seen++
    masked += alphanumerics >= 8 && (seen <= 3 || seen > alphanumerics - 2) ? value[i]! : '*'
  }
  return masked
}

/** `\p{L}\p{N}` within ASCII. */
function isAsciiAlphanumeric (code: number): boolean {
  return isAsciiDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
}

/** `\d` for a character code. */
export function isAsciiDigit (code: number): boolean {
  return code >= 0x30 && code <= 0x39
}

function maskUnicodeValue (value: string): string {
  const alphanumerics = value.match(/[\p{L}\p{N}]/gu)?.length ?? 0
  let seen = 0
  return value.replace(/[\p{L}\p{N}]/gu, (character) => {
    seen++
    return alphanumerics >= 8 && (seen <= 3 || seen > alphanumerics - 2) ? character : '*'
  })
}

// Each shape stands alone: not glued to a letter or digit on either side.
const ALONE_BEFORE = '(?<![\\p{L}\\p{N}])'
const ALONE_AFTER = '(?![\\p{L}\\p{N}])'
const EMAIL = '[\\p{L}\\p{N}._%+-]+@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+'
const CPF = '\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}'
/** CNPJ, numeric or alphanumeric (12 letters or digits and two check digits, issued since July 2026). */
const CNPJ = '[A-Za-z\\d]{2}\\.?[A-Za-z\\d]{3}\\.?[A-Za-z\\d]{3}\\/?[A-Za-z\\d]{4}-?\\d{2}'
/** A Brazilian phone: optional +55, optional area code (in parentheses or not), 8 or 9 digits. */
const PHONE = '(?:\\+?55[ .-]?)?(?:\\(\\d{2}\\)[ .-]?|\\d{2}[ .-]?)?9?\\d{4}[ .-]?\\d{4}'
/** Any other long run of digits is a document or a phone written some other way. */
const DIGIT_RUN = '\\d{10,}'
const SHAPES = [EMAIL, CPF, CNPJ, PHONE, DIGIT_RUN]

const PERSONAL_IN_TEXT = new RegExp(SHAPES.map((shape) => `${ALONE_BEFORE}${shape}${ALONE_AFTER}`).join('|'), 'gu')
/** Punctuation people write documents and phones with: `(31) 99999-0000`, `+55 31 …`, `106.820.836-81`. */
const DOCUMENT_PUNCTUATION = /[\s().\-/+]/g
/** A CPF (11 digits), a CNPJ (12 letters or digits and two check digits) or a phone (10–13 digits). */
const DOCUMENT_OR_PHONE_VALUE = /^(?:\d{10,13}|[\dA-Z]{12}\d{2})$/i
const EMAIL_VALUE = /^[^\s@]+@[^\s@]+$/
/** Words after (or before) which a text may hold a credential: nothing of that text is kept. */
const SECRET_WORD = /senha|passw|secret/i

/** What a text naming a password is logged as. */
export const SECRET_TEXT = '[redacted: the text names a password]'

/** Whether a whole value (a decoded URL segment or parameter) is shaped like a CPF, CNPJ, phone or e-mail. */
export function looksPersonal (value: string): boolean {
  // Each shape needs an @ or two digits; most URL segments and parameters have neither.
  if (!value.includes('@') && digitCount(value, 2) < 2) return false
  const trimmed = value.trim()
  return EMAIL_VALUE.test(trimmed) || DOCUMENT_OR_PHONE_VALUE.test(trimmed.replace(DOCUMENT_PUNCTUATION, ''))
}

/** The digits in `text`, counted up to `enough`. */
function digitCount (text: string, enough: number): number {
  let digits = 0
  for (let i = 0; i < text.length && digits < enough; i++) {
    if (isAsciiDigit(text.charCodeAt(i))) digits++
  }
  return digits
}

/**
 * Free text fit for a log line: every CPF/CNPJ-, phone- or e-mail-shaped part masked with
 * `maskValue`, and a text that names a password (`senha`) replaced whole, since whatever stands
 * next to that word may be the password itself.
 */
export function maskPersonalText (text: string): string {
  if (SECRET_WORD.test(text)) return SECRET_TEXT
  return text.replace(PERSONAL_IN_TEXT, maskValue)
}

/** How much of an upstream value one of our own messages may quote. */
const QUOTED_VALUE_MAX = 40

/** An upstream value (an id_cliente, which may be anything) quoted in one of our messages: masked and clipped. */
export function quotedValue (value: unknown): string {
  const text = maskPersonalText(String(value))
  return text.length > QUOTED_VALUE_MAX ? `${text.slice(0, QUOTED_VALUE_MAX)}…` : text
}
