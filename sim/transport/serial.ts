/**
 * sim/transport/serial.ts — a board's serial port as a ByteSource, through
 * the `serialport` package: USB CDC at 1 Mbaud (DeviceScript's USB bridge),
 * or a UART log pin at 115200 baud.
 *
 *   open ──ok──▶ connected ──data…──▶ close/error, node gone ──▶ disconnected
 *     │                                                    │
 *     └─ EACCES / EBUSY / ENOENT: TransportError           └▶ poll: reopen every
 *        (first open only)                                    reconnectMs until it
 *                                                              opens or stop()
 *
 * On every open it sends the USB bridge's EnableLog command (a Jacdac frame,
 * FE FC … FE FD), as jacdac-ts does when it connects: DeviceScript boards
 * stream their console on USB once a host asks. A UART log pin ignores it.
 *
 * Invariants: at most one port is open; after stop() no timer or port
 * remains. The port is opened with an exclusive lock (serialport's default),
 * so a second reader (devs devtools --serial, a terminal) is "busy".
 * Bounds: serialport hands over what the OS read (≤ 64 KiB a chunk).
 */
import { statSync } from "node:fs"
import type { SerialPort as SerialPortType } from "serialport"
import { jd } from "./jacdac"
import { ByteSink, ByteSource, TransportError } from "./source"

/** The default speed: USB CDC ignores it, a USB-UART bridge needs it (DeviceScript's USB bridge runs at 1 Mbaud). */
export const DEFAULT_BAUD = 1_000_000

export interface SerialOptions {
    path: string
    baud?: number
    /** Milliseconds between reopen attempts after a disconnect (default 500). */
    reconnectMs?: number
}

/** The frame jacdac-ts sends a USB bridge to switch its console stream on (jdusb.ts processingPkt), framed FE FC … FE FD. */
export function enableLogCommand(): Uint8Array {
    const f = jd.jdpack("u16 u8 u8 u32 u32 u8 u8 u16", [
        0,
        4,
        jd.JD_FRAME_FLAG_IDENTIFIER_IS_SERVICE_CLASS | jd.JD_FRAME_FLAG_COMMAND | jd.JD_FRAME_FLAG_LOOPBACK,
        jd.SRV_USB_BRIDGE,
        jd.JD_DEVICE_IDENTIFIER_BROADCAST_HIGH_MARK,
        0,
        jd.JD_SERVICE_INDEX_BROADCAST,
        jd.UsbBridgeCmd.EnableLog,
    ])
    const c = jd.crc(f.slice(2))
    f[0] = c & 0xff
    f[1] = c >> 8
    const out = [0xfe, 0xfc]
    for (const b of f) out.push(...(b === 0xfe ? [0xfe, 0xf8] : [b]))
    out.push(0xfe, 0xfd)
    return Uint8Array.from(out)
}

/** The people's version of an open failure: what happened and what to do. */
export function explainOpenError(path: string, message: string): string {
    if (/Permission denied|EACCES/i.test(message))
        return (
            `permission denied opening ${path}. Serial ports belong to the "dialout" group (uucp on Arch): ` +
            `run \`sudo usermod -aG dialout $USER\`, then log out and in again (or \`newgrp dialout\`).`
        )
    if (/Cannot lock port|Resource temporarily unavailable|EBUSY|Device or resource busy/i.test(message))
        return `${path} is busy: another program has it open (\`devs devtools --serial\`, a serial terminal, ModemManager). Close it and retry.`
    if (/No such file|ENOENT|ENXIO|No such device/i.test(message))
        return `${path} not found: is the board plugged in? \`bareheap monitor --list\` shows the ports.`
    return `cannot open ${path}: ${message}`
}

export class SerialSource implements ByteSource {
    readonly what: string
    private port: SerialPortType | null = null
    private sink: ByteSink | null = null
    private timer: NodeJS.Timeout | null = null
    private stopped = false
    private lastError = ""
    private paused = false
    private nodeTimer: NodeJS.Timeout | null = null

    constructor(private readonly options: SerialOptions) {
        this.what = `${options.path} at ${options.baud ?? DEFAULT_BAUD} baud`
    }

    async start(sink: ByteSink): Promise<void> {
        this.sink = sink
        const err = await this.open()
        if (err) throw new TransportError(explainOpenError(this.options.path, err))
    }

