// The bench's HubSoft: the embedded simulator with BENCH_CLIENTS synthetic clients, alone in
// its process so that serving pages does not count against the service being measured.
import { HubsoftSimulator } from '../src/simulator/simulator.js'
import { serve } from './ipc.js'

const simulator = await HubsoftSimulator.start({ clients: Number(process.env.BENCH_CLIENTS), seed: 42 })

serve({
  ready: async () => ({ url: simulator.url, clients: simulator.dataset.length, credentials: simulator.credentials })
})
