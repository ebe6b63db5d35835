/**
 * tests/core/layout.test.ts — the building blocks under every allocator:
 * Layout (src/core/layout.ts), hex text (src/core/hex.ts) and StaticRegion (src/core/region.ts).
 *
 * Each invalid input is checked for the error class and for a message naming
 * the bad value; fast-check properties cover the arithmetic (padding, strides,
 * struct offsets, hex round trips) over whole ranges, including values ≥ 2^31
 * where int32 bit operations would break.
 */
import { describe, expect, test } from "vitest"
import fc from "fast-check"
import * as ds from "@devicescript/core"
import { Layout, LayoutError, MAX_ALIGN, MAX_SIZE, alignUp, isPowerOfTwo } from "../../src/core/layout"
import { hex, parseHex, ptrText } from "../../src/core/hex"
import { MAX_DEVICE_REGION, StaticRegion } from "../../src/core/region"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { PICO } from "../../boards/pico"
import { ESP32S2 } from "../../boards/esp32s2"

/** Calls f, expects an error of class C whose message contains every fragment; returns it. */
function expectError<E extends Error>(C: new (...a: never[]) => E, f: () => unknown, ...fragments: string[]): E {
    let caught: unknown = null
    try {
        f()
    } catch (e) {
        caught = e
    }
    expect(caught, "no error thrown").toBeInstanceOf(C)
    for (const frag of fragments) expect((caught as E).message).toContain(frag)
    return caught as E
}

/** An alignment 2^k, 1 ≤ 2^k ≤ MAX_ALIGN. */
const alignArb = fc.integer({ min: 0, max: 12 }).map(k => 2 ** k)

describe("Layout.fromSizeAlign", () => {
    test("valid layouts keep size and align", () => {
        const l = Layout.fromSizeAlign(12, 8)
        expect([l.size, l.align]).toEqual([12, 8])
        expect(Layout.fromSizeAlign(0, 1).size).toBe(0)
        expect(Layout.fromSizeAlign(5, MAX_ALIGN).align).toBe(4096)
        expect(new Layout(3, 1).equals(Layout.fromSizeAlign(3, 1))).toBe(true)
        expect(Layout.fromSizeAlign(3, 1).equals(Layout.fromSizeAlign(3, 2))).toBe(false)
    })

    test("negative size", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(-1, 1), "size -1", "≥ 0")
    })

    test("fractional size", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(2.5, 1), "size 2.5", "whole number")
    })

    test("NaN and non-number sizes", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(NaN, 1), "size NaN")
        expectError(LayoutError, () => Layout.fromSizeAlign("8" as unknown as number, 1), "size must be a number, not a string")
        expectError(LayoutError, () => Layout.fromSizeAlign(Infinity, 1), "size Infinity")
    })

    test("align 0", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(8, 0), "align 0", "power of two")
    })

    test("align 3 (not a power of two)", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(8, 3), "align 3", "power of two")
    })

    test("align 8192 (above MAX_ALIGN)", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(8, 8192), "align 8192", "exceeds the maximum supported alignment 4096")
    })

    test("negative, fractional and NaN align", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(8, -4), "align -4")
        expectError(LayoutError, () => Layout.fromSizeAlign(8, 0.5), "align 0.5")
        expectError(LayoutError, () => Layout.fromSizeAlign(8, NaN), "align NaN")
    })

    test("size overflow at MAX_SIZE: size rounded up to align must stay ≤ MAX_SIZE", () => {
        expect(Layout.fromSizeAlign(MAX_SIZE, 1).size).toBe(0x7fffffff)
        expectError(LayoutError, () => Layout.fromSizeAlign(MAX_SIZE, 2), `size ${MAX_SIZE} rounded up to align 2 exceeds ${MAX_SIZE}`)
        expectError(LayoutError, () => Layout.fromSizeAlign(MAX_SIZE + 1, 1), `size ${MAX_SIZE + 1}`)
        // The largest size for align 4096 is MAX_SIZE − 4095 = 2^31 − 4096.
        expect(Layout.fromSizeAlign(MAX_SIZE - 4095, 4096).size).toBe(0x7ffff000)
        expectError(LayoutError, () => Layout.fromSizeAlign(MAX_SIZE - 4094, 4096), "rounded up to align 4096")
    })

    test("property: every size ≤ 2^24 with every align 2^0..2^12 is valid", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 1 << 24 }), alignArb, (size, align) => {
                const l = Layout.fromSizeAlign(size, align)
                expect([l.size, l.align]).toEqual([size, align])
            }),
        )
    })

    test("property: an align that is not a power of two is always refused", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: -5000, max: 5000 }).filter(a => !(a > 0 && (a & (a - 1)) === 0)),
                a => {
                    expect(() => Layout.fromSizeAlign(1, a)).toThrow(LayoutError)
                },
            ),
        )
    })
})

