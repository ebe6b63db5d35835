/**
 * routed_region.ts — RoutedRegion: a StaticRegion view that owns no bytes and
 * routes every helper to the Buffer holding the address. The subclass says
 * how (route); the helpers below are written once for every view:
 * HandleSpace (one Buffer per block, system.ts) and RegionSet (several
 * regions of one multi-region heap, multi.ts).
 *
 * Invariant: route(ptr, len) returns the Buffer holding all of [ptr, ptr +
 * len) (len 0 names one byte) and sets `off` to ptr's offset in it, or throws
 * HeapError(OutOfRegion) naming ptr — never an access elsewhere. `buf` is
 * empty, so a stray direct access fails (setAt throws) instead of writing.
 *
 * Each helper routes into a local before reading `off`: in DeviceScript,
 * `this.route(p, n).setAt(this.off, …)` reads this.off before the call that
 * sets it (getAt/setAt's arguments are evaluated before their receiver:
 * a compiler trap; tests/vm/selftest_*_system_multi.ts caught it), so every
 * access used the previous route's offset in the VM, not on the host.
 *
 * Cost: each helper is one call more than a plain StaticRegion's (route).
 */
import * as ds from "@devicescript/core"
import { StaticRegion } from "./region"

export abstract class RoutedRegion extends StaticRegion {
    /** Offset in the Buffer the last route() returned. */
    protected off = 0

    constructor(base: number, size: number) {
        super(base, size, size, true)
    }

    /** The Buffer holding [ptr, ptr + len); sets this.off; HeapError(OutOfRegion) otherwise. */
    protected abstract route(ptr: number, len: number): ds.Buffer

    override bufferOf(ptr: number, len: number): ds.Buffer {
        return this.route(ptr, len)
    }
    override offsetOf(ptr: number, len?: number): number {
        this.route(ptr, len === undefined ? 1 : len)
        return this.off
    }
    override readU8(ptr: number): number {
        const b = this.route(ptr, 1)
        return b.getAt(this.off, "u8")
    }
    override writeU8(ptr: number, v: number): void {
        const b = this.route(ptr, 1)
        b.setAt(this.off, "u8", v & 0xff)
    }
    override readU16(ptr: number): number {
        const b = this.route(ptr, 2)
        return b.getAt(this.off, "u16")
    }
    override writeU16(ptr: number, v: number): void {
        const b = this.route(ptr, 2)
        b.setAt(this.off, "u16", v & 0xffff)
    }
    override readU32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.off, "u32")
    }
    override writeU32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.off, "u32", v >>> 0)
    }
    override readI32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.off, "i32")
    }
    override writeI32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.off, "i32", v | 0)
    }
    override readF32(ptr: number): number {
        const b = this.route(ptr, 4)
        return b.getAt(this.off, "f32")
    }
    override writeF32(ptr: number, v: number): void {
        const b = this.route(ptr, 4)
        b.setAt(this.off, "f32", v)
    }
    override readF64(ptr: number): number {
        const b = this.route(ptr, 8)
        return b.getAt(this.off, "f64")
    }
    override writeF64(ptr: number, v: number): void {
        const b = this.route(ptr, 8)
        b.setAt(this.off, "f64", v)
    }
    override fill(ptr: number, len: number, byte: number): void {
        if (len === 0) return
        const b = this.route(ptr, len)
        b.fillAt(this.off, len, byte & 0xff)
    }
    /** memmove; blocks are separate Buffers, so only a copy inside one block can overlap. */
    override copy(dst: number, src: number, len: number): void {
        if (len === 0) return
        const d = this.route(dst, len)
        const dOff = this.off
        const s = this.route(src, len)
        const sOff = this.off
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
        out.blitAt(0, b, this.off, len)
        return out
    }
    override writeBytes(ptr: number, bytes: ds.Buffer): void {
        if (bytes.length === 0) return
        const b = this.route(ptr, bytes.length)
        b.blitAt(this.off, bytes, 0, bytes.length)
    }
}
