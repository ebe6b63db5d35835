/**
 * boards/heap_regions.ts — the heap regions (Board.heapRegions) that several
 * boards declare alike: the RP2040's pair, and an ESP32-family chip's DRAM
 * plus RTC FAST memory. One place for each source citation.
 *
 *     RP2040:  [ SRAM0-3 striped: 24 KiB "main dma" ) … hole … [ SRAM4: 4 KiB "fast" )
 *     ESP32x:  [ internal DRAM: heap.size − 8 KiB "main dma" ) … [ RTC FAST upper 4 KiB "rtc" )
 *              (in address order: on the ESP32 and ESP32-S2 RTC FAST lies below DRAM)
 *
 * Bounds: each pair sums to the board's heap.size less MULTI_VM_MARGIN
 * (28 KiB of 32; 12 KiB of the ESP32-S2's 16), within the budget
 * validate.ts enforces (≤ heap.size). Why the margin: a multi heap's own
 * objects (a TLSF per region, the region set, the version-3 stream's region
 * table) live in DeviceScript's program heap beside its Buffers; with the
 * regions summing to the whole 32 KiB the demo ran out of the VM's heap on
 * esp32 (panic 60004 in tests/vm_streams.test.ts, every run), with 28 KiB
 * it runs on every board.
 */
import { HeapRegionPlacement } from "./board"

/** Bytes of heap.size a board's heap regions leave for the multi heap's own objects in the VM (header). */
export const MULTI_VM_MARGIN = 4096

/**
 * Why RTC FAST memory may hold a heap, with its source. Whole literals, not
 * built by `+`: a built string lives in DeviceScript's program heap, which
 * every VM program shares with its region (a few KB of board text pushed
 * `--debug full --track` on pico past it: panic 60004).
 */
const RTC_FAST_WHY =
    "the upper 4 KiB of the 8 KiB RTC FAST memory: ESP-IDF places RTC_FAST_ATTR data and the deep-sleep wake stub from its start and adds the rest to the heap (Kconfig ESP_SYSTEM_ALLOW_RTC_FAST_MEM_AS_HEAP, default y; components/heap/port/<chip>/memory_layout.c, SOC_MEMORY_TYPE_RTCRAM)"
const RTC_FAST_WHY_PRO_CPU =
    "the upper 4 KiB of the 8 KiB RTC FAST memory: ESP-IDF places RTC_FAST_ATTR data and the deep-sleep wake stub from its start and adds the rest to the heap (Kconfig ESP_SYSTEM_ALLOW_RTC_FAST_MEM_AS_HEAP, default y; components/heap/port/esp32/memory_layout.c, SOC_MEMORY_TYPE_RTCRAM); only the PRO_CPU reaches it, so ESP-IDF serves it to tasks pinned there"

/** RTC FAST bytes a multi heap takes: the upper half of its 8 KiB (the lower half holds ESP-IDF's RTC data). */
export const RTC_FAST_HEAP = 4096

/**
 * The RP2040 boards' regions: the first 24 KiB of the single-region heap
 * (striped SRAM0-3) and all of SRAM4.
 *
 * ```ts
 * RP2040_HEAP_REGIONS.map(r => r.size) // [24576, 4096]
 * ```
 */
export const RP2040_HEAP_REGIONS: HeapRegionPlacement[] = [
    {
        region: "SRAM0-3 (striped)",
        base: 0x20020000,
        size: 24576,
        tags: "main dma",
        why: "the single-region heap's first 24 KiB: striped SRAM0-3, where pico-sdk's memmap_default.ld puts .data, .bss and the C heap; DMA reaches all SRAM (RP2040 datasheet §2.5)",
    },
    {
        region: "SRAM4",
        base: 0x20040000,
        size: 4096,
        tags: "fast",
        why: "SRAM4 is SCRATCH_X in pico-sdk's memmap_default.ld and holds only core 1's stack, unused while core 1 is not launched (DeviceScript runs on core 0); a bank of its own, so its accesses never contend with the striped banks' (RP2040 datasheet §2.6.2)",
    },
]

/**
 * An ESP32-family chip's pair: `dramSize` bytes of internal DRAM at
 * `dramBase` (the single-region heap's start) and the upper RTC_FAST_HEAP
 * bytes of RTC FAST memory at `rtcBase`, in address order. `proCpuOnly`:
 * the ESP32's RTC FAST, which only its PRO_CPU reaches (tag "pro_cpu").
 *
 * ```ts
 * espHeapRegions("SRAM1 (DRAM)", 0x3fca0000, 24576, "RTC FAST", 0x50001000, false)
 * ```
 */
export function espHeapRegions(dramRegion: string, dramBase: number, dramSize: number, rtcRegion: string, rtcBase: number, proCpuOnly: boolean): HeapRegionPlacement[] {
    const dram: HeapRegionPlacement = {
        region: dramRegion,
        base: dramBase,
        size: dramSize,
        tags: "main dma",
        why: "the single-region heap's start: internal DRAM, ESP-IDF's default heap (MALLOC_CAP_DEFAULT, DMA-capable)",
    }
    const rtc: HeapRegionPlacement = {
        region: rtcRegion,
        base: rtcBase,
        size: RTC_FAST_HEAP,
        tags: proCpuOnly ? "rtc pro_cpu" : "rtc",
        why: proCpuOnly ? RTC_FAST_WHY_PRO_CPU : RTC_FAST_WHY,
    }
    return rtcBase < dramBase ? [rtc, dram] : [dram, rtc]
}
