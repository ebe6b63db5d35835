/**
 * tests/sim/shim.test.ts — the host shim (sim/core.ts) behaves as DeviceScript's VM.
 *
 * Each rule in sim/core.ts's header has a test here; the VM values come from
 * shared/devicescript.md §3 (measured in the VM): setAt saturates and rounds
 * fractions as trunc(v + 0.5), getAt out of range is undefined, setAt out of
 * range is a RangeError, fillAt/blitAt clamp and are silent no-ops at a bad
 * offset, little-endian, a Buffer is < 0xE000 bytes. A shim kinder than the VM
 * hides firmware bugs, so the failures are tested as carefully as the values.
 */
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import * as ds from "@devicescript/core"

function bytes(b: ds.Buffer): number[] {
    const out: number[] = []
    for (let i = 0; i < b.length; i++) out.push(b.getAt(i, "u8"))
    return out
}

function bufOf(values: number[]): ds.Buffer {
    const b = ds.Buffer.alloc(values.length)
    values.forEach((v, i) => b.setAt(i, "u8", v))
    return b
}

describe("Buffer.alloc", () => {
    test("zero-filled, of the requested length", () => {
        const b = ds.Buffer.alloc(16)
        expect(b.length).toBe(16)
        expect(bytes(b)).toEqual(new Array(16).fill(0))
        expect(ds.Buffer.alloc(0).length).toBe(0)
    })

    test("size cap: 0xE000 (DEVS_MAX_ALLOC) and above are refused, 0xDFFF is not", () => {
        expect(ds.Buffer.alloc(0xdfff).length).toBe(0xdfff)
        expect(() => ds.Buffer.alloc(0xe000)).toThrow(RangeError)
        expect(() => ds.Buffer.alloc(60000)).toThrow("buffer too big")
        expect(() => ds.Buffer.alloc(1 << 24)).toThrow(RangeError)
    })

    test("negative or NaN sizes are refused", () => {
        expect(() => ds.Buffer.alloc(-1)).toThrow(RangeError)
        expect(() => ds.Buffer.alloc(NaN)).toThrow(RangeError)
    })
})

describe("setAt saturates, never wraps", () => {
    const cases: [string, number, number][] = [
        // [format, value stored, value read back]
        ["u8", 256, 255],
        ["u8", 1000, 255],
        ["u8", -1, 0],
        ["u8", 255, 255],
        ["i8", 200, 127],
        ["i8", -200, -128],
        ["i8", -128, -128],
        ["u16", 0x12345, 0xffff],
        ["u16", -5, 0],
        ["i16", 40000, 0x7fff],
        ["i16", -40000, -0x8000],
        ["u32", -1, 0], // the trap: write x >>> 0 instead
        ["u32", 0x100000000, 0xffffffff],
        ["u32", 0xffffffff, 0xffffffff],
        ["u32", 0x80000000, 0x80000000],
        ["i32", 0x80000000, 0x7fffffff],
        ["i32", -0x80000001, -0x80000000],
        ["i32", 0xffffffff, 0x7fffffff],
        ["i32", -1, -1],
        // Negative integers are stored exactly (measured in the VM: i8/i16/i32 -1 → -1, -2 → -2).
        ["i8", -1, -1],
        ["i8", -3, -3],
        ["i16", -1, -1],
        ["i16", -200, -200],
        ["i32", -2, -2],
        ["i32", -40000, -40000],
    ]
    test.each(cases)('setAt(0, "%s", %d) reads back %d', (fmt, v, want) => {
        const b = ds.Buffer.alloc(8)
        switch (fmt) {
            case "u8":
                b.setAt(0, "u8", v)
                expect(b.getAt(0, "u8")).toBe(want)
                break
            case "i8":
                b.setAt(0, "i8", v)
                expect(b.getAt(0, "i8")).toBe(want)
                break
            case "u16":
                b.setAt(0, "u16", v)
                expect(b.getAt(0, "u16")).toBe(want)
                break
            case "i16":
                b.setAt(0, "i16", v)
                expect(b.getAt(0, "i16")).toBe(want)
                break
            case "u32":
                b.setAt(0, "u32", v)
                expect(b.getAt(0, "u32")).toBe(want)
                break
            case "i32":
                b.setAt(0, "i32", v)
                expect(b.getAt(0, "i32")).toBe(want)
                break
        }
        // Saturation touches only the format's bytes.
        expect(b.getAt(4, "u32")).toBe(0)
    })

    test("x >>> 0 is how a u32 -1 is stored", () => {
        const b = ds.Buffer.alloc(4)
        b.setAt(0, "u32", -1 >>> 0)
        expect(b.getAt(0, "u32")).toBe(0xffffffff)
        expect(b.getAt(0, "i32")).toBe(-1)
    })

    test("property: integer setAt u8 equals clamp(v, 0, 255)", () => {
        fc.assert(
            fc.property(fc.integer({ min: -100000, max: 100000 }), v => {
                const b = ds.Buffer.alloc(1)
                b.setAt(0, "u8", v)
                expect(b.getAt(0, "u8")).toBe(Math.min(255, Math.max(0, v)))
            }),
        )
    })

    test("property: setAt u32 of any value in [0, 2^32) reads back unchanged", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 0xffffffff }), v => {
                const b = ds.Buffer.alloc(4)
                b.setAt(0, "u32", v)
                expect(b.getAt(0, "u32")).toBe(v)
            }),
        )
    })
})

