/**
 * routed_region.ts — RoutedRegion: a StaticRegion view that owns no bytes and
 * routes every helper to the Buffer holding the address. The subclass says
 * how (route); the helpers below are written once for every view:
 * HandleSpace (one Buffer per block, system.ts) and RegionSet (several
 * regions of one multi-region heap, multi.ts).
 *
 * Invariant: locate(ptr, len) returns the Buffer holding all of [ptr, ptr +
 * len) (len 0 names one byte) and sets `located` to ptr's offset in it, or
 * null — never a Buffer that holds only part of the range; route() is
 * locate() or the subclass's HeapError for that address (outside(): an
 * OutOfRegion naming ptr, or the part's own error) — never an access
 * elsewhere. `buf` is empty, so a stray direct access fails (setAt throws)
 * instead of writing.
 *
 * Cost: each helper is one call more than a plain StaticRegion's (route,
 * then the subclass's locate).
 *
 * VM trap: every helper binds route()'s Buffer to a local before reading
 * `located`. In `this.route(p, 4).getAt(this.located, "u32")` DeviceScript
 * evaluates getAt/setAt's arguments before the Buffer expression (they
 * compile to buffer opcodes, not calls), so the offset would be the
 * previous route's: tests/vm/selftest_views.ts.
 */
import * as ds from "@devicescript/core"
import { HeapError } from "./errors"
import { StaticRegion } from "./region"

export abstract class RoutedRegion extends StaticRegion {
    constructor(base: number, size: number) {
        super(base, size, size, true)
    }

    /** The error for an (ptr, len) that locate() refused (len as given, 0 naming one byte). */
    protected abstract outside(ptr: number, len: number): HeapError

    /** The Buffer holding [ptr, ptr + len); sets this.located; throws outside(ptr, len) otherwise. */
    protected route(ptr: number, len: number): ds.Buffer {
        const b = this.locate(ptr, len)
        if (b === null) throw this.outside(ptr, len)
        return b
    }

    override bufferOf(ptr: number, len: number): ds.Buffer {
        return this.route(ptr, len)
    }
    override offsetOf(ptr: number, len?: number): number {
        this.route(ptr, len === undefined ? 1 : len)
        return this.located
    }
    override readU8(ptr: number): number {
        const b = this.route(ptr, 1)
        return b.getAt(this.located, "u8")
    }
    override writeU8(ptr: number, v: number): void {
        const b = this.route(ptr, 1)
        b.setAt(this.located, "u8", v & 0xff)
    }
    override readU16(ptr: number): number {
        const b = this.route(ptr, 2)
        return b.getAt(this.located, "u16")
    }
    override writeU16(ptr: number, v: number): void {
        const b = this.route(ptr, 2)
        b.setAt(this.located, "u16", v & 0xffff)
    }
    override readU32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.located, "u32")
    }
    override writeU32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.located, "u32", v >>> 0)
    }
    override readI32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.located, "i32")
    }
    override writeI32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.located, "i32", v | 0)
    }
    override readF32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.located, "f32")
    }
    override writeF32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.located, "f32", v)
    }
    override readF64(ptr: number): number {
        const b = this.route(ptr, 8)
        return b.getAt(this.located, "f64")
    }
    override writeF64(ptr: number, v: number): void {
        const b = this.route(ptr, 8)
        b.setAt(this.located, "f64", v)
    }
    override fill(ptr: number, len: number, byte: number): void {
        if (len === 0) return
        const b = this.route(ptr, len)
        b.fillAt(this.located, len, byte & 0xff)
    }
    /** memmove; blocks are separate Buffers, so only a copy inside one block can overlap. */
    override copy(dst: number, src: number, len: number): void {
        if (len === 0) return
        const d = this.route(dst, len)
        const dOff = this.located
        const s = this.route(src, len)
        const sOff = this.located
        if (d !== s || dOff + len <= sOff || sOff + len <= dOff) {
            d.blitAt(dOff, s, sOff, len)
        } else {
            const tmp = ds.Buffer.alloc(len)
            tmp.blitAt(0, s, sOff, len)
            d.blitAt(dOff, tmp, 0, len)
        }
    }
    override readBytes(ptr: number, len: number): ds.Buffer {
        if (len === 0) return ds.Buffer.alloc(0)
        const b = this.route(ptr, len)
        const out = ds.Buffer.alloc(len)
        out.blitAt(0, b, this.located, len)
        return out
    }
    override writeBytes(ptr: number, bytes: ds.Buffer): void {
        if (bytes.length === 0) return
        const b = this.route(ptr, bytes.length)
        b.blitAt(this.located, bytes, 0, bytes.length)
    }
}
