/**
 * sim/transport/devtools.ts — a running `devs devtools` as a ByteSource: the
 * console of the board it serves (`devs devtools --serial`) or of its own
 * simulator, as text lines.
 *
 * What devtools sends on its WebSocket (read from @devicescript/cli 2.16.4's
 * bundle, cli/src/devtools.ts and sideprotocol.ts; verified here):
 *
 *   binary messages   raw Jacdac frames, relayed from every other client and
 *                     transport. A board's console is NOT in them: devtools
 *                     takes it off the USB stream itself (jacdac-ts jdusb.ts
 *                     prints it as "DEV: …").
 *   text messages     JSON of the "side protocol". A client that sends a request
 *                     becomes devtools' "main client" and receives
 *                       {"ev":"output","data":{"from":"dev","lines":[…]}}   a board's console ("DM (n): " may lead)
 *                       {"ev":"output","data":{"from":"vm","lines":["    > …"]}}   the simulator devtools runs (startVM)
 *                     (one main client at a time: the last one to send a request —
 *                     VS Code's extension is one).
 *
 * So on connect this source sends {"req":"bcast"} to become the main client,
 * and with `sim` it asks devtools to start its simulator ("startVM") and to
 * build and deploy the program into it ("build", deployTo "*"), retrying
 * while the simulator is not yet on the bus. `devs run` is different: it runs
 * its own VM in its own process and prints the console there (its Jacdac
 * frames carry no console text), so its output is read with
 * `devs run src/main.ts | bareheap monitor -`.
 *
 * Jacdac frames are decoded with jacdac-ts for devices whose console goes
 * through the Jacdac logger service (LoggerCmd Debug…Error reports); while
 * one is on the bus this source writes the logger's MinPriority every second,
 * as the logger spec asks of a listening client.
 *
 * Lines reach the sink as "<text>\n" bytes. Invariants: one socket at a time;
 * after a close it reconnects every reconnectMs (devtools restarted) and the
 * sink sees disconnected/connected; stop() leaves no socket or timer.
 */
import WebSocket from "ws"
import { jd, Packet } from "./jacdac"
import { ByteSink, ByteSource, TransportError } from "./source"

export const DEFAULT_DEVTOOLS_URL = "ws://127.0.0.1:8081"

export interface DevtoolsOptions {
    url?: string
    /** A program to build and run in devtools' own simulator (path as devtools' working directory sees it). */
    sim?: string
    reconnectMs?: number
}

const LOGGER_PREFIX: Record<number, string> = { [jd.LoggerCmd.Debug]: "? ", [jd.LoggerCmd.Log]: "> ", [jd.LoggerCmd.Warn]: "* ", [jd.LoggerCmd.Error]: "! " }

/** A console line of a side-protocol output event, without devtools' decoration; null for devtools' own chatter. */
export function outputLine(from: string, line: string): string | null {
    if (from === "dev") return line.replace(/^DM \(\d+\): ?/, "")
    if (from === "vm" || from === "vm-err") return line.startsWith("    ") ? line.slice(4) : null
    return null
}

export class DevtoolsSource implements ByteSource {
    readonly what: string
    private ws: WebSocket | null = null
    private sink: ByteSink | null = null
    private stopped = false
    private timer: NodeJS.Timeout | null = null
    private pinger: NodeJS.Timeout | null = null
    private seq = 0
    private paused = false
    private readonly pending = new Map<number, (data: Record<string, unknown>) => void>()
    /** Service classes of each device seen announcing, by device id: which service index is a logger. */
    private readonly services = new Map<string, number[]>()
    private readonly encoder = new TextEncoder()
    /** Called when a device with a DeviceScript manager announces itself (startSimulator waits for it). */
    private managerSeen: () => void = () => {}

    constructor(private readonly options: DevtoolsOptions = {}) {
        this.what = options.url ?? DEFAULT_DEVTOOLS_URL
    }

