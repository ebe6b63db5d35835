/**
 * In-VM self-tests of the region views (src/core/routed_region.ts): every
 * helper of HandleSpace (the system allocator's blocks) and RegionSet (a
 * multi-region heap) writes and reads the bytes of the Buffer that holds
 * the address, at the address's offset, and locate() names that Buffer and
 * offset. In the VM `route(p).getAt(this.located, …)` read the previous
 * route's offset (getAt/setAt evaluate their arguments before their
 * Buffer): the host shim cannot show that, so this runs in the VM. Run by
 * tests/vm.test.ts.
 */
import * as ds from "@devicescript/core"
import { describe, expect, test } from "@devicescript/test"
import { HandleSpace } from "../../src/core/handle_space"
import { StaticRegion } from "../../src/core/region"
import { RegionSet } from "../../src/core/region_set"

/** Writes through every helper at two addresses of different Buffers, interleaved, and reads back through the Buffers. */
function helpersLand(r: StaticRegion, a: number, b: number, ba: ds.Buffer, bb: ds.Buffer, oa: number, ob: number): void {
    r.writeU32(b + 8, 0x11223344)
    r.writeU32(a + 4, 0x55667788)
    expect(bb.getAt(ob + 8, "u32")).toBe(0x11223344)
    expect(ba.getAt(oa + 4, "u32")).toBe(0x55667788)
    r.writeU8(a + 1, 0xab)
    r.writeU16(b + 2, 0xcdef)
    r.writeI32(a + 12, -5)
    r.writeF32(b + 12, 1.5)
    r.writeF64(a + 16, 2.25)
    expect(ba.getAt(oa + 1, "u8")).toBe(0xab)
    expect(bb.getAt(ob + 2, "u16")).toBe(0xcdef)
    expect(ba.getAt(oa + 12, "i32")).toBe(-5)
    expect(bb.getAt(ob + 12, "f32")).toBe(1.5)
    expect(ba.getAt(oa + 16, "f64")).toBe(2.25)
    expect(r.readU8(a + 1)).toBe(0xab)
    expect(r.readU32(b + 8)).toBe(0x11223344)
    expect(r.readU16(b + 2)).toBe(0xcdef)
    expect(r.readU32(a + 4)).toBe(0x55667788)
    expect(r.readI32(a + 12)).toBe(-5)
    expect(r.readF32(b + 12)).toBe(1.5)
    expect(r.readF64(a + 16)).toBe(2.25)
    r.fill(b + 20, 4, 0x5a)
    expect(bb.getAt(ob + 20, "u32")).toBe(0x5a5a5a5a)
    const bytes = r.readBytes(b + 20, 4)
    r.writeBytes(a + 24, bytes)
    expect(ba.getAt(oa + 24, "u32")).toBe(0x5a5a5a5a)
    expect(r.locate(b + 8, 4) === bb).toBe(true)
    expect(r.located).toBe(ob + 8)
    expect(r.locate(a + 4, 4) === ba).toBe(true)
    expect(r.located).toBe(oa + 4)
}

describe("region views in the VM", () => {
    test("HandleSpace: each helper reaches the block's Buffer at the address's offset", () => {
        const space = new HandleSpace()
        const ba = ds.Buffer.alloc(32)
        const bb = ds.Buffer.alloc(40)
        const a = space.attach(0, ba)
        const b = space.attach(1, bb)
        helpersLand(space, a, b, ba, bb, 0, 0)
        expect(space.locate(b + 40, 1) === null).toBe(true) // past the block's Buffer
        expect(space.locate(a + 30, 4) === null).toBe(true) // across its end
    })
    test("RegionSet: each helper reaches the part's Buffer at the address's offset", () => {
        const lo = new StaticRegion(0x20000000, 256)
        const hi = new StaticRegion(0x20010000, 256)
        const set = new RegionSet([lo, hi])
        helpersLand(set, 0x20000040, 0x20010080, lo.buf, hi.buf, 0x40, 0x80)
        expect(set.locate(0x20000100, 1) === null).toBe(true) // the gap
        expect(set.locate(0x200000fe, 4) === null).toBe(true) // across the first part's end
    })
})