describe("setAt rounds fractions as trunc(v + 0.5)", () => {
    const cases: [number, number][] = [
        [1.6, 2],
        [1.4, 1],
        [2.5, 3],
        [0.49, 0],
        [-1.5, -1], // trunc(-1.0)
        [-1.6, -1], // trunc(-1.1): not Math.round's -2
        [-2.5, -2], // trunc(-2.0): Math.round(-2.5) would be -2 in JS but -3 in the VM's Math.round
        [126.7, 127],
        [127.6, 127], // rounds to 128, then saturates
    ]
    test.each(cases)("i8 %d → %d", (v, want) => {
        const b = ds.Buffer.alloc(1)
        b.setAt(0, "i8", v)
        expect(b.getAt(0, "i8")).toBe(want)
    })

    test("u8 and u32 round the same way", () => {
        const b = ds.Buffer.alloc(4)
        b.setAt(0, "u8", 254.5)
        expect(b.getAt(0, "u8")).toBe(255)
        b.setAt(0, "u32", 1.6)
        expect(b.getAt(0, "u32")).toBe(2)
        b.setAt(0, "u32", 0xfffffffe + 0.7)
        expect(b.getAt(0, "u32")).toBe(0xffffffff)
    })

    test("NaN stores 0 in unsigned formats", () => {
        // (Signed formats: the WASM VM stores the minimum, e.g. i32 NaN → -2^31;
        // not asserted here because firmware must never store NaN.)
        const b = bufOf([9, 9, 9, 9])
        b.setAt(0, "u8", NaN)
        expect(b.getAt(0, "u8")).toBe(0)
        b.setAt(0, "u32", NaN)
        expect(b.getAt(0, "u32")).toBe(0)
    })

    test("±Infinity saturate to the format's bounds", () => {
        const b = ds.Buffer.alloc(4)
        b.setAt(0, "u32", Infinity)
        expect(b.getAt(0, "u32")).toBe(0xffffffff)
        b.setAt(0, "i32", -Infinity)
        expect(b.getAt(0, "i32")).toBe(-0x80000000)
        b.setAt(0, "i8", Infinity)
        expect(b.getAt(0, "i8")).toBe(127)
    })

    test("property: a whole number in a signed format's range is stored exactly", () => {
        fc.assert(
            fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), v => {
                const b = ds.Buffer.alloc(4)
                b.setAt(0, "i32", v)
                expect(b.getAt(0, "i32")).toBe(v)
                b.setAt(0, "i16", v)
                expect(b.getAt(0, "i16")).toBe(Math.min(0x7fff, Math.max(-0x8000, v)))
            }),
        )
    })

    test("floats are stored as IEEE values, not rounded", () => {
        const b = ds.Buffer.alloc(8)
        b.setAt(0, "f64", 1.6)
        expect(b.getAt(0, "f64")).toBe(1.6)
        b.setAt(0, "f32", 0.5)
        expect(b.getAt(0, "f32")).toBe(0.5)
        b.setAt(0, "f32", 0.1)
        expect(b.getAt(0, "f32")).toBe(Math.fround(0.1))
    })
})

