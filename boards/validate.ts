/**
 * boards/validate.ts — the check every board definition passes when it is loaded.
 *
 * validateBoard(b) checks each invariant stated in boards/board.ts and throws a
 * BoardError whose message names the board id and the field, e.g.
 *   board "pico": heap.base 0x20020004 is not aligned to 4096
 * so a typo in a memory map fails at start-up (boards/index.ts validates every
 * board as it loads), not as a wrong pointer in a lab log.
 *
 * Rules (each tested in tests/boards.test.ts):
 *   - id: non-empty, only a-z, 0-9 and "_"; name, chip, archId: non-empty;
 *   - devsBoards: real boards list ≥ 1 DeviceScript board id (same charset,
 *     no duplicates); a host-only board lists none (no firmware runs it);
 *   - programHeap: a whole number > 0;
 *   - memory: ≥ 1 region, each with a name (unique), a known kind, whole
 *     numbers base ≥ 0 and size > 0, ending at or below 2^32; in address order
 *     and not overlapping; none overlaps the system allocator's reserved
 *     handle space 0x70000000..0x74000000 (src/core/handle_space.ts);
 *   - heap.region names a region of kind "sram" that contains
 *     [heap.base, heap.base + heap.size); heap.base > 0 is aligned to MAX_ALIGN;
 *     heap.size is a whole number > 0; heap.why is not empty;
 *   - stack (optional): stack.region names an "sram" region holding
 *     [stack.base, stack.base + stack.size) when base is not null; size > 0;
 *     stack.source is not empty;
 *   - real boards: no maxRegion, heap.size ≤ MAX_DEVICE_REGION (one
 *     DeviceScript Buffer) and heap.size + RUNTIME_RESERVE ≤ programHeap;
 *   - host-only boards (hostOnly: true) must state maxRegion, a whole number
 *     with heap.size ≤ maxRegion, a maxRegion-sized region at heap.base still
 *     inside heap.region, and maxRegion + RUNTIME_RESERVE ≤ programHeap;
 *   - heapRegions: 1..MAX_HEAP_REGIONS entries; each names a memory region of
 *     kind "sram" or "rtc" (data RAM) that holds [base, base + size); base > 0
 *     aligned to MAX_ALIGN; size a whole number > 0; why not empty; tags ≤
 *     MAX_TAGS space-separated words of [a-z0-9_-]{1,24} ("" for none); in
 *     address order and disjoint; sizes sum to ≤ heap.size.
 *
 * Written for the DeviceScript compiler too: no RegExp (character codes are
 * checked by hand), no Number.*, no Set (duplicates by nested loops: boards
 * have ≤ ~15 regions). Cost: O(regions²) comparisons, once per board at load.
 */
import { Board, HeapRegionPlacement, MemoryRegion } from "./board"
import { MAX_ALIGN } from "../src/core/layout"
import { MAX_DEVICE_REGION } from "../src/core/region"
import { ptrText } from "../src/core/hex"
import { HANDLE_BASE, HANDLE_SHIFT, MAX_HANDLES } from "../src/core/handle_space"

/** Bytes of the system allocator's reserved handle space, which no region may overlap. */
const HANDLE_SPAN = MAX_HANDLES << HANDLE_SHIFT

/**
 * Bytes of DeviceScript's program GC heap kept free for the runtime and the
 * firmware's own objects, beside bareheap's region (which is one Buffer in
 * that same heap). The budget, from shared/devicescript.md §6 and §2:
 *   - fixed runtime RAM: context ~2 KB, dmesg ring 4 KB, Jacdac queues ~5 KB
 *     (~11 KB; DeviceScript's runtime docs count these as runtime RAM; we
 *     charge them to the program heap so the margin holds even if some of it
 *     lives there — if it lives outside, the margin only grows);
 *   - the program's own objects: the event log's strings, Layout objects, the
 *     board table, test-harness closures — and activation frames, which every
 *     call allocates on the GC heap (§2.2) and a GC reclaims only after heap/4
 *     (~16 KB) of allocation; a measured trivial program already holds ~2.5 KB
 *     of objects at OOM (§6), and a real firmware several times that: ~13 KB.
 * 11 KB + 13 KB = 24 KiB (24,576 B). With the 64 KiB heap this leaves 40 KiB
 * for the region, so a 32 KiB region keeps 8 KiB of slack; ESP32-S2's 40 KiB
 * heap leaves exactly 16 KiB, its region size.
 *
 * ```ts
 * PICO.heap.size + RUNTIME_RESERVE <= PICO.programHeap // 32768 + 24576 ≤ 65536
 * ```
 */
export const RUNTIME_RESERVE = 24576