describe("Layout.scalar", () => {
    test("align equals size", () => {
        for (const n of [1, 2, 4, 8]) {
            const l = Layout.scalar(n)
            expect([l.size, l.align]).toEqual([n, n])
        }
    })

    test("a size that is not a power of two is refused as an align", () => {
        expectError(LayoutError, () => Layout.scalar(3), "align 3")
        expectError(LayoutError, () => Layout.scalar(0), "align 0")
    })
})

describe("Layout.array", () => {
    test("elements are padded to their alignment (the stride)", () => {
        expect(Layout.array(Layout.fromSizeAlign(3, 1), 4).size).toBe(12)
        const a = Layout.array(Layout.fromSizeAlign(5, 4), 3) // stride 8
        expect([a.size, a.align]).toEqual([24, 4])
        expect(Layout.array(Layout.scalar(4), 0).size).toBe(0)
        expect(Layout.array(Layout.fromSizeAlign(0, 8), 1000).size).toBe(0)
    })

    test("bad lengths", () => {
        expectError(LayoutError, () => Layout.array(Layout.scalar(4), -1), "array length -1")
        expectError(LayoutError, () => Layout.array(Layout.scalar(4), 1.5), "array length 1.5")
        expectError(LayoutError, () => Layout.array(Layout.scalar(4), NaN), "array length NaN")
    })

    test("overflow past MAX_SIZE", () => {
        // 2^28 × 8 = 2^31 > MAX_SIZE
        expectError(LayoutError, () => Layout.array(Layout.scalar(8), 2 ** 28), `array of ${2 ** 28} × 8 bytes exceeds ${MAX_SIZE}`)
        expect(Layout.array(Layout.scalar(8), 2 ** 28 - 1).size).toBe(2 ** 31 - 8)
        // stride 4096 (a 1-byte element aligned to 4096)
        expectError(LayoutError, () => Layout.array(Layout.fromSizeAlign(1, 4096), 2 ** 19), "× 4096 bytes")
    })

    test("property: size === stride × n, stride = size rounded up to align", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 5000 }), alignArb, fc.integer({ min: 0, max: 10000 }), (size, align, n) => {
                const elem = Layout.fromSizeAlign(size, align)
                const stride = Math.ceil(size / align) * align
                const a = Layout.array(elem, n)
                expect(a.size).toBe(stride * n)
                expect(a.align).toBe(align)
                expect(a.size % align).toBe(0)
            }),
        )
    })
})

