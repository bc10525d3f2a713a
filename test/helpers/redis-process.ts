// A redis-server process on a loopback port, with no persistence, killed by its PID: shared by the
// tests (redis-server.ts) and the bench (bench/fleet.ts).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

const READY_WAIT_MS = 10_000

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Spawns redis-server and resolves once it accepts connections; 'missing' when it is not installed. */
export async function spawnRedis (port: number, dir: string): Promise<ChildProcess | 'missing'> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] })
  return await new Promise((resolve, reject) => {
    let output = ''
    const guard = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not get ready within ${READY_WAIT_MS} ms: ${output}`))
    }, READY_WAIT_MS)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(guard)
      if (error.code === 'ENOENT') resolve('missing')
      else reject(error)
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(guard)
        resolve(child)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(guard)
      reject(new Error(`redis-server exited (${String(code)}) before it was ready: ${output}`))
    })
  })
}

export async function kill (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGKILL')
  await exited
}