/** Most regions a board may declare for a multi-region heap (protocol version 3's region table holds ≤ 64). */
export const MAX_HEAP_REGIONS = 64

/** Most capability tags per heap region (protocol version 3's ~M line carries ≤ 8). */
export const MAX_TAGS = 8

/** Longest capability tag. */
export const MAX_TAG_LENGTH = 24

/** 2^32: the end of a 32-bit address space. */
const ADDRESS_SPACE_END = 0x100000000

/**
 * A board definition that breaks an invariant, or an unknown board or
 * architecture id. The message names the board (or arch) and the field.
 *
 * ```ts
 * try { boardById("nope") } catch (e) { if (e instanceof BoardError) console.log(e.message) }
 * ```
 */
export class BoardError extends Error {
    constructor(message: string) {
        super(message)
        this.name = "BoardError"
    }
}

/** True for a finite whole number (no NaN, no ±Infinity, no fraction). */
function isWhole(x: number): boolean {
    return typeof x === "number" && x - x === 0 && x === Math.floor(x)
}

/** True for a non-empty string of a-z, 0-9 and "_" (board ids, DeviceScript board ids). */
function isIdText(s: string): boolean {
    if (typeof s !== "string" || s.length === 0) return false
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        // 'a'..'z' = 97..122, '0'..'9' = 48..57, '_' = 95
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false
    }
    return true
}

function isNonEmptyText(s: string): boolean {
    return typeof s === "string" && s.length > 0
}

function isKnownKind(kind: string): boolean {
    switch (kind) {
        case "sram":
        case "iram":
        case "rom":
        case "flash":
        case "rtc":
        case "psram":
        case "periph":
            return true
    }
    return false
}

/** True for a tag of 1..MAX_TAG_LENGTH characters from a-z, 0-9, "_" and "-". */
function isTag(t: string): boolean {
    if (t.length === 0 || t.length > MAX_TAG_LENGTH) return false
    for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i)
        // 'a'..'z' = 97..122, '0'..'9' = 48..57, '_' = 95, '-' = 45
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return false
    }
    return true
}

/** "0x…" for a whole non-negative number, else the value as text (for messages about bad values). */
function addrText(x: number): string {
    return isWhole(x) && x >= 0 ? ptrText(x) : "" + x
}

/**
 * Checks every invariant of boards/board.ts (see this file's header) and
 * returns the board unchanged; throws BoardError naming the board id and the
 * field at the first broken rule.
 *
 * ```ts
 * export const BOARDS = [validateBoard(PICO)]
 * validateBoard({ ...PICO, heap: { ...PICO.heap, base: 0x20020004 } })
 * // throws BoardError: board "pico": heap.base 0x20020004 is not aligned to 4096
 * ```
 */