describe("Layout.extend (repr(C) structs)", () => {
    test("struct { a: u8, b: u32 }: b at 4, size 8", () => {
        const s = Layout.fromSizeAlign(1, 1).extend(Layout.scalar(4))
        expect(s.offset).toBe(4)
        expect([s.layout.size, s.layout.align]).toEqual([8, 4])
    })

    test("struct { a: u8, b: u32, c: u16 }: offsets 0, 4, 8; size 10, padded to 12", () => {
        const a = Layout.scalar(1)
        const ab = a.extend(Layout.scalar(4))
        const abc = ab.layout.extend(Layout.scalar(2))
        expect([ab.offset, abc.offset]).toEqual([4, 8])
        expect([abc.layout.size, abc.layout.align]).toEqual([10, 4])
        const done = abc.layout.padToAlign()
        expect([done.size, done.align]).toEqual([12, 4])
    })

    test("Rust's Layout::extend doc example: #[repr(C)] struct S { a: u64, b: u32, c: u16, d: u32 }", () => {
        // Rust: repr_c(&[u64, u32, u16, u32]) == Ok((Layout::new::<S>(), vec![0, 8, 12, 16])), size_of::<S>() == 24
        const fields = [Layout.scalar(8), Layout.scalar(4), Layout.scalar(2), Layout.scalar(4)]
        let l = Layout.fromSizeAlign(0, 1)
        const offsets: number[] = []
        for (const f of fields) {
            const e = l.extend(f)
            offsets.push(e.offset)
            l = e.layout
        }
        expect(offsets).toEqual([0, 8, 12, 16])
        expect([l.padToAlign().size, l.align]).toEqual([24, 8])
    })

    test("the struct keeps the larger alignment", () => {
        const e = Layout.fromSizeAlign(3, 16).extend(Layout.scalar(2))
        expect([e.offset, e.layout.size, e.layout.align]).toEqual([4, 6, 16])
    })

    test("overflow past MAX_SIZE is a LayoutError", () => {
        const big = Layout.fromSizeAlign(MAX_SIZE - 8, 1)
        expectError(LayoutError, () => big.extend(Layout.scalar(8)), `struct size exceeds ${MAX_SIZE}`)
        expect(big.extend(Layout.fromSizeAlign(8, 1)).layout.size).toBe(MAX_SIZE)
    })

    test("property: field offsets are aligned, increasing and disjoint; struct align is the max", () => {
        const field = fc.tuple(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 6 }).map(k => 2 ** k))
        fc.assert(
            fc.property(fc.array(field, { minLength: 1, maxLength: 12 }), fs => {
                let l = Layout.fromSizeAlign(0, 1)
                let prevEnd = 0
                let maxAlign = 1
                for (const [size, align] of fs) {
                    const e = l.extend(Layout.fromSizeAlign(size, align))
                    expect(e.offset % align).toBe(0)
                    expect(e.offset).toBeGreaterThanOrEqual(prevEnd)
                    expect(e.offset - prevEnd).toBeLessThan(align) // padding is minimal
                    prevEnd = e.offset + size
                    maxAlign = Math.max(maxAlign, align)
                    expect(e.layout.size).toBe(prevEnd)
                    expect(e.layout.align).toBe(maxAlign)
                    l = e.layout
                }
                const done = l.padToAlign()
                expect(done.size % maxAlign).toBe(0)
                expect(done.size - l.size).toBeLessThan(maxAlign)
            }),
        )
    })
})

describe("padToAlign, padNeededFor, alignTo", () => {
    test("padToAlign rounds the size up to the alignment", () => {
        expect(Layout.fromSizeAlign(5, 4).padToAlign().size).toBe(8)
        expect(Layout.fromSizeAlign(8, 4).padToAlign().size).toBe(8)
        expect(Layout.fromSizeAlign(0, 4096).padToAlign().size).toBe(0)
        expect(Layout.fromSizeAlign(1, 4096).padToAlign().size).toBe(4096)
    })

    test("padToAlign near MAX_SIZE cannot overflow (the constructor's invariant)", () => {
        // 2^31 − 4097 bytes at align 4096: the padded size is 2^31 − 4096, computed above 2^30.
        const l = Layout.fromSizeAlign(2 ** 31 - 4097, 4096)
        expect(l.padToAlign().size).toBe(2 ** 31 - 4096)
    })

    test("padNeededFor", () => {
        const l = Layout.fromSizeAlign(5, 1)
        expect(l.padNeededFor(4)).toBe(3)
        expect(l.padNeededFor(1)).toBe(0)
        expect(Layout.fromSizeAlign(8, 8).padNeededFor(8)).toBe(0)
        expect(Layout.fromSizeAlign(4097, 1).padNeededFor(4096)).toBe(4095)
    })

    test("padNeededFor refuses a non-power-of-two align", () => {
        expectError(LayoutError, () => Layout.fromSizeAlign(5, 1).padNeededFor(3), "align 3")
        expectError(LayoutError, () => Layout.fromSizeAlign(5, 1).padNeededFor(0), "align 0")
    })

    test("alignTo raises the alignment, never lowers it", () => {
        const l = Layout.fromSizeAlign(6, 2)
        expect([l.alignTo(8).size, l.alignTo(8).align]).toEqual([6, 8])
        expect(l.alignTo(1).align).toBe(2)
        expectError(LayoutError, () => l.alignTo(3), "align 3")
        expectError(LayoutError, () => l.alignTo(8192), "align 8192")
    })

    test("property: padToAlign is the smallest multiple of align ≥ size", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 2 ** 31 - 4096 }), alignArb, (size, align) => {
                const p = Layout.fromSizeAlign(size, align).padToAlign()
                expect(p.size % align).toBe(0)
                expect(p.size).toBeGreaterThanOrEqual(size)
                expect(p.size - size).toBeLessThan(align)
                expect(Layout.fromSizeAlign(size, align).padNeededFor(align)).toBe(p.size - size)
            }),
        )
    })
})

