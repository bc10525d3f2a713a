// A string enum as JSON Schema `enum` rather than TypeBox's anyOf of literals: validation
// errors then say "must be equal to one of the allowed values" and list them.
import { Type } from '@sinclair/typebox'

export function StringEnum<T extends readonly string[]> (values: T, description: string, options: { readonly examples?: ReadonlyArray<T[number]> } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...options })
}
