// Work on 100 000 clients split into slices of a few milliseconds, yielding to the event loop
// between slices, so that building the next snapshot never stalls the routes serving the
// current one (the README's performance targets: event-loop delay p99 ≤ 50 ms during ingest).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { performance } from 'node:perf_hooks'

/** How long one slice may run before it yields. */
export const SLICE_MS = 8

/** Yields when the current slice has used its time; call it between units of work. */
export class Slicer {
  #sliceStart = performance.now()

  async maybeYield (): Promise<void> {
    if (performance.now() - this.#sliceStart < SLICE_MS) return
    await yieldToEventLoop()
    this.#sliceStart = performance.now()
  }
}

/** Runs `work` for 0…count-1, yielding between slices. */
export async function forEachSliced (count: number, work: (index: number) => void, slicer = new Slicer()): Promise<void> {
  for (let index = 0; index < count; index++) {
    work(index)
    if ((index & 63) === 63) await slicer.maybeYield()
  }
}

/** Sorts in runs small enough for one slice, then merges the runs pairwise, yielding as it goes; `items` is reused. */
export async function sortSliced (items: Int32Array, compare: (a: number, b: number) => number, slicer = new Slicer()): Promise<Int32Array> {
  const RUN = 2048
  let source: Int32Array = items
  for (let start = 0; start < source.length; start += RUN) {
    source.subarray(start, Math.min(start + RUN, source.length)).sort(compare)
    await slicer.maybeYield()
  }
  let target: Int32Array = new Int32Array(source.length)
  for (let width = RUN; width < source.length; width *= 2) {
    for (let left = 0; left < source.length; left += 2 * width) {
      const middle = Math.min(left + width, source.length)
      const right = Math.min(left + 2 * width, source.length)
      let i = left
      let j = middle
      let k = left
      while (i < middle && j < right) {
        target[k++] = compare(source[i]!, source[j]!) <= 0 ? source[i++]! : source[j++]!
        if ((k & 1023) === 0) await slicer.maybeYield()
      }
      while (i < middle) target[k++] = source[i++]!
      while (j < right) target[k++] = source[j++]!
    }
    [source, target] = [target, source]
  }
  return source
}