describe("alignUp and isPowerOfTwo", () => {
    test("alignUp on small values", () => {
        expect(alignUp(0, 8)).toBe(0)
        expect(alignUp(1, 8)).toBe(8)
        expect(alignUp(8, 8)).toBe(8)
        expect(alignUp(5, 1)).toBe(5)
        expect(alignUp(0x3fffdfff, 8)).toBe(0x3fffe000) // last value on the bit-operation path
    })

    test("alignUp above 2^30 and above 2^31 (no int32 wrap)", () => {
        expect(alignUp(0x3fffe000, 4096)).toBe(0x3fffe000)
        expect(alignUp(0x40000001, 4096)).toBe(0x40001000)
        expect(alignUp(0x7ffff001, 4096)).toBe(0x80000000)
        expect(alignUp(0xfffff001, 4096)).toBe(0x100000000)
        expect(alignUp(0xdeadbeef, 16)).toBe(0xdeadbef0)
    })

    test("property: alignUp(n, a) is the smallest multiple of a ≥ n, for n < 2^40", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 2 ** 40 }), alignArb, (n, a) => {
                const r = alignUp(n, a)
                expect(r / a).toBe(Math.floor(r / a))
                expect(r).toBeGreaterThanOrEqual(n)
                expect(r - n).toBeLessThan(a)
            }),
        )
    })

    test("isPowerOfTwo", () => {
        for (const x of [1, 2, 4, 8, 4096, 2 ** 30]) expect(isPowerOfTwo(x), `${x}`).toBe(true)
        for (const x of [0, 3, 6, -2, -1, 0.5, 2.5, NaN, Infinity, 2 ** 31, 2 ** 32]) expect(isPowerOfTwo(x), `${x}`).toBe(false)
    })
})

