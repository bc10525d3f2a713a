// One client serialised once, in three variants that share their bytes: the base is the
// default answer with secrets redacted (what most calls write, stored contiguously); a short
// list of edits against it, with their inserted bytes in an overlay, turns it into the default
// answer with secrets or into the client exactly as HubSoft sent it (cancelled services,
// every relation). Keeping only this, and no parsed object, is what holds memory near the
// size of the JSON. The variants equal JSON.stringify of projectCliente (default
// relations, cancelado=nao) and of the client itself, byte for byte.
import { isCancelado } from '../query/filter.js'
import { DEFAULT_RELACOES, RELACOES } from '../hubsoft/relacoes.js'
import type { Cliente, Servico } from '../hubsoft/cliente-schema.js'

/** Variant bits of a segment or edit. */
export const VARIANT = { redacted: 1, full: 2, raw: 4 } as const
const ALL = VARIANT.redacted | VARIANT.full | VARIANT.raw
const SECRET = VARIANT.full | VARIANT.raw

// An edit is EDIT_WIDTH ints of a flat array (one array for all of a snapshot's clients, read
// per client when rendering): plain offsets, so reading a field allocates nothing.
/** Byte offset in the base where the edit applies. */
const EDIT_AT = 0
/** Base bytes the edit removes from its variants. */
const EDIT_REMOVED = 1
/** Where the bytes it inserts start in the overlay. */
const EDIT_OVERLAY_AT = 2
/** How many overlay bytes it inserts. */
const EDIT_OVERLAY_LENGTH = 3
/** The VARIANT bits it applies to. */
const EDIT_VARIANTS = 4
/** Ints per edit. */
export const EDIT_WIDTH = 5

export interface SerialisedCliente {
  /** The default answer with secrets redacted. */
  readonly base: string
  /** Every byte the edits insert, back to back. */
  readonly overlay: string
  readonly edits: readonly number[]
  /** False when the default answer hides the client: it had services and all were cancelled. */
  readonly visibleByDefault: boolean
}

const NON_DEFAULT_RELACOES: ReadonlySet<string> = new Set(RELACOES.filter((relacao) => !DEFAULT_RELACOES.includes(relacao)))

class SegmentWriter {
  base = ''
  overlay = ''
  readonly edits: number[] = []
  #baseBytes = 0
  #overlayBytes = 0
  /** Index in `edits` of the edit still open for merging, or -1. */
  #open = -1

  /** Appends text that belongs to the variants in `mask`. */
  emit (text: string, mask: number): void {
    if (text === '' || mask === 0) return
    const bytes = Buffer.byteLength(text)
    if (mask === ALL) {
      this.base += text
      this.#baseBytes += bytes
      this.#open = -1
      return
    }
    if ((mask & VARIANT.redacted) !== 0) {
      // In the base but not in the other variants in the complement: they remove it.
      const edit = this.#editFor(ALL & ~mask)
      this.edits[edit + EDIT_REMOVED]! += bytes
      this.base += text
      this.#baseBytes += bytes
    } else {
      const edit = this.#editFor(mask)
      this.edits[edit + EDIT_OVERLAY_LENGTH]! += bytes
      this.overlay += text
      this.#overlayBytes += bytes
    }
  }

