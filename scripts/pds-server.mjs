// scripts/pds-server.mjs: the reference Bluesky server (@atproto/pds),
// configured from the PDS_* environment scripts/pds sets, listening on
// 127.0.0.1 only (the stock start listens on every interface). Started by
// scripts/pds (which copies it next to the installed packages).
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds'

const env = readEnv()
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
const listen = pds.app.listen.bind(pds.app)
pds.app.listen = (port, ...rest) => listen(port, '127.0.0.1', ...rest)
await pds.start()
console.log(`pds listening on http://127.0.0.1:${env.port}`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try {
    await pds.destroy()
  } finally {
    process.exit(0)
  }
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