describe("out-of-range access", () => {
    test("getAt beyond the end → undefined", () => {
        const b = ds.Buffer.alloc(8)
        expect(b.getAt(8, "u8")).toBeUndefined()
        expect(b.getAt(7, "u16")).toBeUndefined() // straddles the end
        expect(b.getAt(5, "u32")).toBeUndefined()
        expect(b.getAt(1, "f64")).toBeUndefined()
        expect(b.getAt(NaN, "u8")).toBeUndefined()
        expect(b.getAt(4, "u32")).toBe(0) // the last whole u32 is fine
    })

    test("setAt beyond the end → RangeError, and nothing is written", () => {
        const b = bufOf([1, 2, 3, 4, 5, 6, 7, 8])
        expect(() => b.setAt(8, "u8", 1)).toThrow(RangeError)
        expect(() => b.setAt(7, "u16", 0xffff)).toThrow("buffer store out of range")
        expect(() => b.setAt(6, "u32", 0xffffffff)).toThrow(RangeError)
        expect(bytes(b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    })

    test("negative offsets: the shim refuses them (the VM does not check: never pass one)", () => {
        // Measured in the VM (2.16.4): getAt(-1, "u8") returns a byte from before
        // the buffer and setAt(-1, "u8", 1) corrupts the GC heap (the VM later
        // crashes in the collector). The shim cannot imitate that, so it takes
        // the strict side: undefined / RangeError, like any other bad offset.
        const b = bufOf([1, 2, 3, 4])
        expect(b.getAt(-1, "u8")).toBeUndefined()
        expect(b.getAt(-4, "u32")).toBeUndefined()
        expect(() => b.setAt(-1, "u8", 1)).toThrow(RangeError)
        expect(() => b.setAt(-2, "u16", 1)).toThrow(RangeError)
        expect(bytes(b)).toEqual([1, 2, 3, 4])
    })

    test("an unsupported format is an error, not a silent default", () => {
        const b = ds.Buffer.alloc(8)
        expect(() => b.getAt(0, "u64" as "u32")).toThrow(TypeError)
    })
})

describe("fillAt clamps, and is a no-op at a bad offset", () => {
    test("fills [offset, offset + length)", () => {
        const b = ds.Buffer.alloc(8)
        b.fillAt(2, 3, 0xab)
        expect(bytes(b)).toEqual([0, 0, 0xab, 0xab, 0xab, 0, 0, 0])
    })

    test("a length past the end is clamped", () => {
        const b = ds.Buffer.alloc(8)
        b.fillAt(6, 100, 7)
        expect(bytes(b)).toEqual([0, 0, 0, 0, 0, 0, 7, 7])
    })

    test("bad offsets and lengths do nothing", () => {
        const b = bufOf([1, 2, 3, 4])
        b.fillAt(4, 1, 9)
        b.fillAt(100, 1, 9)
        b.fillAt(-1, 2, 9)
        b.fillAt(NaN, 2, 9)
        b.fillAt(0, 0, 9)
        b.fillAt(0, -3, 9)
        expect(bytes(b)).toEqual([1, 2, 3, 4])
    })

    test("the byte value is taken modulo 256 (memset)", () => {
        const b = ds.Buffer.alloc(2)
        b.fillAt(0, 2, 0x1ff)
        expect(bytes(b)).toEqual([0xff, 0xff])
    })
})

describe("blitAt clamps, and is a no-op at a bad offset", () => {
    test("copies length bytes", () => {
        const src = bufOf([1, 2, 3, 4])
        const dst = ds.Buffer.alloc(6)
        dst.blitAt(1, src, 1, 3)
        expect(bytes(dst)).toEqual([0, 2, 3, 4, 0, 0])
    })

    test("clamped by the destination's end", () => {
        const src = bufOf([1, 2, 3, 4])
        const dst = ds.Buffer.alloc(4)
        dst.blitAt(2, src, 0, 4)
        expect(bytes(dst)).toEqual([0, 0, 1, 2])
    })

    test("clamped by the source's end", () => {
        const src = bufOf([1, 2, 3, 4])
        const dst = bufOf([9, 9, 9, 9, 9, 9])
        dst.blitAt(0, src, 2, 10)
        expect(bytes(dst)).toEqual([3, 4, 9, 9, 9, 9])
    })

    test("bad offsets and lengths do nothing", () => {
        const src = bufOf([1, 2, 3, 4])
        const dst = bufOf([9, 9, 9, 9])
        dst.blitAt(4, src, 0, 2)
        dst.blitAt(0, src, 4, 2)
        dst.blitAt(-1, src, 0, 2)
        dst.blitAt(0, src, -1, 2)
        dst.blitAt(0, src, 0, 0)
        dst.blitAt(0, src, 0, -1)
        dst.blitAt(NaN, src, 0, 2)
        expect(bytes(dst)).toEqual([9, 9, 9, 9])
    })
})

describe("little-endian", () => {
    test("u16, u32, i32 put the low byte first", () => {
        const b = ds.Buffer.alloc(8)
        b.setAt(0, "u32", 0x11223344)
        expect(bytes(b).slice(0, 4)).toEqual([0x44, 0x33, 0x22, 0x11])
        b.setAt(4, "u16", 0xbeef)
        expect(bytes(b).slice(4, 6)).toEqual([0xef, 0xbe])
        b.setAt(0, "i32", -2)
        expect(bytes(b).slice(0, 4)).toEqual([0xfe, 0xff, 0xff, 0xff])
    })

    test("reading assembles the bytes low first", () => {
        const b = bufOf([0x44, 0x33, 0x22, 0x11, 0xff, 0xff, 0xff, 0xff])
        expect(b.getAt(0, "u32")).toBe(0x11223344)
        expect(b.getAt(0, "u16")).toBe(0x3344)
        expect(b.getAt(1, "u16")).toBe(0x2233) // unaligned reads are allowed
        expect(b.getAt(4, "u32")).toBe(0xffffffff)
        expect(b.getAt(4, "i32")).toBe(-1)
        expect(b.getAt(6, "i16")).toBe(-1)
        expect(b.getAt(4, "i8")).toBe(-1)
    })

    test("f64 round-trips and is little-endian (sign bit in the last byte)", () => {
        const b = ds.Buffer.alloc(8)
        b.setAt(0, "f64", -2)
        expect(bytes(b)).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0])
        b.setAt(0, "f64", Math.PI)
        expect(b.getAt(0, "f64")).toBe(Math.PI)
    })
})