  /** The open edit when it has this mask and ends where the base and overlay end now, else a new one. */
  #editFor (mask: number): number {
    const open = this.#open
    const edits = this.edits
    if (open >= 0 && edits[open + EDIT_VARIANTS] === mask &&
      edits[open + EDIT_AT]! + edits[open + EDIT_REMOVED]! === this.#baseBytes &&
      edits[open + EDIT_OVERLAY_AT]! + edits[open + EDIT_OVERLAY_LENGTH]! === this.#overlayBytes) return open
    this.#open = edits.length
    // In field order: at, removed, overlay at, overlay length, variants.
    edits.push(this.#baseBytes, 0, this.#overlayBytes, 0, mask)
    return this.#open
  }
}

/** `,"key":` in the variants of `mask`, with the comma only in those that already wrote a member. */
function memberStart (out: SegmentWriter, key: string, writtenIn: number, mask: number): void {
  out.emit(',', writtenIn & mask)
  out.emit(`${JSON.stringify(key)}:`, mask)
}

/** The default answer replaces every senhas[].senha by null (projection.ts redactSenhas). */
function writeSenhas (out: SegmentWriter, senhas: unknown, json: string): void {
  if (!Array.isArray(senhas)) return out.emit(json, ALL)
  out.emit('[', ALL)
  senhas.forEach((senha: unknown, i) => {
    if (i > 0) out.emit(',', ALL)
    const original = JSON.stringify(senha) ?? 'null'
    const redacted = senha !== null && typeof senha === 'object' && 'senha' in senha ? JSON.stringify({ ...senha, senha: null }) : original
    if (redacted === original) return out.emit(original, ALL)
    out.emit(redacted, VARIANT.redacted)
    out.emit(original, SECRET)
  })
  out.emit(']', ALL)
}

function writeServico (out: SegmentWriter, servico: Servico): void {
  out.emit('{', ALL)
  let writtenIn = 0
  for (const [key, value] of Object.entries(servico)) {
    const json = JSON.stringify(value)
    if (json === undefined) continue
    if (NON_DEFAULT_RELACOES.has(key)) {
      memberStart(out, key, writtenIn, VARIANT.raw)
      out.emit(json, VARIANT.raw)
      writtenIn |= VARIANT.raw
      continue
    }
    memberStart(out, key, writtenIn, ALL)
    if (key === 'senha' && json !== 'null') {
      out.emit('null', VARIANT.redacted)
      out.emit(json, SECRET)
    } else if (key === 'senhas') {
      writeSenhas(out, value, json)
    } else {
      out.emit(json, ALL)
    }
    writtenIn = ALL
  }
  out.emit('}', ALL)
}

/** Splits a client into the base and the edits that rebuild its other two variants. */
export function serialiseCliente (cliente: Cliente): SerialisedCliente {
  const out = new SegmentWriter()
  if (!Array.isArray(cliente.servicos)) {
    out.emit(JSON.stringify(cliente), ALL)
    return { base: out.base, overlay: out.overlay, edits: out.edits, visibleByDefault: true }
  }
  let shownServicos = 0
  out.emit('{', ALL)
  let first = true
  for (const [key, value] of Object.entries(cliente)) {
    if (key !== 'servicos') {
      const json = JSON.stringify(value)
      if (json === undefined) continue
      out.emit(`${first ? '' : ','}${JSON.stringify(key)}:${json}`, ALL)
      first = false
      continue
    }
    out.emit(`${first ? '' : ','}"servicos":[`, ALL)
    first = false
    let writtenIn = 0
    for (const servico of cliente.servicos) {
      const cancelled = isCancelado(servico)
      const mask = cancelled ? VARIANT.raw : ALL
      out.emit(',', writtenIn & mask)
      if (cancelled) out.emit(JSON.stringify(servico), VARIANT.raw)
      else writeServico(out, servico)
      writtenIn |= mask
      if (!cancelled) shownServicos++
    }
    out.emit(']', ALL)
  }
  out.emit('}', ALL)
  return { base: out.base, overlay: out.overlay, edits: out.edits, visibleByDefault: shownServicos > 0 || cliente.servicos.length === 0 }
}

/** The byte length of a variant: the base plus what its edits insert minus what they remove. */
export function variantLength (baseLength: number, edits: ArrayLike<number>, from: number, to: number, variant: number): number {
  let length = baseLength
  for (let e = from; e < to; e += EDIT_WIDTH) {
    if ((edits[e + EDIT_VARIANTS]! & variant) !== 0) length += edits[e + EDIT_OVERLAY_LENGTH]! - edits[e + EDIT_REMOVED]!
  }
  return length
}

/** Rebuilds a variant from the base, the overlay and the edits `edits[from…to)`. */
export function applyEdits (base: Buffer, overlay: Buffer, edits: ArrayLike<number>, from: number, to: number, variant: number): Buffer {
  if (variant === VARIANT.redacted || from === to) return base
  const out = Buffer.allocUnsafe(variantLength(base.length, edits, from, to, variant))
  let written = 0
  let cursor = 0
  for (let e = from; e < to; e += EDIT_WIDTH) {
    if ((edits[e + EDIT_VARIANTS]! & variant) === 0) continue
    const at = edits[e + EDIT_AT]!
    const overlayAt = edits[e + EDIT_OVERLAY_AT]!
    written += base.copy(out, written, cursor, at)
    written += overlay.copy(out, written, overlayAt, overlayAt + edits[e + EDIT_OVERLAY_LENGTH]!)
    cursor = at + edits[e + EDIT_REMOVED]!
  }
  base.copy(out, written, cursor)
  return out
}
