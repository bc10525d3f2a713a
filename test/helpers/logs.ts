// Captures a service's log lines (as the JSON objects pino writes) for assertions.
export interface CapturedLogs {
  readonly stream: { write: (line: string) => void }
  readonly lines: Array<Record<string, unknown>>
  /** Lines whose msg matches. */
  matching: (msg: RegExp) => Array<Record<string, unknown>>
}

export function captureLogs (): CapturedLogs {
  const lines: Array<Record<string, unknown>> = []
  return {
    stream: { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>) } },
    lines,
    matching: (msg) => lines.filter((line) => typeof line.msg === 'string' && msg.test(line.msg))
  }
}