describe("millis and sleep", () => {
    test("millis is a whole, non-negative, non-decreasing count", () => {
        const a = ds.millis()
        const b = ds.millis()
        expect(a).toBeGreaterThanOrEqual(0)
        expect(a).toBe(Math.floor(a))
        expect(b).toBeGreaterThanOrEqual(a)
    })

    test("sleep suspends for about the given time", async () => {
        const t0 = ds.millis()
        await ds.sleep(30)
        const dt = ds.millis() - t0
        // Node timers may fire a millisecond early against Date.now's rounding.
        expect(dt).toBeGreaterThanOrEqual(28)
        expect(dt).toBeLessThan(2000)
    })

    test("sleep(0) yields: code after an awaited sleep(0) runs after already-queued timers", async () => {
        const order: string[] = []
        setTimeout(() => order.push("timer"), 0)
        await ds.sleep(0)
        order.push("after sleep")
        expect(order).toEqual(["timer", "after sleep"])
    })
})

describe("_dcfgString", () => {
    test('archId is "wasm" unless the simulator sets it; other keys are undefined', () => {
        expect(ds._dcfgString("archId")).toBe("wasm")
        ds._simSetArch("rp2040")
        try {
            expect(ds._dcfgString("archId")).toBe("rp2040")
        } finally {
            ds._simSetArch("wasm")
        }
        expect(ds._dcfgString("devName")).toBeUndefined()
    })
})