    /** Opens the port; resolves with an error message, or "" when it is open and wired. */
    private async open(): Promise<string> {
        const { SerialPort } = await import("serialport")
        const port = new SerialPort({ path: this.options.path, baudRate: this.options.baud ?? DEFAULT_BAUD, autoOpen: false, lock: true })
        const err = await new Promise<string>(resolve => port.open(e => resolve(e ? e.message : "")))
        if (err) return err
        if (this.stopped) {
            await closePort(port)
            return ""
        }
        this.port = port
        this.lastError = ""
        if (this.paused) port.pause()
        this.watchNode(port)
        port.on("data", (chunk: Buffer) => this.sink?.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)))
        // A read error (EIO when a pty's other end goes, ENXIO on unplug) is followed by close; both mean the link is gone.
        port.on("error", (e: Error) => this.lost(port, e.message))
        port.on("close", (e: Error | null) => this.lost(port, e ? e.message : "closed"))
        this.sink?.event({ type: "connected", what: this.what })
        port.write(Buffer.from(enableLogCommand()), e => {
            // A port that refuses writes (a read-only pty end) still reads: not worth a disconnect.
            if (e) this.sink?.event({ type: "error", message: `could not send EnableLog to ${this.options.path}: ${e.message}` })
        })
        return ""
    }

    /**
     * Unplugging removes the device node (/dev/ttyACM0, /dev/serial/by-id/…), and a replug makes a new one.
     * A read error usually says so first, but not always (a pty whose other end closed can leave the read
     * waiting), so while open the node is checked every reconnectMs: gone or a different device → lost.
     */
    private watchNode(port: SerialPortType): void {
        const path = this.options.path
        let rdev = -1
        try {
            rdev = statSync(path).rdev
        } catch {
            return // a path stat cannot follow (not a file system node): rely on read errors
        }
        const check = () => {
            if (this.port !== port) return
            let now = -1
            try {
                now = statSync(path).rdev
            } catch {
                /* gone */
            }
            if (now !== rdev) this.lost(port, now < 0 ? `${path} is gone (unplugged)` : `${path} is another device now (replugged)`)
            else this.nodeTimer = setTimeout(check, this.options.reconnectMs ?? 500)
        }
        this.nodeTimer = setTimeout(check, this.options.reconnectMs ?? 500)
    }

    private lost(port: SerialPortType, reason: string): void {
        if (this.port !== port) return
        this.port = null
        if (this.nodeTimer) clearTimeout(this.nodeTimer)
        this.nodeTimer = null
        // Bytes read from the port before it went (buffered while paused, or not yet handed over) still count:
        // each read() hands its chunk to the "data" listener above.
        while (port.read() !== null) {
            /* delivered by the "data" event */
        }
        if (port.isOpen) port.close(() => undefined)
        if (this.stopped) return
        this.sink?.event({ type: "disconnected", what: this.what, reason })
        this.poll()
    }

    private poll(): void {
        if (this.stopped) return
        this.timer = setTimeout(async () => {
            this.timer = null
            if (this.stopped) return
            const err = await this.open()
            if (!err) return
            // Not there yet (unplugged) is the normal case while polling; say anything else once.
            if (!/No such file|ENOENT|ENXIO/.test(err) && err !== this.lastError) this.sink?.event({ type: "error", message: explainOpenError(this.options.path, err) })
            this.lastError = err
            this.poll()
        }, this.options.reconnectMs ?? 500)
    }

    pause(): void {
        this.paused = true
        this.port?.pause()
    }

    resume(): void {
        this.paused = false
        this.port?.resume()
    }

    async stop(): Promise<void> {
        if (this.stopped) return
        this.stopped = true
        if (this.timer) clearTimeout(this.timer)
        if (this.nodeTimer) clearTimeout(this.nodeTimer)
        this.timer = this.nodeTimer = null
        const port = this.port
        this.port = null
        if (port) await closePort(port)
        this.sink?.event({ type: "end", reason: "stopped" })
    }
}

function closePort(port: SerialPortType): Promise<void> {
    return new Promise(resolve => {
        if (!port.isOpen) return resolve()
        port.close(() => resolve())
    })
}
