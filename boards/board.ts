/**
 * boards/board.ts — what a board module states, and the check run when one is loaded.
 *
 * A board is the chip's memory map (from its datasheet / technical reference
 * manual), the DeviceScript board ids that run on it, the DeviceScript program
 * heap budget, and where bareheap's static heap region sits.
 *
 * On a board the region is a ds.Buffer inside DeviceScript's own GC heap, so
 * its physical address is not ours to choose: `heap.base` is a plausible
 * address inside the chip's data RAM, and pointers in logs are addresses in
 * the chip's address space as the allocator sees it.
 *
 * Invariants a valid board keeps (validateBoard checks each, naming the field):
 *   - every memory region has a name, a known kind, base ≥ 0, size > 0, and
 *     ends at or below 2^32; regions do not overlap;
 *   - heap.region names a data-RAM region ("sram") and [heap.base, heap.base +
 *     heap.size) lies inside it;
 *   - heap.base is aligned to MAX_ALIGN;
 *   - stack, when stated: stack.region names a region of kind "sram" that
 *     holds [stack.base, stack.base + stack.size) when base is known; size > 0;
 *   - heap.size ≤ the platform's largest Buffer (57,343 bytes: below DEVS_MAX_ALLOC, unless the board
 *     is host-only and says so) and heap.size + RUNTIME_RESERVE ≤ programHeap;
 *   - heapRegions (the blocks of RAM a multi-region heap spreads over,
 *     MultiAllocator.forBoard): 1..64 entries, each inside a data-RAM memory
 *     region (kind "sram", or "rtc": RTC FAST memory is SRAM in the RTC power
 *     domain, which ESP-IDF adds to its heap), base MAX_ALIGN-aligned, size
 *     > 0; sorted by base and disjoint; their sizes sum to at most heap.size
 *     (a multi heap then takes no more of DeviceScript's program heap than
 *     the single region does); tags: ≤ 8 space-separated [a-z0-9_-]{1,24}.
 *
 *     memory:  ──[ SRAM0-3 striped ............................ ][SRAM4][SRAM5]──
 *     heap:               [ heap.base .. +heap.size )
 *     heapRegions:        [ 0: "main" )                         [1:fast]
 *                         Σ sizes ≤ heap.size; holes between are outside the heap
 */

/** Kinds of memory in a chip's map. Only "sram" may hold the heap. */
export type MemoryKind = "sram" | "iram" | "rom" | "flash" | "rtc" | "psram" | "periph"

/** One range of the chip's address space. */
export interface MemoryRegion {
    /** Datasheet name, e.g. "SRAM0-3 (striped)" or "DRAM (SRAM1)". */
    name: string
    kind: MemoryKind
    base: number
    size: number
    /** Where the numbers come from or what they alias. */
    note?: string
}

/** Where the static heap region sits and why it fits. */
export interface HeapPlacement {
    /** Name of the MemoryRegion that contains it. */
    region: string
    base: number
    size: number
    /** Why this size fits beside the DeviceScript runtime on this chip. */
    why: string
}

/**
 * The C stack the firmware's main code runs on (DeviceScript's VM and the
 * allocator calls run inside it), for lab 1's "stack vs heap" picture.
 */
export interface StackPlacement {
    /** Name of the MemoryRegion that holds it. */
    region: string
    /** Lowest address of the stack, or null when the RTOS chooses it at run time. */
    base: number | null
    /** Bytes reserved for it. */
    size: number
    /** Where the numbers come from (SDK linker script, Kconfig default). */
    source: string
}

/**
 * One block of RAM a multi-region heap may use (FreeRTOS heap_5's
 * HeapRegion_t, ESP-IDF's capability-tagged heap regions).
 */
export interface HeapRegionPlacement {
    /** Name of the MemoryRegion that holds it (kind "sram" or "rtc"). */
    region: string
    /** First address, aligned to MAX_ALIGN. */
    base: number
    size: number
    /** Capability tags, space-separated ("main dma"; "" for none): what MultiPolicy.Prefer selects by. */
    tags: string
    /** Why this block is free for a heap on this chip, with its source. */
    why: string
}

export interface Board {
    /** bareheap's id, used by `npm start -- --board <id>`. */
    id: string
    /** Human name, e.g. "Raspberry Pi Pico". */
    name: string
    /** Chip, e.g. "RP2040". */
    chip: string
    /** DeviceScript's `_dcfgString("archId")` on this chip, e.g. "rp2040". */
    archId: string
    /** DeviceScript board ids (`devs flash --board <id>`) this definition covers. */
    devsBoards: string[]
    /** Bytes of DeviceScript's program GC heap (JD_GC_KB): 65,536, or 40,960 on ESP32-S2. */
    programHeap: number
    /** The chip's memory map, in address order. */
    memory: MemoryRegion[]
    heap: HeapPlacement
    /** The regions a multi-region heap spreads over, in address order (see the header's rules). */
    heapRegions: HeapRegionPlacement[]
    /** The main C stack (absent on the host-only board). */
    stack?: StackPlacement
    /**
     * Host-only boards (simulation of large regions for trace replay) may set a
     * larger region limit than a DeviceScript Buffer allows; real boards must not.
     */
    hostOnly?: boolean
    /** Largest region for a hostOnly board. */
    maxRegion?: number
}
