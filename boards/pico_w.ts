/**
 * boards/pico_w.ts — Raspberry Pi Pico W (RP2040 + CYW43439 Wi-Fi).
 *
 * Same chip and memory map as boards/pico.ts: RP2040 Datasheet §2.2 "Address
 * Map" and §2.6 "Memory"; 2 MB QSPI flash (Raspberry Pi Pico W Datasheet,
 * §2.1). DeviceScript builds a separate firmware for it (archId "rp2040w")
 * because of the Wi-Fi driver, whose buffers live in C RAM outside the GC
 * heap, so the program heap budget is the same 64 KiB as the Pico.
 *
 * ```ts
 * import { PICO_W } from "./pico_w"
 * PICO_W.heap.base === 0x20020000
 * ```
 */
import { Board } from "./board"
import { RP2040_HEAP_REGIONS } from "./heap_regions"

/** Raspberry Pi Pico W, RP2040, DeviceScript archId "rp2040w". */
export const PICO_W: Board = {
    id: "pico_w",
    name: "Raspberry Pi Pico W",
    chip: "RP2040",
    archId: "rp2040w",
    devsBoards: ["pico_w"],
    programHeap: 65536,
    memory: [
        { name: "ROM", kind: "rom", base: 0x00000000, size: 16384, note: "bootrom, RP2040 datasheet §2.6.1" },
        { name: "XIP flash", kind: "flash", base: 0x10000000, size: 2097152, note: "2 MB QSPI flash on the Pico W, executed in place (XIP window is 16 MB)" },
        { name: "SRAM0-3 (striped)", kind: "sram", base: 0x20000000, size: 262144, note: "four 64 kB banks, word-striped; non-striped aliases at 0x21000000" },
        { name: "SRAM4", kind: "sram", base: 0x20040000, size: 4096 },
        { name: "SRAM5", kind: "sram", base: 0x20041000, size: 4096 },
        { name: "USB DPRAM", kind: "periph", base: 0x50100000, size: 4096, note: "USB controller's dual-port RAM, RP2040 datasheet §4.1.2.5" },
    ],
    heap: {
        region: "SRAM0-3 (striped)",
        base: 0x20020000,
        size: 32768,
        why: "64 KiB program heap − 24 KiB RUNTIME_RESERVE = 40 KiB; a 32 KiB region leaves 8 KiB of slack for the firmware's objects",
    },
    heapRegions: RP2040_HEAP_REGIONS,
    stack: {
        region: "SRAM5",
        base: 0x20041800,
        size: 2048,
        source: "pico-sdk memmap_default.ld: core 0's stack ends at the top of SCRATCH_Y (SRAM5, __StackTop = 0x20042000) and takes PICO_STACK_SIZE (default 0x800); core 1's is in SCRATCH_X (SRAM4)",
    },
}