    async start(sink: ByteSink): Promise<void> {
        this.sink = sink
        const err = await this.connect()
        if (err)
            throw new TransportError(
                `no DeviceScript devtools at ${this.what} (${err}). Start it first: \`npx devs devtools\` ` +
                    `(a board: \`npx devs devtools src/main.ts --serial\`), or give its address with --devtools <ws://host:port>.`,
            )
        if (this.options.sim) await this.startSimulator(this.options.sim)
    }

    private connect(): Promise<string> {
        return new Promise(resolve => {
            const ws = new WebSocket(this.what)
            ws.binaryType = "nodebuffer"
            ws.once("open", () => {
                this.ws = ws
                if (this.paused) ws.pause()
                ws.on("message", (data: Buffer, isBinary: boolean) => (isBinary ? this.frame(new Uint8Array(data)) : this.side(data.toString("utf8"))))
                ws.on("close", () => this.lost(ws, "devtools closed the connection"))
                this.sink?.event({ type: "connected", what: this.what })
                void this.request("bcast", { enabled: true })
                resolve("")
            })
            ws.once("error", (e: Error) => {
                if (this.ws !== ws) resolve(e.message || String(e))
                else this.lost(ws, e.message)
            })
        })
    }

    private lost(ws: WebSocket, reason: string): void {
        if (this.ws !== ws) return
        this.ws = null
        ws.terminate()
        if (this.stopped) return
        this.sink?.event({ type: "disconnected", what: this.what, reason })
        this.reconnect()
    }

    private reconnect(): void {
        if (this.stopped) return
        this.timer = setTimeout(async () => {
            this.timer = null
            if (this.stopped) return
            if ((await this.connect()) !== "") this.reconnect()
        }, this.options.reconnectMs ?? 1000)
    }

