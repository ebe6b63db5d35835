/**
 * region.ts — the static heap region: one ds.Buffer, allocated once at start-up,
 * seen through the board's address space.
 *
 * A pointer is a number: region base + offset. 0 is null and is never inside a
 * region (every board's base is far above 0). The base is aligned to MAX_ALIGN,
 * so alignment of an offset is alignment of the address on the chip.
 *
 * Invariants:
 *   - `buf.length === size` for the whole run; the region never grows or moves;
 *   - base % MAX_ALIGN === 0, base > 0, base + size ≤ 2^32;
 *   - the typed helpers only touch [base, base + size): an access outside it is
 *     a HeapError(OutOfRegion), never a silent write elsewhere.
 *
 * Allocators read their metadata with `buf.getAt/setAt` on offsets directly
 * (one VM opcode each); the helpers here are for callers and containers, and
 * cost one call plus a bounds check.
 *
 * A view (a subclass built with `view = true`, e.g. handle_space.ts) owns no
 * bytes of its own: `buf` is empty, and every helper routes an address to
 * the Buffer that holds it. Code that must reach bytes directly asks
 * `locate(ptr, len)`, which returns that Buffer and leaves ptr's offset in it
 * in `located` (one call, never throws: null when no one Buffer holds the
 * range), or `bufferOf(ptr, len)` and `offsetOf(ptr, len)`, which throw.
 * All work for both.
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "./errors"
import { ptrText } from "./hex"
import { MAX_ALIGN } from "./layout"
import { Board } from "../../boards/board"

/**
 * The largest device region: one Buffer must stay below DeviceScript's
 * DEVS_MAX_ALLOC (0xE000 = 57,344 bytes, header included): ds.Buffer.alloc(57344)
 * panics with OutOfMemory in the VM, and the shim refuses it too.
 */
export const MAX_DEVICE_REGION = 57343

/**
 * The heap's bytes and where they sit in the chip's address space.
 *
 * ```ts
 * const r = new StaticRegion(0x20020000, 4096)
 * r.writeU32(r.base + 8, 0xdeadbeef)
 * r.readU32(0x20020008) === 0xdeadbeef
 * r.offsetOf(0x20020008) === 8
 * ```
 */
/** Longest overlapping copy that StaticRegion.copy makes through a temporary Buffer. */
export const COPY_VIA_TEMP = 1024

export class StaticRegion {
    /** The region's bytes; offset 0 is address `base`. */
    readonly buf: ds.Buffer
    /** Address of the first byte on the chip. */
    readonly base: number
    /** Size in bytes. */
    readonly size: number

    /**
     * Allocates the region's Buffer. `maxSize` is the largest region the
     * platform allows (a DeviceScript Buffer: < 57,344 bytes); only a host-only
     * board may pass a larger one.
     */
    constructor(base: number, size: number, maxSize?: number, view?: boolean) {
        const limit = maxSize === undefined ? MAX_DEVICE_REGION : maxSize
        if (!(base > 0) || base !== Math.floor(base) || Math.floor(base / MAX_ALIGN) * MAX_ALIGN !== base)
            throw new HeapError(HeapErrorCode.BadArgument, base, "region base " + ptrText(base) + " must be a non-null address aligned to " + MAX_ALIGN)
        if (!(size > 0) || size !== Math.floor(size) || size > limit)
            throw new HeapError(HeapErrorCode.BadArgument, base, "region size " + size + " must be 1.." + limit + " bytes")
        if (base + size > 0x100000000)
            throw new HeapError(HeapErrorCode.BadArgument, base, "region " + ptrText(base) + "+" + size + " passes the end of the 32-bit address space")
        this.base = base
        this.size = size
        // A view routes every access elsewhere: an empty buf makes a stray direct access fail loudly.
        this.buf = ds.Buffer.alloc(view ? 0 : size)
    }

    /** ptr's offset in the Buffer the last successful locate() returned. */
    located = 0

    /**
     * The Buffer holding all of [ptr, ptr + len) (len 0 names one byte), with
     * ptr's offset in it left in `located`: both at once, one call, no object.
     * null, `located` unchanged, when no one Buffer holds the whole range
     * (outside the region, in a view's gap or past a block's Buffer, a
     * fractional address, a length that is not a whole number ≥ 0); never
     * throws, so a checker can probe any pointer. A plain region has one
     * Buffer, `buf`; a view (routed_region.ts) overrides this and routes.
     *
     * ```ts
     * const b = region.locate(p, 8)
     * if (b !== null) b.getAt(region.located + 4, "u32")
     * ```
     */
    locate(ptr: number, len: number): ds.Buffer {
        const n = len === 0 ? 1 : len
        const off = ptr - this.base
        // offsets are < 2^16, so (off | 0) === off is exactly "off is whole"
        if (!(off >= 0 && off + n <= this.size) || (off | 0) !== off || (n | 0) !== n || n < 0) return null
        this.located = off
        return this.buf
    }

    /**
     * The Buffer that holds [ptr, ptr + len); pair it with offsetOf(ptr, len)
     * (or ask locate() for both). A plain region has one: `buf`. A view
     * overrides this and routes.
     */
    bufferOf(ptr: number, len: number): ds.Buffer {
        return this.buf
    }

    /**
     * The board's heap region (board.heap.base, board.heap.size). Only a
     * host-only board may exceed the device Buffer limit (MAX_DEVICE_REGION).
     *
     * ```ts
     * const region = StaticRegion.forBoard(PICO) // 32 KiB at 0x20020000
     * ```
     */
    static forBoard(board: Board): StaticRegion {
        return new StaticRegion(board.heap.base, board.heap.size, board.hostOnly ? board.maxRegion : undefined)
    }

