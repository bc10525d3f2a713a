// The bench's HubSoft: the embedded simulator with BENCH_CLIENTS synthetic clients, alone in
// its process so that serving pages does not count against the service being measured.
import { HubsoftSimulator } from '../src/simulator/simulator.js'
import { serve } from './ipc.js'

const simulator = await HubsoftSimulator.start({ clients: Number(process.env.BENCH_CLIENTS), seed: 42 })

let revision = 0

serve({
  ready: async () => ({ url: simulator.url, clients: simulator.dataset.length, credentials: simulator.credentials }),
  /** Changes every client (as a HubSoft update adding a field would), so no bytes can be shared. */
  changeEveryClient: async () => {
    revision++
    simulator.dataset = simulator.dataset.map((cliente) => ({ ...cliente, bench_revision: revision }))
    return { revision }
  }
})