    /** Sends a side-protocol request; resolves with the response's data (or rejects with devtools' error message). */
    request(req: string, data: Record<string, unknown>, timeoutMs = 30_000): Promise<Record<string, unknown>> {
        const seq = ++this.seq
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => {
                this.pending.delete(seq)
                reject(new TransportError(`devtools did not answer "${req}" within ${timeoutMs / 1000} s`))
            }, timeoutMs)
            this.pending.set(seq, d => {
                clearTimeout(t)
                if (typeof d["error"] === "string") reject(new TransportError(`devtools: ${req}: ${d["error"]}`))
                else resolve(d)
            })
            this.ws?.send(JSON.stringify({ req, seq, data }))
        })
    }

    private side(text: string): void {
        let msg: { ev?: string; resp?: string; seq?: number; data?: Record<string, unknown> }
        try {
            msg = JSON.parse(text)
        } catch {
            return // not JSON: not for us
        }
        if (typeof msg.seq === "number" && (msg.resp !== undefined) && this.pending.has(msg.seq)) {
            const done = this.pending.get(msg.seq)
            this.pending.delete(msg.seq)
            const data = msg.data ?? {}
            done(msg.resp === "error" ? { error: String(data["message"] ?? "error") } : data)
            return
        }
        if (msg.ev !== "output" || !msg.data) return
        const from = String(msg.data["from"])
        const lines = Array.isArray(msg.data["lines"]) ? (msg.data["lines"] as unknown[]) : []
        for (const l of lines) {
            const line = outputLine(from, String(l))
            if (line !== null) this.sink?.data(this.encoder.encode(line + "\n"))
        }
    }

    /** Asks devtools to run its simulator and deploy `file` into it; retries while the simulator is not on the bus yet. */
    private async startSimulator(file: string): Promise<void> {
        // stateless: the simulator keeps no flash file in devtools' .devicescript/, so no stale program starts first.
        const onBus = new Promise<void>(resolve => (this.managerSeen = resolve))
        await this.request("startVM", { stateless: true })
        // Build once the simulator has announced its DeviceScript manager on the bus (each build recompiles).
        await Promise.race([onBus, new Promise(res => setTimeout(res, 30_000).unref())])
        let last = ""
        for (let attempt = 0; attempt < 20 && !this.stopped; attempt++) {
            const r = await this.request("build", { filename: file, deployTo: "*" }, 60_000)
            if (r["success"] === false) {
                const diags = Array.isArray(r["diagnostics"]) ? (r["diagnostics"] as { formatted?: string }[]).map(d => d.formatted ?? "").join("\n") : ""
                throw new TransportError(`devtools could not build ${file}:\n${diags}`)
            }
            last = String(r["deployStatus"] ?? "")
            if (last === "OK") return
            // "No DeviceScript device found" until the simulator is on devtools' bus; a deploy can time out on a busy machine.
            await new Promise(res => setTimeout(res, 250))
        }
        throw new TransportError(`devtools' simulator did not take ${file}: ${last}`)
    }

    private frame(frame: Uint8Array): void {
        let packets: Packet[]
        try {
            packets = jd.Packet.fromFrame(frame, Date.now())
        } catch {
            return // a frame jacdac-ts cannot parse carries no console text we could read
        }
        for (const p of packets) {
            if (p.isAnnounce) {
                const d = p.data
                const classes: number[] = []
                for (let i = 4; i + 4 <= d.length; i += 4) classes.push((d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0)
                const had = [...this.services.values()].some(c => c.includes(jd.SRV_LOGGER))
                this.services.set(p.deviceIdentifier, [0, ...classes])
                if (classes.includes(jd.SRV_DEVICE_SCRIPT_MANAGER)) this.managerSeen()
                if (!had && classes.includes(jd.SRV_LOGGER)) this.pingLoggers()
                continue
            }
            const prefix = LOGGER_PREFIX[p.serviceCommand]
            if (!p.isReport || prefix === undefined) continue
            if (this.services.get(p.deviceIdentifier)?.[p.serviceIndex] !== jd.SRV_LOGGER) continue
            const text = p.jdunpack<[string]>("s")[0]
            for (const line of text.split("\n")) this.sink?.data(this.encoder.encode(prefix + line + "\n"))
        }
    }

    /** Writes MinPriority = Debug to every logger now and every second (loggers fall silent 3 s after the last write). */
    private pingLoggers(): void {
        if (this.pinger || this.stopped) return
        const send = () => {
            const pkt = jd.Packet.jdpacked<[number]>(jd.CMD_SET_REG | jd.LoggerReg.MinPriority, "u8", [jd.LoggerPriority.Debug])
            const b = pkt.toBuffer()
            // A multicommand to every logger: the device id field holds the service class (jacdac-ts sendAsMultiCommandAsync).
            b[3] |= jd.JD_FRAME_FLAG_IDENTIFIER_IS_SERVICE_CLASS | jd.JD_FRAME_FLAG_COMMAND
            jd.write32(b, 4, jd.SRV_LOGGER)
            jd.write32(b, 8, jd.JD_DEVICE_IDENTIFIER_BROADCAST_HIGH_MARK)
            b[13] = jd.JD_SERVICE_INDEX_BROADCAST
            jd.write16(b, 0, jd.crc(b.slice(2)))
            this.ws?.send(b)
        }
        send()
        this.pinger = setInterval(send, 1000)
    }

    pause(): void {
        this.paused = true
        this.ws?.pause()
    }

    resume(): void {
        this.paused = false
        this.ws?.resume()
    }

    async stop(): Promise<void> {
        if (this.stopped) return
        this.stopped = true
        if (this.timer) clearTimeout(this.timer)
        if (this.pinger) clearInterval(this.pinger)
        this.timer = this.pinger = null
        // Requests still waiting (a --sim build) fail at once instead of holding the process up to a minute.
        for (const done of [...this.pending.values()]) done({ error: "the monitor stopped" })
        this.pending.clear()
        const ws = this.ws
        this.ws = null
        if (ws) {
            if (this.options.sim) {
                // Leave devtools as we found it: our simulator stops with us.
                try {
                    ws.send(JSON.stringify({ req: "stopVM", seq: ++this.seq, data: {} }))
                } catch {
                    /* already closing */
                }
            }
            await new Promise<void>(resolve => {
                ws.once("close", () => resolve())
                ws.close()
                setTimeout(() => {
                    ws.terminate()
                    resolve()
                }, 1000).unref()
            })
        }
        this.sink?.event({ type: "end", reason: "stopped" })
    }
}