export function validateBoard(b: Board): Board {
    const who = 'board "' + b.id + '": '
    if (!isIdText(b.id)) throw new BoardError(who + "id must be a non-empty string of a-z, 0-9 and _")
    if (!isNonEmptyText(b.name)) throw new BoardError(who + "name must be a non-empty string")
    if (!isNonEmptyText(b.chip)) throw new BoardError(who + "chip must be a non-empty string")
    if (!isNonEmptyText(b.archId)) throw new BoardError(who + "archId must be a non-empty string")
    if (b.hostOnly !== undefined && b.hostOnly !== true && b.hostOnly !== false)
        throw new BoardError(who + "hostOnly must be true, false or absent")
    const hostOnly = b.hostOnly === true

    // devsBoards: which DeviceScript firmware runs this definition.
    if (!Array.isArray(b.devsBoards)) throw new BoardError(who + "devsBoards must be an array of DeviceScript board ids")
    if (hostOnly) {
        if (b.devsBoards.length !== 0)
            throw new BoardError(who + "devsBoards must be empty on a host-only board (no DeviceScript firmware runs it)")
    } else if (b.devsBoards.length === 0) {
        throw new BoardError(who + "devsBoards must list at least one DeviceScript board id")
    }
    for (let i = 0; i < b.devsBoards.length; i++) {
        const d = b.devsBoards[i]
        if (!isIdText(d)) throw new BoardError(who + "devsBoards[" + i + "] \"" + d + "\" must be a non-empty string of a-z, 0-9 and _")
        for (let j = 0; j < i; j++)
            if (b.devsBoards[j] === d) throw new BoardError(who + "devsBoards[" + i + "] \"" + d + "\" is listed twice")
    }

    if (!isWhole(b.programHeap) || b.programHeap <= 0)
        throw new BoardError(who + "programHeap " + b.programHeap + " must be a whole number of bytes > 0")

    // memory: the chip's map, in address order, no overlaps.
    if (!Array.isArray(b.memory) || b.memory.length === 0) throw new BoardError(who + "memory must list at least one region")
    let prevEnd = 0
    let prevName = ""
    for (let i = 0; i < b.memory.length; i++) {
        const m: MemoryRegion = b.memory[i]
        const f = "memory[" + i + "]"
        if (!m || !isNonEmptyText(m.name)) throw new BoardError(who + f + ".name must be a non-empty string")
        const fn = f + ' "' + m.name + '"'
        for (let j = 0; j < i; j++)
            if (b.memory[j].name === m.name) throw new BoardError(who + fn + ".name is used by memory[" + j + "] too")
        if (!isKnownKind(m.kind))
            throw new BoardError(who + fn + '.kind "' + m.kind + '" is not one of sram, iram, rom, flash, rtc, psram, periph')
        if (!isWhole(m.base) || m.base < 0) throw new BoardError(who + fn + ".base " + m.base + " must be a whole number ≥ 0")
        if (!isWhole(m.size) || m.size <= 0) throw new BoardError(who + fn + ".size " + m.size + " must be a whole number > 0")
        if (m.base + m.size > ADDRESS_SPACE_END)
            throw new BoardError(who + fn + ".size: " + ptrText(m.base) + "+" + m.size + " passes the end of the 32-bit address space")
        if (i > 0 && m.base < prevEnd)
            throw new BoardError(who + fn + ".base " + ptrText(m.base) + " overlaps or precedes memory[" + (i - 1) + '] "' + prevName + '", which ends at ' + ptrText(prevEnd) + " (regions must be in address order and disjoint)")
        if (m.base < HANDLE_BASE + HANDLE_SPAN && m.base + m.size > HANDLE_BASE)
            throw new BoardError(who + fn + " overlaps the system allocator's handle space " + ptrText(HANDLE_BASE) + ".." + ptrText(HANDLE_BASE + HANDLE_SPAN) + " (src/core/handle_space.ts)")
        prevEnd = m.base + m.size
        prevName = m.name
    }

    // heap: where bareheap's region sits.
    const h = b.heap
    if (!h) throw new BoardError(who + "heap is missing")
    let home: MemoryRegion = null
    for (let i = 0; i < b.memory.length; i++) if (b.memory[i].name === h.region) home = b.memory[i]
    if (!home) throw new BoardError(who + 'heap.region "' + h.region + '" names no region in memory')
    if (home.kind !== "sram")
        throw new BoardError(who + 'heap.region "' + h.region + '" is of kind "' + home.kind + '"; the heap must be in data RAM ("sram")')
    if (!isWhole(h.base) || h.base <= 0) throw new BoardError(who + "heap.base " + addrText(h.base) + " must be a whole non-null address")
    if (Math.floor(h.base / MAX_ALIGN) * MAX_ALIGN !== h.base)
        throw new BoardError(who + "heap.base " + ptrText(h.base) + " is not aligned to " + MAX_ALIGN)
    if (!isWhole(h.size) || h.size <= 0) throw new BoardError(who + "heap.size " + h.size + " must be a whole number of bytes > 0")
    const homeEnd = home.base + home.size
    if (h.base < home.base || h.base + h.size > homeEnd)
        throw new BoardError(who + "heap.base/heap.size: " + ptrText(h.base) + ".." + ptrText(h.base + h.size) + ' is not inside region "' + home.name + '" (' + ptrText(home.base) + ".." + ptrText(homeEnd) + ")")
    if (!isNonEmptyText(h.why)) throw new BoardError(who + "heap.why must say why the region fits beside the runtime")

    // stack: the main C stack, when stated.
    const st = b.stack
    if (st !== undefined) {
        let sHome: MemoryRegion = null
        for (let i = 0; i < b.memory.length; i++) if (b.memory[i].name === st.region) sHome = b.memory[i]
        if (!sHome || sHome.kind !== "sram") throw new BoardError(who + 'stack.region "' + st.region + '" names no data-RAM ("sram") region in memory')
        if (!isWhole(st.size) || st.size <= 0) throw new BoardError(who + "stack.size " + st.size + " must be a whole number of bytes > 0")
        if (st.base !== null && (!isWhole(st.base) || st.base < sHome.base || st.base + st.size > sHome.base + sHome.size))
            throw new BoardError(who + "stack.base/stack.size: " + addrText(st.base) + "+" + st.size + ' is not inside region "' + sHome.name + '"')
        if (!isNonEmptyText(st.source)) throw new BoardError(who + "stack.source must cite where the numbers come from")
    }

    checkHeapRegions(b, who)

    if (hostOnly) {
        const mr = b.maxRegion
        if (mr === undefined) throw new BoardError(who + "maxRegion must be stated on a host-only board")
        if (!isWhole(mr) || mr <= 0) throw new BoardError(who + "maxRegion " + mr + " must be a whole number of bytes > 0")
        if (h.size > mr) throw new BoardError(who + "heap.size " + h.size + " exceeds maxRegion " + mr)
        if (h.base + mr > homeEnd)
            throw new BoardError(who + "maxRegion " + mr + " at heap.base " + ptrText(h.base) + ' passes the end of region "' + home.name + '" (' + ptrText(homeEnd) + ")")
        if (mr + RUNTIME_RESERVE > b.programHeap)
            throw new BoardError(who + "maxRegion " + mr + " + RUNTIME_RESERVE " + RUNTIME_RESERVE + " exceeds programHeap " + b.programHeap)
    } else {
        if (b.maxRegion !== undefined)
            throw new BoardError(who + "maxRegion is only for host-only boards; a real board's limit is one DeviceScript Buffer (" + MAX_DEVICE_REGION + " bytes)")
        if (h.size > MAX_DEVICE_REGION)
            throw new BoardError(who + "heap.size " + h.size + " exceeds the largest DeviceScript Buffer (" + MAX_DEVICE_REGION + " bytes)")
        if (h.size + RUNTIME_RESERVE > b.programHeap)
            throw new BoardError(who + "heap.size " + h.size + " + RUNTIME_RESERVE " + RUNTIME_RESERVE + " exceeds programHeap " + b.programHeap)
    }
    return b
}