    /** One past the last address of the region. */
    end(): number {
        return this.base + this.size
    }

    /** True when [ptr, ptr + len) lies inside the region (len ≥ 0). */
    contains(ptr: number, len: number): boolean {
        return ptr >= this.base && len >= 0 && ptr + len <= this.base + this.size
    }

    /**
     * Offset of ptr in the region (in bufferOf(ptr, len)). HeapError(OutOfRegion) when [ptr, ptr+len)
     * is not inside — this includes NaN and ±Infinity, which fail the range
     * comparison — and HeapError(Misaligned) for a fractional address.
     * HeapError(BadArgument) for a length that is not a whole number ≥ 0.
     * fill/copy/readBytes/writeBytes of 0 bytes check nothing (memset(p, b, 0)).
     * Cost on a valid call: locate()'s test (two range comparisons and two
     * `| 0`), one call more than writing it here, so the test exists once.
     */
    offsetOf(ptr: number, len?: number): number {
        // A zero-length range still names one address, which must be inside.
        const n = len === undefined || len === 0 ? 1 : len
        if (this.locate(ptr, n) === null) this.reject(ptr, n)
        return this.located
    }

    /** Throws the HeapError for an (ptr, len) that failed offsetOf's fast test. */
    private reject(ptr: number, n: number): void {
        if (typeof n !== "number" || !(n >= 0 && n <= 0x7fffffff) || n !== Math.floor(n))
            throw new HeapError(HeapErrorCode.BadArgument, ptr, "length " + ptrText(n) + " at address " + ptrText(ptr) + " must be a whole number of bytes ≥ 0")
        const off = ptr - this.base
        if (typeof ptr === "number" && off >= 0 && off + n <= this.size)
            throw new HeapError(HeapErrorCode.Misaligned, ptr, "address " + ptrText(ptr) + " is not a whole address")
        throw new HeapError(HeapErrorCode.OutOfRegion, ptr, "address " + ptrText(ptr) + " (" + n + " bytes) is outside the region " + ptrText(this.base) + ".." + ptrText(this.base + this.size))
    }

    /** Address of an offset. */
    ptrAt(offset: number): number {
        return this.base + offset
    }

    readU8(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 1), "u8")
    }
    writeU8(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 1), "u8", v & 0xff)
    }
    readU16(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 2), "u16")
    }
    writeU16(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 2), "u16", v & 0xffff)
    }
    readU32(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 4), "u32")
    }
    /** Stores v modulo 2^32 (setAt "u32" would saturate -1 to 0). */
    writeU32(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 4), "u32", v >>> 0)
    }
    readI32(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 4), "i32")
    }
    writeI32(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 4), "i32", v | 0)
    }
    readF32(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 4), "f32")
    }
    writeF32(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 4), "f32", v)
    }
    readF64(ptr: number): number {
        return this.buf.getAt(this.offsetOf(ptr, 8), "f64")
    }
    writeF64(ptr: number, v: number): void {
        this.buf.setAt(this.offsetOf(ptr, 8), "f64", v)
    }

    /** Sets len bytes at ptr to `byte`. */
    fill(ptr: number, len: number, byte: number): void {
        if (len === 0) return // any pointer, as memset(p, b, 0): zero-size blocks' dangling pointers lie outside
        this.buf.fillAt(this.offsetOf(ptr, len), len, byte & 0xff)
    }

    /**
     * Copies len bytes from src to dst inside the region; the ranges may
     * overlap (memmove). blitAt is memcpy, so an overlapping copy of up to
     * COPY_VIA_TEMP bytes goes through a temporary Buffer; a longer one moves
     * in chunks as long as the distance between the ranges, each disjoint
     * from the source bytes still to be read (forwards when moving down,
     * backwards when moving up): no temporary, which a board's 64 KB VM heap
     * next to a big region may not have room for, and none beyond 0xE000
     * bytes, which the VM refuses. Cost: one or two blitAt, or
     * ⌈len / distance⌉ of them.
     */
    copy(dst: number, src: number, len: number): void {
        if (len === 0) return // as fill
        const d = this.offsetOf(dst, len)
        const s = this.offsetOf(src, len)
        const gap = d > s ? d - s : s - d
        if (gap >= len) this.buf.blitAt(d, this.buf, s, len)
        else if (len <= COPY_VIA_TEMP) {
            const tmp = ds.Buffer.alloc(len)
            tmp.blitAt(0, this.buf, s, len)
            this.buf.blitAt(d, tmp, 0, len)
        } else if (d < s) {
            for (let o = 0; o < len; o += gap) this.buf.blitAt(d + o, this.buf, s + o, len - o < gap ? len - o : gap)
        } else {
            for (let o = len; o > 0; ) {
                const n = o < gap ? o : gap
                o -= n
                this.buf.blitAt(d + o, this.buf, s + o, n)
            }
        }
    }

    /** A copy of len bytes at ptr (a new Buffer outside the region). */
    readBytes(ptr: number, len: number): ds.Buffer {
        if (len === 0) return ds.Buffer.alloc(0)
        const off = this.offsetOf(ptr, len)
        const out = ds.Buffer.alloc(len)
        out.blitAt(0, this.buf, off, len)
        return out
    }

    /** Writes all of `bytes` at ptr. */
    writeBytes(ptr: number, bytes: ds.Buffer): void {
        if (bytes.length === 0) return
        this.buf.blitAt(this.offsetOf(ptr, bytes.length), bytes, 0, bytes.length)
    }
}
