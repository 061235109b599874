// scripts/pds-plc.mjs: an in-memory PLC directory on 127.0.0.1:$PLC_PORT,
// as Bluesky's own dev environment runs one. Started by scripts/pds (which
// copies it next to the installed packages in .cache/pds/server).
import plc from '@did-plc/server'

const port = Number(process.env.PLC_PORT)
if (!port) throw new Error('PLC_PORT is not set')

const server = plc.PlcServer.create({ db: plc.Database.mock(), port })
const http = server.app.listen(port, '127.0.0.1')
http.once('listening', () => console.log(`plc listening on http://127.0.0.1:${port}`))
http.once('error', (err) => {
  console.error(err)
  process.exit(1)
})

const stop = () => http.close(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
