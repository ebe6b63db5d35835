/**
 * system.ts — SystemAllocator: a GlobalAlloc over DeviceScript's own heap,
 * "the system's" allocator that a logging or tracking layer can wrap exactly
 * as it wraps a region allocator (Rust's classic first custom allocator:
 * a GlobalAlloc that prints "Allocating N bytes" and calls System.alloc).
 *
 * Layout: each block is its own ds.Buffer of max(size, 1) bytes, kept in the
 * handle table of a HandleSpace (core/handle_space.ts). A pointer is a
 * handle: 0x70000000 + slot · 64 KiB (+ an offset for accesses inside the
 * block), so it cannot be mistaken for any board region's address.
 *
 *     handle table (JS arrays, 8 B per entry)          VM GC heap
 *     slot  blocks[slot]   info[slot]                  ┌──────────────┐
 *       0   ───────────────size | log2(align) << 16 ──▶│ Buffer (24 B)│
 *       1   null (free: in `spare`)                    └──────────────┘
 *       2   ─────────────────────────────────────────▶ Buffer (200 B)
 *     spare = [1]: freed slots, reused last-freed first (a stack)
 *
 * Invariants (check() verifies S1–S4 and the HeapStats invariants):
 *   S1 blocks.length === info.length ≤ MAX_HANDLES; a slot is live iff
 *      blocks[slot] !== null;
 *   S2 every free slot appears exactly once in `spare`, and nothing else does;
 *   S3 a live slot's Buffer has length max(size, 1) of its info's size;
 *   S4 inUse = Σ Buffer lengths ≤ capacity; requested = Σ sizes;
 *      liveBlocks = allocs − frees = live slots.
 *
 * Limits (what "the system" means here)
 *   - capacity is a stated budget (constructor argument), not memory we own:
 *     the VM's GC heap is 64 KB (40 KB on ESP32-S2), shared with the program,
 *     and a Buffer.alloc it cannot serve is an uncatchable OutOfMemory panic
 *     (60004), not a 0. Keep the budget below what the program leaves free;
 *     alloc returns 0 past the budget. Accounting counts payload bytes only:
 *     each Buffer also costs the VM a header, and each slot 16 B of arrays.
 *   - One block is at most 57,343 bytes (the VM's largest Buffer); at most
 *     MAX_HANDLES (1024) blocks are live at once.
 *   - GC: a freed block's Buffer is dropped from the table and becomes garbage;
 *     the GC reclaims it later, and may move nothing we can see. Fragmentation
 *     of the GC heap is invisible here: walk() reports live blocks only and
 *     diagnostics() says 0.
 *   - Alignment: a block starts at a multiple of 65,536 in the handle space,
 *     so any align ≤ MAX_ALIGN holds for its address. The bytes themselves
 *     live wherever the VM put the Buffer: alignment is of the address model,
 *     as everywhere in bareheap.
 *   - check() can say the table and counters agree (S1–S4). It cannot see
 *     the VM heap (its own validator runs under `devs run --test`), writes
 *     past a block's end (they fail at the access instead: every access is
 *     bounds-checked against its Buffer), or how much the VM has left.
 *   - realloc never moves: the slot keeps its address and gets a new Buffer
 *     holding min(old, new) bytes (O(new size) copy, even for a shrink).
 *   - A freed slot is reused by the next alloc, so a stale pointer to it
 *     names the newer block (as with every allocator that reuses addresses).
 *   - The debug layer wraps it as it wraps a region allocator: a debug
 *     block is one Buffer here, found through region.locate() (debug.ts,
 *     "Resolution"); a freed block's canaries go with its Buffer, so a
 *     double free is the DoubleFree this allocator gives for a free slot.
 *
 * Misuse (dealloc and realloc; HeapError thrown before any change)
 *   0 → NotAllocated; outside the handle space → OutOfRegion; not whole or
 *   not a multiple of layout.align → Misaligned; inside the space but not a
 *   slot's first byte → NotAllocated; a slot that is free → DoubleFree (or
 *   NotAllocated when never handed out); size or align ≠ the block's →
 *   WrongLayout.
 *
 * Costs: alloc O(1) plus the VM's Buffer.alloc (zeroed, so allocZeroed costs
 * the same); dealloc O(1); realloc O(new size); check()/walk() O(slots).
 * Measured in the VM next to the region allocators and multi, per size
 * class, and split into its Buffer.alloc and the handle table's share:
 * bench/RESULTS.md, "DeviceScript VM" (bench/vm_speed.ts; `npm run bench:vm`
 * prints it, `npm run bench` writes it; bench/vm.csv has the pair rows).
 *
 * Where the shared suites apply (host: tests/ over HEAP_KINDS; VM:
 * tests/vm/selftest_*_system_multi.ts). "instead": the case checks what the
 * kind promises in place of the clause, beside the case.
 *
 *   suite                                 system   multi    why not
 *   conformance, Allocator API, OOM hook, yes      yes
 *     tracking, Vec/String, Box, robustness
 *   conformance: fragmentation grows      instead  yes      free memory is the VM's GC heap: walk() cannot see it
 *   Vec/tracking: growth past a neighbour instead  yes      no neighbours (a slot spans 64 KiB): the address stays
 *     moves the block
 *   robustness through the debug layer    instead  instead  debug needs one region's bytes: checks it refuses
 *   debug cases; demo under --debug       no       no       the same (`--debug` with either is a usage error)
 *   fuzz vs the shadow model, broken-     no       no       the shadow mirrors one region's bytes (their streams
 *     allocator fuzz                                         are fuzzed VM = host: tests/fuzz/stream.ts)
 *   trace replay (bench, tests/bench, VM) no       no       the Replayer checks payloads in one region's bytes
 *   heap-map metadata (sim/heapmeta.ts)   no       no       no metadata in a region / multi's is TLSF's
 *   demo on every board, host             yes      yes      (peak against capacity, not the region)
 *   demo stream VM = host on every board  yes      esp32s2  multi's two regions overflow the VM heap next to a 32 KiB one
 *   VM pair speed (bench/vm_speed.ts)     yes      yes
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../core/errors"
import { BlockVisitor, HeapAllocator, checkNewSize } from "../api/global_alloc"
import { HANDLE_BASE, HandleSpace, MAX_HANDLES } from "../core/handle_space"
import { ptrText } from "../core/hex"
import { Layout, layoutError } from "../core/layout"
import { MAX_DEVICE_REGION, StaticRegion } from "../core/region"
import { HeapCounters } from "../core/counters"
import { HeapStats } from "../core/stats"
import { Board } from "../../boards/board"

/** The budget when none is given: what a pico's region would hold. */
export const SYSTEM_DEFAULT_CAPACITY = 16384