/** The heapRegions rules (this file's header); throws BoardError naming heapRegions[i] and the field. */
function checkHeapRegions(b: Board, who: string): void {
    const list = b.heapRegions
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_HEAP_REGIONS)
        throw new BoardError(who + "heapRegions must list 1.." + MAX_HEAP_REGIONS + " regions for a multi-region heap")
    let total = 0
    let prevEnd = 0
    for (let i = 0; i < list.length; i++) {
        const r: HeapRegionPlacement = list[i]
        const f = "heapRegions[" + i + "]"
        if (!r) throw new BoardError(who + f + " is missing")
        let home: MemoryRegion = null
        for (let j = 0; j < b.memory.length; j++) if (b.memory[j].name === r.region) home = b.memory[j]
        if (!home) throw new BoardError(who + f + '.region "' + r.region + '" names no region in memory')
        if (home.kind !== "sram" && home.kind !== "rtc")
            throw new BoardError(who + f + '.region "' + r.region + '" is of kind "' + home.kind + '"; a heap region must be data RAM ("sram", or "rtc": RTC FAST memory)')
        if (!isWhole(r.base) || r.base <= 0) throw new BoardError(who + f + ".base " + addrText(r.base) + " must be a whole non-null address")
        if (Math.floor(r.base / MAX_ALIGN) * MAX_ALIGN !== r.base) throw new BoardError(who + f + ".base " + ptrText(r.base) + " is not aligned to " + MAX_ALIGN)
        if (!isWhole(r.size) || r.size <= 0) throw new BoardError(who + f + ".size " + r.size + " must be a whole number of bytes > 0")
        if (r.base < home.base || r.base + r.size > home.base + home.size)
            throw new BoardError(who + f + ".base/size: " + ptrText(r.base) + ".." + ptrText(r.base + r.size) + ' is not inside region "' + home.name + '" (' + ptrText(home.base) + ".." + ptrText(home.base + home.size) + ")")
        if (i > 0 && r.base < prevEnd)
            throw new BoardError(who + f + ".base " + ptrText(r.base) + " overlaps or precedes heapRegions[" + (i - 1) + "], which ends at " + ptrText(prevEnd) + " (regions must be in address order and disjoint)")
        if (typeof r.tags !== "string") throw new BoardError(who + f + '.tags must be a string of space-separated tags ("" for none)')
        if (r.tags !== "") {
            const tags = r.tags.split(" ")
            if (tags.length > MAX_TAGS) throw new BoardError(who + f + ".tags has " + tags.length + " tags; at most " + MAX_TAGS)
            for (let t = 0; t < tags.length; t++)
                if (!isTag(tags[t]))
                    throw new BoardError(who + f + '.tags "' + r.tags + '": tag ' + (t + 1) + " must be 1.." + MAX_TAG_LENGTH + " characters of a-z, 0-9, _ and - (tags are separated by one space)")
        }
        if (!isNonEmptyText(r.why)) throw new BoardError(who + f + ".why must say why this RAM is free for a heap")
        total += r.size
        prevEnd = r.base + r.size
    }
    if (total > b.heap.size)
        throw new BoardError(who + "heapRegions: sizes sum to " + total + " bytes, more than heap.size " + b.heap.size + " (a multi heap must fit where the single region does)")
}
