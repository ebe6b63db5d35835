/**
 * StaticRegion.locate(ptr, len): the Buffer holding [ptr, ptr + len) and, in
 * `located`, ptr's offset in it, at once, for a plain region and for both
 * views (HandleSpace: a Buffer per block; RegionSet: several regions with a
 * gap); null, never a throw, when no one Buffer holds the range. The
 * throwing helpers built on it keep their errors.
 */
import * as ds from "@devicescript/core"
import { describe, expect, test } from "vitest"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { HandleSpace } from "../../src/core/handle_space"
import { StaticRegion } from "../../src/core/region"
import { RegionSet } from "../../src/core/region_set"

function code(f: () => unknown): HeapErrorCode {
    try {
        f()
    } catch (e) {
        if (e instanceof HeapError) return e.code
        throw e
    }
    throw new Error("nothing thrown")
}

const BAD = [Number.NaN, Infinity, -Infinity, 0.5]

describe("locate", () => {
    test("a plain region: its one Buffer, the offset; null outside, across the end, for a fractional address or a bad length", () => {
        const r = new StaticRegion(0x20000000, 256)
        expect(r.locate(0x20000010, 4)).toBe(r.buf)
        expect(r.located).toBe(0x10)
        expect(r.locate(0x200000ff, 0)).toBe(r.buf) // 0 bytes name one address
        expect(r.located).toBe(0xff)
        for (const [p, n] of [[0x20000100, 0], [0x1ffffffc, 4], [0x200000fe, 4], [0x20000000, -1], [0x20000000, 1.5], ...BAD.map(b => [b, 1]), ...BAD.map(b => [0x20000000 + b, 1])])
            expect(r.locate(p, n), `${p} ${n}`).toBeNull()
        expect(r.located).toBe(0xff) // a refusal leaves it alone
        expect(code(() => r.offsetOf(0x200000fe, 4))).toBe(HeapErrorCode.OutOfRegion)
        expect(code(() => r.offsetOf(0x20000000 + 0.5, 1))).toBe(HeapErrorCode.Misaligned)
        expect(code(() => r.offsetOf(0x20000000, -1))).toBe(HeapErrorCode.BadArgument)
    })

    test("HandleSpace: the block's own Buffer; null past its Buffer, in a free slot, outside the space", () => {
        const space = new HandleSpace()
        const a = ds.Buffer.alloc(24)
        const b = ds.Buffer.alloc(100)
        const pa = space.attach(0, a)
        const pb = space.attach(2, b)
        expect(space.locate(pb + 96, 4)).toBe(b)
        expect(space.located).toBe(96)
        expect(space.locate(pa, 24)).toBe(a)
        expect(space.located).toBe(0)
        for (const [p, n] of [[pb + 97, 4], [pb + 100, 1], [pb + 0x8000, 1], [pa + 0x10000, 1], [pa - 4, 4], [0x74000000, 1], [pa + 0.5, 1], [pa, -2]])
            expect(space.locate(p, n), `${p} ${n}`).toBeNull()
        expect(code(() => space.readU8(pb + 100))).toBe(HeapErrorCode.OutOfRegion)
        space.detach(2)
        expect(space.locate(pb, 1)).toBeNull()
    })

    test("RegionSet: the part's Buffer and the offset in it; null in the gap and across a part's end; the part's errors kept", () => {
        const lo = new StaticRegion(0x20000000, 256)
        const hi = new StaticRegion(0x20010000, 512)
        const set = new RegionSet([lo, hi])
        expect(set.locate(0x20010020, 8)).toBe(hi.buf)
        expect(set.located).toBe(0x20)
        expect(set.locate(0x200000fc, 4)).toBe(lo.buf)
        expect(set.located).toBe(0xfc)
        for (const [p, n] of [[0x20000100, 1], [0x20008000, 4], [0x200000fe, 4], [0x2001fffe, 4], [0x20010000 + 0.5, 1]]) expect(set.locate(p, n), `${p} ${n}`).toBeNull()
        expect(code(() => set.readU32(0x20008000))).toBe(HeapErrorCode.OutOfRegion) // the gap
        expect(code(() => set.readU32(0x200000fe))).toBe(HeapErrorCode.OutOfRegion) // across the first part's end
        expect(code(() => set.readU8(0x20010000 + 0.5))).toBe(HeapErrorCode.Misaligned) // the part's own verdict
        set.writeU32(0x20010020, 0xdeadbeef)
        expect(hi.buf.getAt(0x20, "u32")).toBe(0xdeadbeef)
    })
})
