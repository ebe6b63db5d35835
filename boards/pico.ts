/**
 * boards/pico.ts — Raspberry Pi Pico (RP2040) and the RP2040 boards DeviceScript
 * ships with the same firmware (KittenBot NanoScript, MSR124, MSR59).
 *
 * Memory map: RP2040 Datasheet (Raspberry Pi Ltd), §2.2 "Address Map"
 * (§2.2.1 Summary) and §2.6 "Memory" (§2.6.1 ROM: 16 kB; §2.6.2 SRAM: 264 kB in
 * six banks — SRAM0-3, 64 kB each, word-striped at 0x20000000, and SRAM4/SRAM5,
 * 4 kB each, at 0x20040000/0x20041000); the USB controller's 4 kB dual-port
 * RAM at 0x50100000 is §4.1.2.5 "DPSRAM". Flash: Raspberry Pi Pico Datasheet,
 * §2.1 — a 2 MB QSPI flash (W25Q16JV) executed in place from 0x10000000 (the
 * XIP window itself is 16 MB). The same numbers are in pico-sdk's
 * hardware/regs/addressmap.h (SRAM_STRIPED_BASE/END, SRAM4_BASE, SRAM5_BASE).
 * Left out on purpose: the non-striped aliases of SRAM0-3 at 0x21000000
 * (the same bytes again), the XIP cache's SRAM view at 0x15000000 (it is the
 * cache while DeviceScript runs from flash) and the register blocks.
 *
 * Heap: DeviceScript's GC heap is one block the firmware takes from SRAM at
 * start-up, so the region's real address is the firmware's, not ours;
 * 0x20020000 (half-way into the striped SRAM) is a plausible place for it and
 * is MAX_ALIGN-aligned.
 *
 * ```ts
 * import { PICO } from "./pico"
 * const region = StaticRegion.forBoard(PICO) // 32 KiB at 0x20020000
 * ```
 */
import { Board } from "./board"
import { RP2040_HEAP_REGIONS } from "./heap_regions"

/** Raspberry Pi Pico, RP2040, DeviceScript archId "rp2040". */
export const PICO: Board = {
    id: "pico",
    name: "Raspberry Pi Pico",
    chip: "RP2040",
    archId: "rp2040",
    devsBoards: ["pico", "kittenbot_nanoscript", "msr124", "msr59"],
    // JD_GC_KB: jacdac-c's default of 64 (jd_config.h; shared/devicescript.md §6).
    programHeap: 65536,
    memory: [
        { name: "ROM", kind: "rom", base: 0x00000000, size: 16384, note: "bootrom, RP2040 datasheet §2.6.1" },
        { name: "XIP flash", kind: "flash", base: 0x10000000, size: 2097152, note: "2 MB W25Q16JV on the Pico, executed in place (XIP window is 16 MB)" },
        { name: "SRAM0-3 (striped)", kind: "sram", base: 0x20000000, size: 262144, note: "four 64 kB banks, word-striped; non-striped aliases at 0x21000000" },
        { name: "SRAM4", kind: "sram", base: 0x20040000, size: 4096, note: "SCRATCH_X in pico-sdk's default linker script (core 1 stack)" },
        { name: "SRAM5", kind: "sram", base: 0x20041000, size: 4096, note: "SCRATCH_Y in pico-sdk's default linker script (core 0 stack)" },
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
