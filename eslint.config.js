import neostandard from 'neostandard'

export default neostandard({ ts: true, ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'data/**', 'bench/results/**', 'clients/typescript/src/openapi-types.ts', 'clients/typescript/dist/**'] })
