/**
 * boards/esp32s3.ts — ESP32-S3 (Xtensa LX7, dual core) boards: DeviceScript's
 * esp32s3_bare and ESP32-S3-DevKitM.
 *
 * Memory map: ESP32-S3 Technical Reference Manual, chapter "System and Memory",
 * table "Internal Memory Address Mapping" and table "External Memory Address
 * Mapping"; ESP32-S3 Datasheet §4.1 (Memory): 384 KB ROM, 512 KB SRAM
 * (SRAM0 32 KB instruction-only, SRAM1 416 KB on both buses, SRAM2 64 KB
 * data-only), 8 KB RTC FAST, 8 KB RTC SLOW. Cross-checked with esptool's
 * targets/esp32s3.py MEMORY_MAP (DRAM 0x3FC88000..0x3FD00000,
 * IRAM 0x40370000..0x403E0000, RTC FAST 0x600FE000).
 * The external-memory windows are 32 MB each; the MMU maps flash (and PSRAM
 * on modules that have it) into them, so they are listed as "flash".
 *
 * Heap: DeviceScript's GC heap is malloc'ed from ESP-IDF's heap in SRAM1;
 * 0x3FCA0000 is a plausible, MAX_ALIGN-aligned place for the region.
 *
 * ```ts
 * import { ESP32S3 } from "./esp32s3"
 * ESP32S3.heap.base === 0x3fca0000
 * ```
 */
import { Board } from "./board"
import { espHeapRegions } from "./heap_regions"

/** ESP32-S3 boards, DeviceScript archId "esp32s3". */
export const ESP32S3: Board = {
    id: "esp32s3",
    name: "ESP32-S3 boards",
    chip: "ESP32-S3",
    archId: "esp32s3",
    devsBoards: ["esp32s3_bare", "esp32s3_devkit_m"],
    programHeap: 65536,
    memory: [
        { name: "External memory (data)", kind: "flash", base: 0x3c000000, size: 0x2000000, note: "MMU-mapped flash/PSRAM, data bus, 32 MB window" },
        { name: "SRAM1 (DRAM)", kind: "sram", base: 0x3fc88000, size: 0x68000, note: "416 KB internal SRAM 1, data-bus view" },
        { name: "SRAM2 (DRAM)", kind: "sram", base: 0x3fcf0000, size: 0x10000, note: "64 KB internal SRAM 2, data bus only" },
        { name: "ROM1 (data)", kind: "rom", base: 0x3ff00000, size: 0x20000, note: "128 KB internal ROM 1, data-bus view" },
        { name: "ROM0+ROM1", kind: "rom", base: 0x40000000, size: 0x60000, note: "384 KB internal ROM (256 KB ROM0 + 128 KB ROM1), instruction bus" },
        { name: "SRAM0 (IRAM)", kind: "iram", base: 0x40370000, size: 0x8000, note: "32 KB internal SRAM 0, instruction bus only" },
        { name: "SRAM1 (IRAM)", kind: "iram", base: 0x40378000, size: 0x68000, note: "instruction-bus view of SRAM1" },
        { name: "External memory (instr)", kind: "flash", base: 0x42000000, size: 0x2000000, note: "MMU-mapped flash, instruction bus, 32 MB window" },
        { name: "RTC SLOW", kind: "rtc", base: 0x50000000, size: 0x2000, note: "8 KB RTC SLOW memory" },
        { name: "RTC FAST", kind: "rtc", base: 0x600fe000, size: 0x2000, note: "8 KB RTC FAST memory" },
    ],
    heap: {
        region: "SRAM1 (DRAM)",
        base: 0x3fca0000,
        size: 32768,
        why: "64 KiB program heap − 24 KiB RUNTIME_RESERVE = 40 KiB; a 32 KiB region leaves 8 KiB of slack for the firmware's objects",
    },
    // RTC FAST 0x600FE000 + 4 KiB (ESP32-S3 TRM "Internal Memory Address Mapping").
    heapRegions: espHeapRegions("SRAM1 (DRAM)", 0x3fca0000, 24576, "RTC FAST", 0x600ff000, false),
    stack: {
        region: "SRAM1 (DRAM)",
        base: null,
        size: 3584,
        source: "ESP-IDF: app_main runs in the main task, whose stack (CONFIG_ESP_MAIN_TASK_STACK_SIZE, default 3584 bytes, esp_system Kconfig) FreeRTOS allocates from internal DRAM at start-up, so its address is chosen at run time",
    },
}