/**
 * GlobalAlloc over the VM's heap; see the header for layout and limits.
 *
 * ```ts
 * const sys = new SystemAllocator(8192)
 * const l = Layout.fromSizeAlign(24, 8)
 * const p = sys.alloc(l)            // 0x70000000
 * sys.region.writeU32(p, 42)        // routed to the block's Buffer
 * sys.dealloc(p, l)
 * ```
 */
export class SystemAllocator extends HeapCounters implements HeapAllocator {
    readonly kind: string = "system"
    readonly region: HandleSpace
    private readonly blocks: ds.Buffer[]
    /** info[slot] = layout.size | log2(layout.align) << 16 of the live block (size < 2^16). */
    private readonly info: number[] = []
    /** Free slots, last freed on top. */
    private spare: number[] = []

    /**
     * capacity: the budget in bytes (default SYSTEM_DEFAULT_CAPACITY), or a
     * StaticRegion, so `new <Kind>Allocator(region)` works for every kind:
     * then the budget is half the region's size. The region itself is not
     * kept (the firmware drops it, and the VM's GC takes its bytes back); the
     * other half is headroom for what the budget does not count — each
     * Buffer's header, the handle table, GC slack. Measured: the demo
     * (sized from capacity) then runs in the VM on pico, esp32 and esp32s2
     * (`npm run vm -- --allocator system --board <id>`); with the whole
     * region size as budget it panics with OutOfMemory.
     */
    constructor(capacity?: number | StaticRegion) {
        super()
        const cap = capacity === undefined ? SYSTEM_DEFAULT_CAPACITY : capacity instanceof StaticRegion ? capacity.size >> 1 : capacity
        if (typeof cap !== "number" || !(cap >= 1) || cap !== Math.floor(cap) || cap > 0x7fffffff)
            throw new HeapError(HeapErrorCode.BadArgument, 0, "system: capacity " + cap + " must be a whole number of bytes ≥ 1")
        this.capacity = cap
        this.region = new HandleSpace()
        this.blocks = this.region.blocks
    }