describe("hex", () => {
    test("lowercase, shortest, no prefix", () => {
        expect(hex(0)).toBe("0")
        expect(hex(10)).toBe("a")
        expect(hex(0x20000010)).toBe("20000010")
        expect(hex(0x3ffb8000)).toBe("3ffb8000")
    })

    test("values ≥ 2^31 (where % and bit operations are int32 in the VM)", () => {
        expect(hex(0x80000000)).toBe("80000000")
        expect(hex(0xdeadbeef)).toBe("deadbeef")
        expect(hex(0xffffffff)).toBe("ffffffff")
        expect(hex(0x100000000)).toBe("100000000")
        expect(hex(2 ** 53 - 1)).toBe("1fffffffffffff")
    })

    test("invalid input is marked, not printed as a number", () => {
        expect(hex(-1)).toBe("?-1")
        expect(hex(1.5)).toBe("?1.5")
        expect(hex(NaN)).toBe("?NaN")
    })

    test("ptrText prefixes 0x", () => {
        expect(ptrText(0x20020000)).toBe("0x20020000")
        expect(ptrText(0)).toBe("0x0")
    })

    test("parseHex reads both cases", () => {
        expect(parseHex("0")).toBe(0)
        expect(parseHex("20020000")).toBe(0x20020000)
        expect(parseHex("DEADBEEF")).toBe(0xdeadbeef)
        expect(parseHex("DeadBeef")).toBe(0xdeadbeef)
        expect(parseHex("ffffffff")).toBe(0xffffffff)
        expect(parseHex("1fffffffffffff")).toBe(-1) // 14 digits: longer than the 13 accepted
    })

    test("parseHex refuses bad text with -1", () => {
        for (const s of ["", "0x10", "g", "12 ", " 12", "-1", "1.5", "ffffffffffffff", "+1", "０"]) expect(parseHex(s), JSON.stringify(s)).toBe(-1)
        expect(parseHex("fffffffffffff")).toBe(2 ** 52 - 1) // 13 digits: the longest accepted
    })

    test("property: parseHex(hex(n)) === n for 32-bit values and for every safe integer", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), n => {
                expect(parseHex(hex(n))).toBe(n)
            }),
        )
        fc.assert(
            fc.property(fc.maxSafeNat(), n => {
                const s = hex(n)
                expect(s).toMatch(/^(0|[1-9a-f][0-9a-f]*)$/)
                if (s.length <= 13) expect(parseHex(s)).toBe(n)
                else expect(parseHex(s)).toBe(-1)
            }),
        )
    })
})

