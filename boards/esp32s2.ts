/**
 * boards/esp32s2.ts — ESP32-S2 (Xtensa LX7, single core) boards: DeviceScript's
 * esp32s2_bare, FeatherS2, Adafruit Feather ESP32-S2 and the MSR207/MSR48 boards.
 *
 * Memory map: ESP32-S2 Technical Reference Manual, chapter "System and Memory",
 * table "Internal Memory Address Mapping" and table "External Memory Address
 * Mapping"; ESP32-S2 Datasheet §3.1 (Memory): 128 KB ROM, 320 KB SRAM
 * (SRAM0 32 KB + SRAM1 288 KB), 8 KB RTC FAST, 8 KB RTC SLOW. Cross-checked
 * with esptool's targets/esp32s2.py MEMORY_MAP and ESP-IDF's
 * SOC_DRAM_LOW/HIGH = 0x3FFB0000/0x40000000.
 * All 320 KB of SRAM is visible twice: on the data bus at 0x3FFB0000 and on
 * the instruction bus at 0x40020000. External PSRAM (data window 0x3F500000,
 * 10.5 MB) is left out: it depends on the module (some of these boards have
 * 2 MB or 8 MB, esp32s2_bare none) and DeviceScript's GC heap is internal RAM.
 *
 * Program heap: DeviceScript's GC heap is 40 KiB on the S2, not 64
 * (shared/devicescript.md §6, from devicescript-esp32's configuration), so
 * the region is 16 KiB.
 *
 * ```ts
 * import { ESP32S2 } from "./esp32s2"
 * ESP32S2.heap.size === 16384
 * ```
 */
import { Board } from "./board"
import { espHeapRegions } from "./heap_regions"

/** ESP32-S2 boards, DeviceScript archId "esp32s2". */
export const ESP32S2: Board = {
    id: "esp32s2",
    name: "ESP32-S2 boards",
    chip: "ESP32-S2",
    archId: "esp32s2",
    devsBoards: ["esp32s2_bare", "feather_s2", "adafruit_feather_esp32_s2", "msr207_v42", "msr207_v43", "msr48"],
    programHeap: 40960,
    memory: [
        { name: "External flash (data)", kind: "flash", base: 0x3f000000, size: 0x400000, note: "MMU-mapped flash, data bus, read-only, 4 MB window" },
        { name: "RTC FAST (data)", kind: "rtc", base: 0x3ff9e000, size: 0x2000, note: "8 KB RTC FAST memory, data-bus view" },
        { name: "ROM1 (data)", kind: "rom", base: 0x3ffa0000, size: 0x10000, note: "64 KB internal ROM 1, data-bus view" },
        { name: "SRAM0 (DRAM)", kind: "sram", base: 0x3ffb0000, size: 0x8000, note: "32 KB internal SRAM 0, data-bus view (usable as cache)" },
        { name: "SRAM1 (DRAM)", kind: "sram", base: 0x3ffb8000, size: 0x48000, note: "288 KB internal SRAM 1, data-bus view" },
        { name: "ROM0+ROM1", kind: "rom", base: 0x40000000, size: 0x20000, note: "128 KB internal ROM (ROM0 64 KB + ROM1 64 KB), instruction bus" },
        { name: "SRAM0 (IRAM)", kind: "iram", base: 0x40020000, size: 0x8000, note: "instruction-bus view of SRAM0" },
        { name: "SRAM1 (IRAM)", kind: "iram", base: 0x40028000, size: 0x48000, note: "instruction-bus view of SRAM1" },
        { name: "RTC FAST (instr)", kind: "rtc", base: 0x40070000, size: 0x2000, note: "instruction-bus view of RTC FAST" },
        { name: "External flash (instr)", kind: "flash", base: 0x40080000, size: 0x780000, note: "MMU-mapped flash, instruction bus, 7.5 MB window" },
        { name: "RTC SLOW", kind: "rtc", base: 0x50000000, size: 0x2000, note: "8 KB RTC SLOW memory, kept in deep sleep" },
    ],
    heap: {
        region: "SRAM1 (DRAM)",
        base: 0x3ffc0000,
        size: 16384,
        why: "40 KiB program heap (JD_GC_KB 40 on the S2) − 24 KiB RUNTIME_RESERVE = 16 KiB: the region takes exactly that",
    },
    // 8 + 4 KiB: the S2's 16 KiB heap.size less MULTI_VM_MARGIN; RTC FAST (data) 0x3FF9E000 + 4 KiB (ESP32-S2 TRM "Internal Memory Address Mapping").
    heapRegions: espHeapRegions("SRAM1 (DRAM)", 0x3ffc0000, 8192, "RTC FAST (data)", 0x3ff9f000, false),
    stack: {
        region: "SRAM1 (DRAM)",
        base: null,
        size: 3584,
        source: "ESP-IDF: app_main runs in the main task, whose stack (CONFIG_ESP_MAIN_TASK_STACK_SIZE, default 3584 bytes, esp_system Kconfig) FreeRTOS allocates from internal DRAM at start-up, so its address is chosen at run time",
    },
}
