/**
 * boards/esp32c3.ts — ESP32-C3 (RISC-V, single core) boards: DeviceScript's
 * esp32c3_bare, ESP32-C3FH4 RGB, Rust devkit, SuperMini, QT Py C3, XIAO ESP32C3
 * and the KittenBot Grape:bit.
 *
 * Memory map: ESP32-C3 Technical Reference Manual, chapter 3 "System and
 * Memory", table "Internal Memory Address Mapping" and table "External Memory
 * Address Mapping"; ESP32-C3 Datasheet §3.1 (Memory): 384 KB ROM, 400 KB SRAM
 * (16 KB of it usable as cache), 8 KB RTC SRAM. Cross-checked with esptool's
 * targets/esp32c3.py MEMORY_MAP.
 * SRAM1 (384 KB) is visible on the data bus at 0x3FC80000 and on the
 * instruction bus at 0x40380000 — the same bytes; ESP-IDF places IRAM code at
 * its low end and DRAM data above it. SRAM0 (16 KB, 0x4037C000) is
 * instruction-only and holds the instruction cache under ESP-IDF.
 * The flash windows are the MMU's 8 MB ranges; modules carry 4 MB
 * (e.g. ESP32-C3FH4, XIAO ESP32C3).
 *
 * Heap: DeviceScript's GC heap is malloc'ed from ESP-IDF's heap in the upper
 * part of SRAM1; 0x3FCA0000 is a plausible, MAX_ALIGN-aligned place.
 *
 * ```ts
 * import { ESP32C3 } from "./esp32c3"
 * ESP32C3.heap.base === 0x3fca0000
 * ```
 */
import { Board } from "./board"
import { espHeapRegions } from "./heap_regions"

/** ESP32-C3 boards, DeviceScript archId "esp32c3". */
export const ESP32C3: Board = {
    id: "esp32c3",
    name: "ESP32-C3 boards",
    chip: "ESP32-C3",
    archId: "esp32c3",
    devsBoards: [
        "esp32c3_bare",
        "esp32_c3fh4_rgb",
        "esp32c3_rust_devkit",
        "esp32c3_supermini",
        "adafruit_qt_py_c3",
        "seeed_xiao_esp32c3",
        "seeed_xiao_esp32c3_msr218",
        "kittenbot_grapebit_esp32c3",
    ],
    programHeap: 65536,
    memory: [
        { name: "External flash (data)", kind: "flash", base: 0x3c000000, size: 0x800000, note: "MMU-mapped flash, data bus, 8 MB window" },
        { name: "SRAM1 (DRAM)", kind: "sram", base: 0x3fc80000, size: 0x60000, note: "384 KB internal SRAM 1, data-bus view" },
        { name: "ROM1 (data)", kind: "rom", base: 0x3ff00000, size: 0x20000, note: "128 KB internal ROM 1, data-bus view" },
        { name: "ROM0+ROM1", kind: "rom", base: 0x40000000, size: 0x60000, note: "384 KB internal ROM (256 KB ROM0 + 128 KB ROM1), instruction bus" },
        { name: "SRAM0 (IRAM)", kind: "iram", base: 0x4037c000, size: 0x4000, note: "16 KB internal SRAM 0, instruction cache under ESP-IDF" },
        { name: "SRAM1 (IRAM)", kind: "iram", base: 0x40380000, size: 0x60000, note: "instruction-bus view of SRAM1" },
        { name: "External flash (instr)", kind: "flash", base: 0x42000000, size: 0x800000, note: "MMU-mapped flash, instruction bus, 8 MB window" },
        { name: "RTC FAST", kind: "rtc", base: 0x50000000, size: 0x2000, note: "8 KB RTC FAST memory, data and instruction bus" },
    ],
    heap: {
        region: "SRAM1 (DRAM)",
        base: 0x3fca0000,
        size: 32768,
        why: "64 KiB program heap − 24 KiB RUNTIME_RESERVE = 40 KiB; a 32 KiB region leaves 8 KiB of slack for the firmware's objects",
    },
    // RTC FAST 0x50000000 + 4 KiB (ESP32-C3 TRM "Internal Memory Address Mapping").
    heapRegions: espHeapRegions("SRAM1 (DRAM)", 0x3fca0000, 24576, "RTC FAST", 0x50001000, false),
    stack: {
        region: "SRAM1 (DRAM)",
        base: null,
        size: 3584,
        source: "ESP-IDF: app_main runs in the main task, whose stack (CONFIG_ESP_MAIN_TASK_STACK_SIZE, default 3584 bytes, esp_system Kconfig) FreeRTOS allocates from internal DRAM at start-up, so its address is chosen at run time",
    },
}
