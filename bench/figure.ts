// One figure of a bench report, as run.ts tabulates it and every part of the bench returns it.
export interface Figure {
  readonly figure: string
  readonly value: number
  readonly unit: string
  readonly baseline?: number
  /** value / baseline, or the value itself for absolute targets. */
  readonly ratio?: number
  readonly target?: { readonly op: '≥' | '≤', readonly bound: number }
  readonly note?: string
}
