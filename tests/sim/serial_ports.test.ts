/**
 * Which port `bareheap monitor` picks by itself, and the /sys fallback it
 * lists ports with when udevadm is missing: a directory laid out as
 * /sys/class/tty and /sys/devices are (tty → device symlink into a USB
 * interface, idVendor/idProduct/manufacturer/serial on the USB device above).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, test } from "vitest"
import { boardFamily, choosePort, formatPorts, listPortsFromSys, PortInfo } from "../../sim/transport/serial_ports"
import { TransportError } from "../../sim/transport/source"

const dir = mkdtempSync(join(tmpdir(), "bareheap-sys-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A USB serial device in a fake sysfs: devices/usbN/<dev>/<dev>:1.0 is the tty's interface. */
function usbTty(tty: string, usb: string, attrs: Record<string, string>): void {
    const dev = join(dir, "devices", usb)
    const iface = join(dev, `${usb}:1.0`)
    mkdirSync(iface, { recursive: true })
    for (const [k, v] of Object.entries(attrs)) writeFileSync(join(dev, k), v + "\n")
    mkdirSync(join(dir, "class", "tty", tty), { recursive: true })
    symlinkSync(iface, join(dir, "class", "tty", tty, "device"))
}

describe("serial ports", () => {
    usbTty("ttyACM0", "1-1", { idVendor: "2e8a", idProduct: "000a", manufacturer: "Raspberry Pi", serial: "E66138935F1F3A2C" })
    usbTty("ttyUSB0", "1-2", { idVendor: "10C4", idProduct: "EA60", manufacturer: "Silicon Labs" })
    usbTty("ttyACM1", "1-3", { idVendor: "1234", idProduct: "5678", manufacturer: "Someone" })
    mkdirSync(join(dir, "class", "tty", "tty0"), { recursive: true }) // a virtual console: no device link
    mkdirSync(join(dir, "devices", "platform", "serial8250"), { recursive: true })
    mkdirSync(join(dir, "class", "tty", "ttyS0"), { recursive: true })
    symlinkSync(join(dir, "devices", "platform", "serial8250"), join(dir, "class", "tty", "ttyS0", "device"))

    test("the /sys fallback lists USB serial ports with their ids, and skips consoles and bare UARTs", () => {
        const ports = listPortsFromSys(join(dir, "class", "tty"))
        expect(ports).toEqual([
            { path: "/dev/ttyACM0", vendorId: "2e8a", productId: "000a", manufacturer: "Raspberry Pi", serialNumber: "E66138935F1F3A2C" },
            { path: "/dev/ttyACM1", vendorId: "1234", productId: "5678", manufacturer: "Someone", serialNumber: undefined },
            { path: "/dev/ttyUSB0", vendorId: "10c4", productId: "ea60", manufacturer: "Silicon Labs", serialNumber: undefined },
        ])
        expect(formatPorts(ports)).toEqual([
            "  /dev/ttyACM0  Raspberry Pi  2e8a:000a  looks like: Raspberry Pi RP2040 (pico, pico_w)",
            "  /dev/ttyACM1  Someone  1234:5678  not a known board vendor",
            "  /dev/ttyUSB0  Silicon Labs  10c4:ea60  looks like: Silicon Labs CP210x USB-UART (often esp32, esp32c3 dev boards)",
        ])
    })

    test("exactly one known vendor is chosen; none or several is a clear error listing the candidates", () => {
        const pico: PortInfo = { path: "/dev/ttyACM0", vendorId: "2e8a", productId: "000a" }
        const s3: PortInfo = { path: "/dev/ttyACM2", vendorId: "303a", productId: "1001", manufacturer: "Espressif" }
        const other: PortInfo = { path: "/dev/ttyS4" }
        expect(choosePort([other, pico])).toBe(pico)
        expect(boardFamily(s3)).toBe("Espressif native USB (esp32c3, esp32s2, esp32s3)")
        expect(() => choosePort([other])).toThrow(TransportError)
        expect(() => choosePort([other])).toThrow(/no serial port with a known board vendor .*\n {2}\/dev\/ttyS4 {2}\(no manufacturer\) {2}no USB id {2}not a known board vendor\nGive one with --port <path>\./s)
        expect(() => choosePort([pico, s3, other])).toThrow(/2 serial ports look like boards; choose one with --port <path>:\n {2}\/dev\/ttyACM0 .*\n {2}\/dev\/ttyACM2 {2}Espressif {2}303a:1001/)
    })
})
