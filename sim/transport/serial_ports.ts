/**
 * sim/transport/serial_ports.ts — which serial ports this machine has, which
 * of them look like a board, and the one `bareheap monitor` picks by itself.
 *
 *   listPorts()      serialport's list (udev on Linux); when udevadm is missing
 *                    (containers, minimal installs) the same facts are read
 *                    from /sys/class/tty/<name>/device → the USB interface's
 *                    parent (idVendor, idProduct, manufacturer, serial).
 *   boardFamily(p)   the USB vendor id → what kind of board it probably is
 *   choosePort(ps)   exactly one port with a known vendor → that port; none or
 *                    several → a TransportError listing the candidates
 *
 * A USB vendor id says who made the USB chip, not which board it is: an
 * ESP32 DevKitC has a CP210x or CH34x USB-UART, an ESP32-S3 or C3 its own
 * USB (Espressif 303a), a Pico RP2040's own (Raspberry Pi 2e8a). So the
 * family is a hint shown to people, never used to choose a board id.
 * Cost: one directory walk of /sys/class/tty (a few hundred entries) at most.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"
import { TransportError } from "./source"

export interface PortInfo {
    path: string
    manufacturer?: string
    serialNumber?: string
    /** Four lowercase hex digits, or undefined when the port is not USB. */
    vendorId?: string
    productId?: string
}

/** USB vendor ids of the chips on the boards bareheap supports, and what they suggest. */
export const KNOWN_VENDORS: Record<string, string> = {
    "2e8a": "Raspberry Pi RP2040 (pico, pico_w)",
    "303a": "Espressif native USB (esp32c3, esp32s2, esp32s3)",
    "10c4": "Silicon Labs CP210x USB-UART (often esp32, esp32c3 dev boards)",
    "1a86": "WCH CH34x USB-UART (often esp32, esp32c3 dev boards)",
    "0403": "FTDI USB-UART (a UART log pin or an older dev board)",
}

/** What kind of board the port's USB vendor suggests, or undefined. */
export function boardFamily(p: PortInfo): string | undefined {
    const v = p.vendorId?.toLowerCase()
    return v && Object.prototype.hasOwnProperty.call(KNOWN_VENDORS, v) ? KNOWN_VENDORS[v] : undefined
}

/** The ports serialport knows, or (without udevadm) the ones /sys describes. */
export async function listPorts(): Promise<PortInfo[]> {
    const { SerialPort } = await import("serialport")
    try {
        const ports = await SerialPort.list()
        return ports.map(p => ({
            path: p.path,
            manufacturer: p.manufacturer,
            serialNumber: p.serialNumber,
            vendorId: p.vendorId?.toLowerCase(),
            productId: p.productId?.toLowerCase(),
        }))
    } catch (e) {
        if (process.platform === "linux" && existsSync("/sys/class/tty")) return listPortsFromSys("/sys/class/tty")
        throw new TransportError(`cannot list serial ports: ${(e as Error).message}`)
    }
}

function readAttr(dir: string, name: string): string | undefined {
    try {
        return readFileSync(join(dir, name), "utf8").trim()
    } catch {
        return undefined
    }
}

/**
 * The ports under a sysfs tty class directory that have a device behind
 * them (virtual consoles and ptys have none). A USB port's attributes sit
 * on the USB device, one or two levels above the tty's interface.
 */
export function listPortsFromSys(classDir: string): PortInfo[] {
    const out: PortInfo[] = []
    for (const name of readdirSync(classDir).sort()) {
        const link = join(classDir, name, "device")
        if (!existsSync(link)) continue
        let dir = realpathSync(link)
        const info: PortInfo = { path: `/dev/${name}` }
        for (let up = 0; up < 4 && dir !== "/"; up++, dir = dirname(dir)) {
            const vid = readAttr(dir, "idVendor")
            if (vid) {
                info.vendorId = vid.toLowerCase()
                info.productId = readAttr(dir, "idProduct")?.toLowerCase()
                info.manufacturer = readAttr(dir, "manufacturer")
                info.serialNumber = readAttr(dir, "serial")
                break
            }
        }
        // A legacy 8250 UART with no hardware behind it still has a device link: keep only USB ports and ACM/USB names.
        if (info.vendorId || /^tty(ACM|USB)/.test(name)) out.push(info)
    }
    return out
}

/** One line per port: path, manufacturer, VID:PID and the board family it looks like. */
export function formatPorts(ports: PortInfo[]): string[] {
    if (ports.length === 0) return ["  (no serial ports found)"]
    return ports.map(p => {
        const id = p.vendorId ? `${p.vendorId}:${p.productId ?? "????"}` : "no USB id"
        const family = boardFamily(p)
        return `  ${p.path}  ${p.manufacturer ?? "(no manufacturer)"}  ${id}  ${family ? "looks like: " + family : "not a known board vendor"}`
    })
}

/** The port to open when none was given: the only one with a known vendor. */
export function choosePort(ports: PortInfo[]): PortInfo {
    const known = ports.filter(p => boardFamily(p) !== undefined)
    if (known.length === 1) return known[0]
    const listing = formatPorts(ports).join("\n")
    if (known.length === 0)
        throw new TransportError(
            `no serial port with a known board vendor (RP2040 2e8a, Espressif 303a, CP210x 10c4, CH34x 1a86, FTDI 0403) was found; ` +
                `is the board plugged in with a data cable? Ports seen:\n${listing}\nGive one with --port <path>.`,
        )
    throw new TransportError(`${known.length} serial ports look like boards; choose one with --port <path>:\n${formatPorts(known).join("\n")}`)
}