describe("StaticRegion", () => {
    const BASE = 0x20020000

    test("constructor: base must be a non-null address aligned to MAX_ALIGN", () => {
        for (const base of [0, -4096, BASE + 4, BASE + 2048, BASE + 0.5, NaN]) {
            const e = expectError(HeapError, () => new StaticRegion(base, 4096), "region base", `aligned to ${MAX_ALIGN}`)
            expect(e.code).toBe(HeapErrorCode.BadArgument)
        }
        expectError(HeapError, () => new StaticRegion(BASE + 4, 4096), "region base 0x20020004")
    })

    test("constructor: size must be 1..57343 (or 1..maxSize)", () => {
        for (const size of [0, -1, 100.5, NaN, MAX_DEVICE_REGION + 1]) {
            const e = expectError(HeapError, () => new StaticRegion(BASE, size), `region size ${size}`, "must be 1..57343 bytes")
            expect(e.code).toBe(HeapErrorCode.BadArgument)
        }
        expect(new StaticRegion(BASE, 1).size).toBe(1)
        expectError(HeapError, () => new StaticRegion(BASE, 8192, 4096), "region size 8192 must be 1..4096 bytes")
    })

    test("constructor: the region must end at or below 2^32", () => {
        const e = expectError(HeapError, () => new StaticRegion(0xfffff000, 8192), "region 0xfffff000+8192 passes the end of the 32-bit address space")
        expect(e.code).toBe(HeapErrorCode.BadArgument)
        expect(new StaticRegion(0xfffff000, 4096).end()).toBe(0x100000000)
    })

    test("forBoard places the region where the board says", () => {
        const r = StaticRegion.forBoard(PICO)
        expect([r.base, r.size, r.buf.length]).toEqual([0x20020000, 32768, 32768])
        const s = StaticRegion.forBoard(ESP32S2)
        expect([s.base, s.size]).toEqual([0x3ffc0000, 16384])
    })

    test("a fresh region reads as zeros", () => {
        const r = new StaticRegion(BASE, 64)
        for (let p = BASE; p < BASE + 64; p += 4) expect(r.readU32(p)).toBe(0)
    })

    test("contains, offsetOf, ptrAt, end", () => {
        const r = new StaticRegion(BASE, 256)
        expect(r.end()).toBe(BASE + 256)
        expect(r.contains(BASE, 256)).toBe(true)
        expect(r.contains(BASE + 255, 1)).toBe(true)
        expect(r.contains(BASE + 255, 2)).toBe(false)
        expect(r.contains(BASE - 1, 1)).toBe(false)
        expect(r.contains(BASE, -1)).toBe(false)
        expect(r.offsetOf(BASE + 10)).toBe(10)
        expect(r.ptrAt(10)).toBe(BASE + 10)
        // A zero-length range still names one address, which must be inside.
        expect(r.offsetOf(BASE + 255, 0)).toBe(255)
        expectError(HeapError, () => r.offsetOf(BASE + 256, 0), "address 0x20020100 (1 bytes) is outside the region 0x20020000..0x20020100")
    })

    test("typed helpers round-trip and are little-endian", () => {
        const r = new StaticRegion(BASE, 64)
        r.writeU8(BASE, 0xab)
        expect(r.readU8(BASE)).toBe(0xab)
        r.writeU16(BASE + 2, 0xbeef)
        expect(r.readU16(BASE + 2)).toBe(0xbeef)
        expect(r.readU8(BASE + 2)).toBe(0xef)
        r.writeU32(BASE + 4, 0x11223344)
        expect([r.readU8(BASE + 4), r.readU8(BASE + 7)]).toEqual([0x44, 0x11])
        r.writeU32(BASE + 8, 0xdeadbeef)
        expect(r.readU32(BASE + 8)).toBe(0xdeadbeef)
        r.writeF32(BASE + 16, 1.5)
        expect(r.readF32(BASE + 16)).toBe(1.5)
        r.writeF64(BASE + 24, Math.PI)
        expect(r.readF64(BASE + 24)).toBe(Math.PI)
    })

    test("writes wrap modulo the width (not the buffer's saturation)", () => {
        const r = new StaticRegion(BASE, 16)
        r.writeU8(BASE, 0x1ff)
        expect(r.readU8(BASE)).toBe(0xff)
        r.writeU8(BASE, 256)
        expect(r.readU8(BASE)).toBe(0)
        r.writeU16(BASE + 2, 0x12345)
        expect(r.readU16(BASE + 2)).toBe(0x2345)
    })

    test("writeU32(-1) reads back 0xffffffff (setAt u32 alone would saturate it to 0)", () => {
        const r = new StaticRegion(BASE, 16)
        r.writeU32(BASE, -1)
        expect(r.readU32(BASE)).toBe(0xffffffff)
        expect(r.readI32(BASE)).toBe(-1)
        r.writeU32(BASE + 4, 0x100000005)
        expect(r.readU32(BASE + 4)).toBe(5)
    })

    test("writeI32 stores negative numbers and wraps values ≥ 2^31", () => {
        const r = new StaticRegion(BASE, 16)
        r.writeI32(BASE, -5)
        expect(r.readI32(BASE)).toBe(-5)
        expect(r.readU32(BASE)).toBe(0xfffffffb)
        r.writeI32(BASE + 4, 0xffffffff)
        expect(r.readI32(BASE + 4)).toBe(-1)
    })

    test("access outside the region is HeapError(OutOfRegion) and writes nothing", () => {
        const r = new StaticRegion(BASE, 64)
        r.fill(BASE, 64, 0x5a)
        const bad: [string, () => unknown][] = [
            ["readU8 below", () => r.readU8(BASE - 1)],
            ["readU8 at end", () => r.readU8(BASE + 64)],
            ["readU16 straddling", () => r.readU16(BASE + 63)],
            ["readU32 straddling", () => r.readU32(BASE + 61)],
            ["readF64 straddling", () => r.readF64(BASE + 57)],
            ["writeU8 at end", () => r.writeU8(BASE + 64, 1)],
            ["writeU32 straddling", () => r.writeU32(BASE + 62, 0)],
            ["writeI32 below", () => r.writeI32(BASE - 2, 0)],
            ["writeF32 straddling", () => r.writeF32(BASE + 61, 0)],
            ["null", () => r.readU8(0)],
            ["fill past end", () => r.fill(BASE + 60, 5, 0)],
        ]
        for (const [what, f] of bad) {
            const e = expectError(HeapError, f, "is outside the region")
            expect(e.code, what).toBe(HeapErrorCode.OutOfRegion)
            expect(e.message.startsWith("out-of-region: "), what).toBe(true)
        }
        for (let p = BASE; p < BASE + 64; p++) expect(r.readU8(p)).toBe(0x5a)
        expect(r.readU32(BASE + 60)).toBe(0x5a5a5a5a) // the last whole word is inside
    })

    test("fill sets bytes; length 0 is a no-op anywhere", () => {
        const r = new StaticRegion(BASE, 16)
        r.fill(BASE + 4, 4, 0x1ee)
        expect([r.readU8(BASE + 3), r.readU32(BASE + 4), r.readU8(BASE + 8)]).toEqual([0, 0xeeeeeeee, 0])
        r.fill(0, 0, 1)
        expect(r.readU32(BASE)).toBe(0)
    })

    function seq(r: StaticRegion, n: number): void {
        for (let i = 0; i < n; i++) r.writeU8(r.base + i, i + 1)
    }
    function dump(r: StaticRegion, n: number): number[] {
        const out: number[] = []
        for (let i = 0; i < n; i++) out.push(r.readU8(r.base + i))
        return out
    }

    test("copy: disjoint ranges", () => {
        const r = new StaticRegion(BASE, 16)
        seq(r, 4)
        r.copy(BASE + 8, BASE, 4)
        expect(dump(r, 12)).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4])
    })

    test("copy: overlapping forward (dst > src) is a memmove", () => {
        const r = new StaticRegion(BASE, 16)
        seq(r, 8)
        r.copy(BASE + 2, BASE, 6)
        expect(dump(r, 8)).toEqual([1, 2, 1, 2, 3, 4, 5, 6])
    })

    test("copy: overlapping backward (dst < src) is a memmove", () => {
        const r = new StaticRegion(BASE, 16)
        seq(r, 8)
        r.copy(BASE, BASE + 2, 6)
        expect(dump(r, 8)).toEqual([3, 4, 5, 6, 7, 8, 7, 8])
    })

    test("copy: out of region throws before writing; length 0 is a no-op", () => {
        const r = new StaticRegion(BASE, 16)
        seq(r, 16)
        expectError(HeapError, () => r.copy(BASE + 12, BASE, 8), "is outside the region")
        expectError(HeapError, () => r.copy(BASE, BASE + 12, 8), "is outside the region")
        expect(dump(r, 16)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
        r.copy(BASE + 100, BASE + 200, 0)
        expect(dump(r, 16)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    })

    test("property: copy equals a memmove on a plain array", () => {
        fc.assert(
            fc.property(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 64 }), (s, d, len) => {
                fc.pre(s + len <= 64 && d + len <= 64)
                const r = new StaticRegion(BASE, 64)
                seq(r, 64)
                const model = dump(r, 64)
                const moved = model.slice(s, s + len)
                for (let i = 0; i < len; i++) model[d + i] = moved[i]
                r.copy(BASE + d, BASE + s, len)
                expect(dump(r, 64)).toEqual(model)
            }),
        )
    })

    test("readBytes returns an independent copy; writeBytes writes all of it", () => {
        const r = new StaticRegion(BASE, 16)
        seq(r, 16)
        const b = r.readBytes(BASE + 4, 4)
        expect(b.length).toBe(4)
        expect([b.getAt(0, "u8"), b.getAt(3, "u8")]).toEqual([5, 8])
        b.setAt(0, "u8", 99)
        expect(r.readU8(BASE + 4)).toBe(5)
        r.writeBytes(BASE + 12, b)
        expect(dump(r, 16).slice(12)).toEqual([99, 6, 7, 8])
        expect(r.readBytes(BASE, 0).length).toBe(0)
        r.writeBytes(BASE + 16, ds.Buffer.alloc(0)) // empty: a no-op even at the end
    })

    test("readBytes/writeBytes outside the region throw OutOfRegion", () => {
        const r = new StaticRegion(BASE, 16)
        expect(expectError(HeapError, () => r.readBytes(BASE + 8, 9), "is outside").code).toBe(HeapErrorCode.OutOfRegion)
        const b = ds.Buffer.alloc(4)
        b.fillAt(0, 4, 7)
        expect(expectError(HeapError, () => r.writeBytes(BASE + 13, b), "is outside").code).toBe(HeapErrorCode.OutOfRegion)
        expect(r.readU32(BASE + 12)).toBe(0)
    })
})
