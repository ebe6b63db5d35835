/**
 * handle_space.ts — a region-like view over many separate ds.Buffers: the
 * address space of the SystemAllocator (allocators/system.ts), whose blocks
 * are Buffers on DeviceScript's own GC heap rather than bytes of one region.
 *
 * Address layout (reserved; no board region may overlap it, boards/validate.ts
 * refuses one that does):
 *
 *     HANDLE_BASE = 0x70000000                      HANDLE_BASE + MAX_HANDLES·64 KiB
 *     ┌───────────────┬───────────────┬─ ─ ─ ─ ─ ─ ─┬───────────────┐ = 0x74000000
 *     │ slot 0        │ slot 1        │     ...     │ slot 1023     │
 *     │ [Buffer|····] │ [Buffer···|·] │             │               │
 *     └───────────────┴───────────────┴─ ─ ─ ─ ─ ─ ─┴───────────────┘
 *     address = HANDLE_BASE + slot · 0x10000 + offset in that slot's Buffer
 *
 *   Why there: every board's RAM is at 0x2000_0000 (RP2040 SRAM) or in
 *   0x3F80_0000..0x5000_2000 (ESP32 family DRAM/RTC RAM); 0x7000_0000 is
 *   unmapped on all of them, and it stays below 2^31 so pointers keep the
 *   VM's int32 fast path. A slot spans 64 KiB, more than the largest Buffer
 *   (57,343 bytes), so the bytes of two blocks never share an address, and a
 *   block's first byte is aligned to 65,536 ≥ MAX_ALIGN (4096).
 *
 * Invariants: `blocks.length` ≤ MAX_HANDLES; blocks[s] is the live Buffer of
 * slot s or null; an address is readable/writable only when its slot holds a
 * Buffer and [ptr, ptr + len) lies inside that Buffer — anything else is a
 * HeapError(OutOfRegion) naming the address, never an access elsewhere.
 * `buf` (inherited) is empty: code reaching bytes directly must use
 * locate(ptr, len), or bufferOf(ptr, len) + offsetOf(ptr, len).
 *
 * Cost: every helper (routed_region.ts) routes with a subtraction, a shift,
 * an array read and two comparisons — O(1), one call more than a plain
 * StaticRegion's helper.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "./errors"
import { ptrText } from "./hex"
import { RoutedRegion } from "./routed_region"

/** First address of the handle space. */
export const HANDLE_BASE = 0x70000000
/** log2 of a slot's span: one slot per 64 KiB. */
export const HANDLE_SHIFT = 16
/** Slots in the handle space (its size is MAX_HANDLES · 64 KiB = 64 MiB). */
export const MAX_HANDLES = 1024

/**
 * The address space of Buffers kept in a handle table.
 *
 * ```ts
 * const space = new HandleSpace()
 * const p = space.attach(0, ds.Buffer.alloc(16)) // 0x70000000
 * space.writeU32(p + 4, 7)
 * space.readU32(0x70000004) === 7
 * ```
 */
export class HandleSpace extends RoutedRegion {
    /** blocks[slot]: the slot's Buffer, or null when the slot is free. */
    readonly blocks: ds.Buffer[] = []
    constructor() {
        super(HANDLE_BASE, MAX_HANDLES << HANDLE_SHIFT)
    }

    /** Address of slot's first byte. */
    addressOf(slot: number): number {
        return HANDLE_BASE + slot * 0x10000
    }

    /** Puts `b` in `slot` (which must be free or new) and returns its address. */
    attach(slot: number, b: ds.Buffer): number {
        while (this.blocks.length <= slot) this.blocks.push(null)
        this.blocks[slot] = b
        return HANDLE_BASE + slot * 0x10000
    }

    /** Empties a slot: its Buffer becomes garbage for the VM's GC. */
    detach(slot: number): void {
        this.blocks[slot] = null
    }

    /**
     * The Buffer of the live block holding all of [ptr, ptr + len) (len 0
     * names one byte), its offset in `located`; null when no live block
     * holds it all (a free slot, past the block's Buffer, outside the space).
     */
    override locate(ptr: number, len: number): ds.Buffer {
        const n = len === 0 ? 1 : len
        const a = ptr - HANDLE_BASE
        const slot = a >>> 16
        const off = a & 0xffff
        const b = a >= 0 && (a | 0) === a && slot < this.blocks.length ? this.blocks[slot] : null
        if (b === null || !(n >= 0 && off + n <= b.length) || (n | 0) !== n) return null
        this.located = off
        return b
    }

    /**
     * The HeapError for a (ptr, len) locate() refused, with StaticRegion's
     * codes (offsetOf): a length that is not a whole number ≥ 0 is
     * BadArgument; a fractional address inside a live block is Misaligned;
     * anything else OutOfRegion.
     */
    protected override outside(ptr: number, len: number): HeapError {
        if (typeof len !== "number" || !(len >= 0 && len <= 0x7fffffff) || len !== Math.floor(len))
            return new HeapError(HeapErrorCode.BadArgument, ptr, "length " + ptrText(len) + " at address " + ptrText(ptr) + " must be a whole number of bytes ≥ 0")
        const w = Math.floor(ptr)
        if (typeof ptr === "number" && w !== ptr && this.contains(w, 1))
            return new HeapError(HeapErrorCode.Misaligned, ptr, "address " + ptrText(ptr) + " is not a whole address")
        return new HeapError(HeapErrorCode.OutOfRegion, ptr, "address " + ptrText(ptr) + " (" + (len === 0 ? 1 : len) + " bytes) is not inside a live block of the system heap")
    }

    override contains(ptr: number, len: number): boolean {
        const a = ptr - HANDLE_BASE
        const b = a >= 0 && (a | 0) === a && a >>> 16 < this.blocks.length ? this.blocks[a >>> 16] : null
        return b !== null && len >= 0 && (a & 0xffff) + len <= b.length
    }
}
