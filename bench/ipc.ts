// A small request/answer protocol over Node's IPC channel between the bench and the processes
// it measures, so that each server (simulator, service, baseline) runs alone in its process
// and the load generator never shares an event loop with what it measures.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'

interface Answer { readonly id: number, readonly result?: unknown, readonly error?: string }
type Handler = (args: Record<string, unknown>) => Promise<unknown>

export class Worker {
  readonly #child: ChildProcess
  readonly #pending = new Map<number, { resolve: (value: unknown) => void, reject: (error: Error) => void }>()
  #nextId = 1

  private constructor (child: ChildProcess) {
    this.#child = child
    child.on('message', (message: Answer) => {
      const pending = this.#pending.get(message.id)
      if (pending === undefined) return
      this.#pending.delete(message.id)
      if (message.error !== undefined) pending.reject(new Error(message.error))
      else pending.resolve(message.result)
    })
    child.on('exit', (code) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`worker exited with code ${String(code)}`))
      this.#pending.clear()
    })
  }

  /**
   * Forks `file` and waits for its `ready` answer: a .ts file under tsx, a compiled .js file
   * under plain node (what is measured runs as deployed, without the loader's memory).
   * `stdout` is a file descriptor for the child's standard output (the service's log lines).
   */
  static async start (file: string, env: Record<string, string>, execArgv: string[] = [], stdout: number | 'inherit' = 'inherit'): Promise<{ worker: Worker, ready: Record<string, unknown> }> {
    const loader = file.endsWith('.ts') ? ['--import', 'tsx'] : []
    const child = fork(file, [], { env: { ...process.env, ...env }, execArgv: [...loader, '--expose-gc', ...execArgv], stdio: ['ignore', stdout, 'inherit', 'ipc'] })
    const worker = new Worker(child)
    const ready = await worker.request('ready') as Record<string, unknown>
    return { worker, ready }
  }

  async request (cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++
    const answer = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }))
    this.#child.send({ id, cmd, args })
    return await answer
  }

  /** Asks the worker to exit (flushing a CPU profile, if one is being taken) and waits for it. */
  async stop (): Promise<void> {
    if (this.#child.exitCode !== null) return
    const exited = new Promise((resolve) => this.#child.once('exit', resolve))
    this.#child.send({ id: 0, cmd: 'exit', args: {} })
    await exited
  }
}

/** In a worker: answers the parent's commands with `handlers`; `exit` ends the process. */
export function serve (handlers: Record<string, Handler>): void {
  process.on('message', (message: { id: number, cmd: string, args: Record<string, unknown> }) => {
    if (message.cmd === 'exit') {
      process.disconnect()
      process.exit(0)
    }
    const handler = handlers[message.cmd]
    const run = handler === undefined ? Promise.reject(new Error(`unknown command ${message.cmd}`)) : handler(message.args)
    run.then(
      (result) => process.send!({ id: message.id, result }),
      (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? error.stack ?? error.message : String(error) })
    )
  })
}