    /**
     * The system heap for a board: half its heap.size as the budget, as
     * `new SystemAllocator(StaticRegion.forBoard(board))` gives, without
     * making the region only to drop it.
     *
     * ```ts
     * SystemAllocator.forBoard(PICO).stats().capacity === 16384
     * ```
     */
    static forBoard(board: Board): SystemAllocator {
        return new SystemAllocator(board.heap.size >> 1)
    }

    alloc(layout: Layout): number {
        return this.place(layout, "alloc")
    }

    /** Buffers come zeroed from the VM: the same as alloc. */
    allocZeroed(layout: Layout): number {
        return this.place(layout, "allocZeroed")
    }

    private place(layout: Layout, op: string): number {
        const size = layout.size
        const align = layout.align
        // layoutOk() inline (layout.ts)
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, op)
        if (size > this.peakRequest) this.peakRequest = size
        const need = size === 0 ? 1 : size
        const slot = this.spare.length > 0 ? this.spare[this.spare.length - 1] : this.blocks.length
        if (need > this.capacity - this.inUse || need > MAX_DEVICE_REGION || slot >= MAX_HANDLES) {
            this.failures++
            return 0
        }
        if (this.spare.length > 0) this.spare.pop()
        else this.info.push(0)
        let lg = 0
        while (1 << lg < align) lg++
        this.info[slot] = size | (lg << 16)
        this.inUse += need
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        this.requested += size
        this.allocs++
        return this.region.attach(slot, ds.Buffer.alloc(need))
    }

    /** The live slot of ptr allocated with layout, or a HeapError naming what is wrong. */
    private slotOf(ptr: number, layout: Layout, op: string): number {
        const size = layout.size
        const align = layout.align
        if ((size >>> 0) !== size || ((align - 1) & 0xfff) !== align - 1 || (align & (align - 1)) !== 0 || size > 0x80000000 - align) throw layoutError(layout, op)
        if (ptr === 0) throw new HeapError(HeapErrorCode.NotAllocated, 0, "system: " + op + " of a null pointer")
        const a = ptr - HANDLE_BASE
        if (typeof ptr !== "number" || !(a >= 0 && a < this.region.size))
            throw new HeapError(HeapErrorCode.OutOfRegion, ptr, "system: " + op + " of " + ptrText(ptr) + ", outside the system heap's handles " + ptrText(HANDLE_BASE) + ".." + ptrText(HANDLE_BASE + this.region.size))
        if ((a | 0) !== a || (a & (align - 1)) !== 0)
            throw new HeapError(HeapErrorCode.Misaligned, ptr, "system: " + op + " of " + ptrText(ptr) + ", not aligned to " + align)
        const slot = a >>> 16
        if ((a & 0xffff) !== 0 || slot >= this.blocks.length)
            throw new HeapError(HeapErrorCode.NotAllocated, ptr, "system: " + op + " of " + ptrText(ptr) + ", which is not a block's start")
        if (this.blocks[slot] === null) throw new HeapError(HeapErrorCode.DoubleFree, ptr, "system: " + op + " of " + ptrText(ptr) + ", a block already freed")
        const info = this.info[slot]
        if ((info & 0xffff) !== size || 1 << (info >> 16) !== align)
            throw new HeapError(
                HeapErrorCode.WrongLayout,
                ptr,
                "system: " + op + " of " + ptrText(ptr) + " with size " + size + " align " + align + "; it was allocated with size " + (info & 0xffff) + " align " + (1 << (info >> 16)),
            )
        return slot
    }

    dealloc(ptr: number, layout: Layout): void {
        const slot = this.slotOf(ptr, layout, "dealloc")
        this.inUse -= this.blocks[slot].length
        this.requested -= layout.size
        this.frees++
        this.region.detach(slot)
        this.spare.push(slot)
    }

    /** Keeps the address: the slot gets a new Buffer with min(old, new) bytes. */
    realloc(ptr: number, layout: Layout, newSize: number): number {
        const slot = this.slotOf(ptr, layout, "realloc")
        checkNewSize(newSize, layout.align)
        if (newSize > this.peakRequest) this.peakRequest = newSize
        const old = this.blocks[slot]
        const need = newSize === 0 ? 1 : newSize
        if (need - old.length > this.capacity - this.inUse || need > MAX_DEVICE_REGION) {
            this.failures++
            return 0
        }
        const b = ds.Buffer.alloc(need)
        b.blitAt(0, old, 0, need < old.length ? need : old.length)
        this.region.attach(slot, b)
        this.inUse += need - old.length
        if (this.inUse > this.peakInUse) this.peakInUse = this.inUse
        this.requested += newSize - layout.size
        this.info[slot] = newSize | (this.info[slot] & 0xff0000)
        this.reallocs++
        return ptr
    }

    /** largestFree: the budget left, capped by the largest Buffer (0 when no slot is left). */
    stats(): HeapStats {
        const left = this.capacity - this.inUse
        const slotLeft = this.spare.length > 0 || this.blocks.length < MAX_HANDLES
        return this.snapshot(!slotLeft ? 0 : left < MAX_DEVICE_REGION ? left : MAX_DEVICE_REGION)
    }

    /** S1–S4 (header) and the HeapStats invariants; O(slots). */
    check(): string[] {
        const out: string[] = []
        const n = this.blocks.length
        if (n !== this.info.length || n > MAX_HANDLES) out.push("system: " + n + " slots but " + this.info.length + " info entries (max " + MAX_HANDLES + ")")
        const seen = ds.Buffer.alloc(n)
        for (const s of this.spare) {
            if (!(s >= 0 && s < n) || this.blocks[s] !== null) out.push("system: spare slot " + s + " is not a free slot")
            else if (seen.getAt(s, "u8") !== 0) out.push("system: free slot " + s + " is twice in the spare stack")
            else seen.setAt(s, "u8", 1)
        }
        let live = 0
        let bytes = 0
        let requested = 0
        for (let s = 0; s < n; s++) {
            const b = this.blocks[s]
            if (b === null) {
                if (seen.getAt(s, "u8") === 0) out.push("system: free slot " + s + " is missing from the spare stack")
                continue
            }
            const size = this.info[s] & 0xffff
            if (b.length !== (size === 0 ? 1 : size)) out.push("system: block " + ptrText(this.region.addressOf(s)) + " has " + b.length + " bytes for size " + size)
            live++
            bytes += b.length
            requested += size
        }
        if (bytes !== this.inUse) out.push("system: blocks hold " + bytes + " bytes but inUse is " + this.inUse)
        if (requested !== this.requested) out.push("system: blocks' sizes sum to " + requested + " but requested is " + this.requested)
        if (live !== this.allocs - this.frees) out.push("system: " + live + " live slots but allocs − frees is " + (this.allocs - this.frees))
        const st = this.stats().problems()
        for (const p of st) out.push(p)
        return out
    }

    /** Live blocks in address (slot) order; the free budget is not a place, so it is not visited. */
    walk(visit: BlockVisitor): void {
        const n = this.blocks.length
        for (let s = 0; s < n; s++) {
            const b = this.blocks[s]
            if (b !== null) visit(this.region.addressOf(s), b.length, true)
        }
    }
}
