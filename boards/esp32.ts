/**
 * boards/esp32.ts — ESP32 (Xtensa LX6, dual core) boards of the DevKitC class:
 * DeviceScript's esp32_bare and esp32_devkit_c (ESP32-WROOM-32, 4 MB flash).
 *
 * Memory map: ESP32 Technical Reference Manual, chapter "System and Memory"
 * (chapter 1 in TRM v4.x, chapter 3 in v5.x; the chapter number moved between
 * editions), table "Embedded Memory Address Mapping" (ROM0/1, SRAM0/1/2, RTC
 * FAST/SLOW) and table "External Memory Address Mapping" (flash data and
 * instruction windows). ESP32 Datasheet §3.1 "CPU and Memory" gives the totals:
 * 448 KB ROM, 520 KB SRAM (SRAM0 192 + SRAM1 128 + SRAM2 200), 8 KB RTC FAST,
 * 8 KB RTC SLOW. Cross-checked with esptool's targets/esp32.py MEMORY_MAP and
 * ESP-IDF's SOC_DRAM_LOW = 0x3FFAE000.
 * SRAM1 appears twice: on the data bus at 0x3FFE0000 and on the instruction
 * bus at 0x400A0000 (in reverse word order); both views are listed, as
 * "sram" and "iram". External PSRAM (data window 0x3F800000, 4 MB) is left out:
 * the WROOM-32 on a DevKitC has none.
 *
 * Heap: DeviceScript's GC heap is malloc'ed from ESP-IDF's heap, which starts
 * in SRAM2 after .data/.bss; 0x3FFB8000 in SRAM2 (the main DRAM) is a plausible
 * place for the region and is MAX_ALIGN-aligned.
 *
 * ```ts
 * import { ESP32 } from "./esp32"
 * const region = StaticRegion.forBoard(ESP32) // 32 KiB at 0x3ffb8000
 * ```
 */
import { Board } from "./board"
import { espHeapRegions } from "./heap_regions"

/** ESP32 DevKitC-class boards, DeviceScript archId "esp32". */
export const ESP32: Board = {
    id: "esp32",
    name: "ESP32 DevKitC",
    chip: "ESP32",
    archId: "esp32",
    devsBoards: ["esp32_bare", "esp32_devkit_c"],
    // JD_GC_KB 64 (shared/devicescript.md §6, from devicescript-esp32/main/jd_user_config.h).
    programHeap: 65536,
    memory: [
        { name: "External flash (data)", kind: "flash", base: 0x3f400000, size: 0x400000, note: "MMU-mapped flash, data bus, read-only, 4 MB window" },
        { name: "Peripherals (DPort)", kind: "periph", base: 0x3ff00000, size: 0x80000, note: "512 KB of register space on the data bus" },
        { name: "RTC FAST (data)", kind: "rtc", base: 0x3ff80000, size: 0x2000, note: "8 KB, PRO_CPU only; same bytes as 0x400C0000" },
        { name: "ROM1", kind: "rom", base: 0x3ff90000, size: 0x10000, note: "64 KB internal ROM 1, data bus" },
        { name: "SRAM2 (DRAM)", kind: "sram", base: 0x3ffae000, size: 0x32000, note: "200 KB internal SRAM 2, data bus, DMA-capable; ESP-IDF's main DRAM" },
        { name: "SRAM1 (DRAM)", kind: "sram", base: 0x3ffe0000, size: 0x20000, note: "128 KB internal SRAM 1, data-bus view" },
        { name: "ROM0", kind: "rom", base: 0x40000000, size: 0x60000, note: "384 KB internal ROM 0, instruction bus (first 32 KB remappable)" },
        { name: "SRAM0 (IRAM)", kind: "iram", base: 0x40070000, size: 0x30000, note: "192 KB internal SRAM 0; first 64 KB is the flash/PSRAM cache of the two CPUs" },
        { name: "SRAM1 (IRAM)", kind: "iram", base: 0x400a0000, size: 0x20000, note: "instruction-bus view of SRAM1 (reverse word order)" },
        { name: "RTC FAST (instr)", kind: "rtc", base: 0x400c0000, size: 0x2000, note: "instruction-bus view of RTC FAST" },
        { name: "External flash (instr)", kind: "flash", base: 0x400c2000, size: 0xb3e000, note: "MMU-mapped flash, instruction bus, 11 MB + 248 KB window" },
        { name: "RTC SLOW", kind: "rtc", base: 0x50000000, size: 0x2000, note: "8 KB, data and instruction bus, kept in deep sleep" },
    ],
    heap: {
        region: "SRAM2 (DRAM)",
        base: 0x3ffb8000,
        size: 32768,
        why: "64 KiB program heap − 24 KiB RUNTIME_RESERVE = 40 KiB; a 32 KiB region leaves 8 KiB of slack for the firmware's objects",
    },
    // RTC FAST (data) 0x3FF80000 + 4 KiB; ESP32 TRM "Embedded Memory Address Mapping".
    heapRegions: espHeapRegions("SRAM2 (DRAM)", 0x3ffb8000, 24576, "RTC FAST (data)", 0x3ff81000, true),
    stack: {
        region: "SRAM2 (DRAM)",
        base: null,
        size: 3584,
        source: "ESP-IDF: app_main runs in the main task, whose stack (CONFIG_ESP_MAIN_TASK_STACK_SIZE, default 3584 bytes, esp_system Kconfig) FreeRTOS allocates from internal DRAM at start-up, so its address is chosen at run time",
    },
}
