// The API keys the bench's service accepts (loopback only, never a deployment's).
export const BENCH_KEYS = { read: 'bench-read-0123456789abcdef', secrets: 'bench-secrets-0123456789abcdef' } as const
