// The grammar HubSoft's customer routes share for their query parameters: sim/nao flags and
// YYYY-MM-DD dates on data_cadastro, and the plain error a malformed value raises. It knows no
// HTTP: the service's edge answers it as invalid_parameter, the simulator as the vendor's
// HTTP 200 + status "error".

export const SIM_NAO = ['sim', 'nao'] as const
export type SimNao = typeof SIM_NAO[number]

/** A malformed parameter: which one, and a message saying what it accepts. */
export class ParameterError extends Error {
  readonly parameter: string

  constructor (parameter: string, message: string) {
    super(message)
    this.name = 'ParameterError'
    this.parameter = parameter
  }
}

/** Echoing caller input in a message: bounded, so a hostile value cannot bloat the answer. */
export function clip (value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`
}

/** The data_inicio/data_fim pair as it arrives. */
export interface RawDateBounds {
  data_inicio?: string
  data_fim?: string
}

/** Bounds on the date part of data_cadastro, YYYY-MM-DD, both inclusive. */
export interface DateBounds {
  /** Lower bound on the date part of data_cadastro, YYYY-MM-DD. */
  readonly dataInicio?: string
  /** Inclusive upper bound on the date part of data_cadastro, YYYY-MM-DD. */
  readonly dataFim?: string
}

const DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A YYYY-MM-DD that names a real calendar day, or a ParameterError naming the parameter. */
export function parseDateParam (name: string, value: string): string {
  const match = DATE_SHAPE.exec(value)
  if (match !== null) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
    const date = new Date(Date.UTC(year, month - 1, day))
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return value
  }
  throw new ParameterError(name, `${name} must be a date in the form YYYY-MM-DD (got '${clip(value)}')`)
}

export function parseDateBounds (raw: RawDateBounds): DateBounds {
  const dataInicio = raw.data_inicio === undefined ? undefined : parseDateParam('data_inicio', raw.data_inicio)
  const dataFim = raw.data_fim === undefined ? undefined : parseDateParam('data_fim', raw.data_fim)
  if (dataInicio !== undefined && dataFim !== undefined && dataFim < dataInicio) {
    throw new ParameterError('data_fim', `data_fim (${dataFim}) must be on or after data_inicio (${dataInicio})`)
  }
  return { dataInicio, dataFim }
}
