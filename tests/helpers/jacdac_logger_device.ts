/**
 * tests/helpers/jacdac_logger_device.ts — a Jacdac device with a logger
 * service, on a running `devs devtools` (ws://127.0.0.1:8081), for the
 * monitor's devtools test:
 *
 *     node --import tsx jacdac_logger_device.ts <lines file>
 *
 *   - announces itself every 500 ms: control + one service, the logger
 *     (SRV_LOGGER at service index 1), as jacdac-c devices do;
 *   - waits until a client sets the logger's MinPriority (relayed by devtools),
 *     prints "min priority set: <n>";
 *   - then reports each line of the file as a LoggerCmd.Log report (one
 *     packet a frame, 2 ms apart), prints "sent <n> lines" and keeps
 *     announcing until killed.
 * Frames are built with jacdac-ts (Packet, CRC by toBuffer()).
 */
import { readFileSync } from "node:fs"
import WebSocket from "ws"
import { jd } from "../../sim/transport/jacdac"

const DEVICE_ID = "1a2b3c4d5e6f7081"
const lines = readFileSync(process.argv[2], "utf8").split("\n").filter(l => l.length > 0)
const ws = new WebSocket("ws://127.0.0.1:8081")

function report(serviceIndex: number, cmd: number, data: Uint8Array): Uint8Array {
    const p = jd.Packet.from(cmd, data)
    p.deviceIdentifier = DEVICE_ID
    p.serviceIndex = serviceIndex
    return p.toBuffer()
}

function announce(): void {
    // flags/restart counter u16, packet count u8, reserved u8, then the service classes after control.
    ws.send(report(0, jd.CMD_ADVERTISEMENT_DATA, jd.jdpack("u16 u8 u8 u32", [0x0100 | 1, 0, 0, jd.SRV_LOGGER])))
}

let started = false
ws.on("open", () => {
    announce()
    setInterval(announce, 500)
})
ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary || started) return
    for (const p of jd.Packet.fromFrame(new Uint8Array(data), Date.now())) {
        if (p.isCommand && p.isMultiCommand && p.serviceCommand === (jd.CMD_SET_REG | jd.LoggerReg.MinPriority)) {
            started = true
            console.log(`min priority set: ${p.data[0]}`)
            void send()
        }
    }
})

async function send(): Promise<void> {
    for (const line of lines) {
        ws.send(report(1, jd.LoggerCmd.Log, jd.jdpack("s", [line])))
        await new Promise(r => setTimeout(r, 2))
    }
    console.log(`sent ${lines.length} lines`)
}
