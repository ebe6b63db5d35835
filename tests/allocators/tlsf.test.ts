/**
 * TlsfAllocator: the O(1) class mapping, splitting and coalescing with both
 * neighbours, good fit and the head-of-class fallback, aligned allocation with
 * its leading free gap, realloc in place (grow into the next free block, into
 * the previous one with a memmove,
 * shrink with a freed tail) and moving, every misuse case (code, message, and
 * that nothing else changed), non-power-of-two regions, and check() catching
 * deliberate damage to the bytes in region.buf.
 */
import { describe, expect, test } from "vitest"
import { Rng } from "../contract/check"
import { expectHeapErrorFrom } from "../host_expect"
import { HeapError, HeapErrorCode } from "../../src/core/errors"
import { ptrText } from "../../src/core/hex"
import { Layout, LayoutError } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import {
    TLSF_DEAD,
    TLSF_FREE,
    TLSF_MAGIC,
    TLSF_SLACK,
    TLSF_TAG,
    TlsfAllocator,
    tlsfClass,
    tlsfClassSize,
    tlsfMsb,
    tlsfNeed,
} from "../../src/allocators/tlsf"

const BASE = 0x20020000

function heap(size: number): TlsfAllocator {
    return new TlsfAllocator(new StaticRegion(BASE, size))
}

const L = (size: number, align = 8) => Layout.fromSizeAlign(size, align)

function u32(h: TlsfAllocator, off: number): number {
    return h.region.buf.getAt(off, "u32")
}
function setU32(h: TlsfAllocator, off: number, v: number): void {
    h.region.buf.setAt(off, "u32", v >>> 0)
}
/** Header word of the block whose payload is p. */
function word(h: TlsfAllocator, p: number): number {
    return u32(h, p - BASE - 4)
}
function blockSize(h: TlsfAllocator, p: number): number {
    return word(h, p) & 0x00fffff8
}

function stamp(h: TlsfAllocator, p: number, n: number, tag: number): void {
    for (let i = 0; i < n; i++) h.region.buf.setAt(p - BASE + i, "u8", (i * 7 + tag * 31 + 1) & 0xff)
}
function intact(h: TlsfAllocator, p: number, n: number, tag: number): boolean {
    for (let i = 0; i < n; i++) if (h.region.buf.getAt(p - BASE + i, "u8") !== ((i * 7 + tag * 31 + 1) & 0xff)) return false
    return true
}

function blocks(h: TlsfAllocator): [number, number, boolean][] {
    const out: [number, number, boolean][] = []
    h.walk((p, s, u) => out.push([p - BASE, s, u]))
    return out
}



describe("the two-level class mapping", () => {
    test("msb from the byte table matches Math.clz32 up to 2^31", () => {
        for (let x = 1; x < 70000; x++) expect(tlsfMsb(x)).toBe(31 - Math.clz32(x))
        for (let k = 0; k < 31; k++) {
            expect(tlsfMsb(2 ** k)).toBe(k)
            if (k > 1) expect(tlsfMsb(2 ** k - 1)).toBe(k - 1)
        }
    })

    test("sizes below 128 go by 8; above, 16 classes per power of two", () => {
        expect(tlsfClass(16)).toBe(2)
        expect(tlsfClass(120)).toBe(15)
        expect(tlsfClass(128)).toBe(16) // fl 1, sl 0
        expect(tlsfClass(136)).toBe(17)
        expect(tlsfClass(255)).toBe(31)
        expect(tlsfClass(256)).toBe(32) // fl 2
        expect(tlsfClass(1000)).toBe(63) // fl 3 (512..1023, steps of 32), sl 15: 992..1023
        expect(tlsfClassSize(63)).toBe(992)
        // Every class is the interval [classSize(c), classSize(c + 1)), and classes grow with size.
        let prev = tlsfClass(16)
        for (let s = 16; s < 1 << 20; s += 8) {
            const c = tlsfClass(s)
            expect(c === prev || c === prev + 1).toBe(true)
            expect(tlsfClassSize(c) <= s && s < tlsfClassSize(c + 1)).toBe(true)
            prev = c
        }
    })

    test("a layout needs header + payload rounded to 8, at least 16", () => {
        expect([0, 1, 8, 9, 16, 100, 104, 105].map(tlsfNeed)).toEqual([16, 16, 16, 24, 24, 112, 112, 120])
    })
})

describe("construction", () => {
    test("a 32 KiB region: control structure, one free block, sentinel", () => {
        const h = heap(32768)
        expect(u32(h, 0)).toBe(TLSF_MAGIC)
        expect(u32(h, 4)).toBe(32768)
        expect(h.flCount).toBe(10)
        expect(h.metaEnd).toBe(680) // 16 + 20 (slmaps) + 640 (heads)
        expect(h.sentinel).toBe(32760)
        const s = h.stats()
        expect(s.capacity).toBe(32760 - 680)
        expect(s.free).toBe(s.capacity)
        expect(s.largestFree).toBe(s.capacity - 8)
        expect(blocks(h)).toEqual([[688, s.capacity - 8, false]])
        expect(u32(h, h.sentinel + 4)).toBe(TLSF_TAG)
        expect(u32(h, h.sentinel)).toBe(h.metaEnd)
        expect(h.check()).toEqual([])
    })

    test("non-power-of-two regions work and hand out their whole capacity", () => {
        for (const size of [200, 1000, 24000, 40001, 57343]) {
            const h = heap(size)
            expect(h.check()).toEqual([])
            const s = h.stats()
            expect(h.sentinel).toBe(size - (size & 7) - 8)
            // One request of largestFree takes everything.
            const p = h.alloc(L(s.largestFree, 1))
            expect(p).not.toBe(0)
            expect(h.stats().free).toBe(0)
            expect(h.alloc(L(0, 1))).toBe(0)
            h.dealloc(p, L(s.largestFree, 1))
            expect(h.stats().free).toBe(s.capacity)
            expect(h.check()).toEqual([])
        }
    })

    test("a region too small for its metadata is a BadArgument HeapError", () => {
        expectHeapErrorFrom(() => heap(64), HeapErrorCode.BadArgument, "64 bytes")
    })
})

describe("alloc and dealloc", () => {
    test("blocks are carved from the front, 8-aligned, with exact header words", () => {
        const h = heap(8192)
        const a = h.alloc(L(100))
        const b = h.alloc(L(0, 1))
        const c = h.alloc(L(9, 1))
        expect(a - BASE).toBe(h.metaEnd + 8)
        expect(b).toBe(a + 112)
        expect(c).toBe(b + 16)
        expect(word(h, a)).toBe(TLSF_TAG | 112)
        expect(word(h, b)).toBe(TLSF_TAG | 16)
        expect(u32(h, b - BASE - 8)).toBe(a - BASE - 8) // prev link
        expect(h.stats().inUse).toBe(112 + 16 + 24)
        expect(h.stats().requested).toBe(109)
        expect(h.check()).toEqual([])
    })

    test("coalescing with the next, the previous and both neighbours", () => {
        const h = heap(8192)
        const ps = [0, 1, 2, 3, 4, 5].map(() => h.alloc(L(40)))
        const fresh = h.stats().largestFree
        // Free 1 (no free neighbour), then 3, then 2 (both sides free: one block of three).
        h.dealloc(ps[1], L(40))
        h.dealloc(ps[3], L(40))
        expect(blocks(h).filter(b => !b[2]).length).toBe(3) // 1, 3 and the tail
        h.dealloc(ps[2], L(40))
        const free = blocks(h).filter(b => !b[2])
        expect(free.length).toBe(2)
        expect(free[0]).toEqual([ps[1] - BASE, 3 * 48 - 8, false])
        // The absorbed headers are marked DEAD.
        expect(word(h, ps[2])).toBe(TLSF_DEAD)
        expect(word(h, ps[3])).toBe(TLSF_DEAD)
        expect(h.check()).toEqual([])
        // Freeing 5 merges with the tail (next); 4 then merges with both sides.
        h.dealloc(ps[5], L(40))
        h.dealloc(ps[4], L(40))
        expect(blocks(h).filter(b => !b[2]).length).toBe(1)
        h.dealloc(ps[0], L(40))
        expect(blocks(h)).toEqual([[h.metaEnd + 8, h.stats().capacity - 8, false]])
        expect(h.stats().largestFree).toBe(fresh + 6 * 48)
        expect(h.check()).toEqual([])
    })

    test("a 8-byte tail stays in the block as SLACK, and the layout still checks exactly", () => {
        const h = heap(8192)
        const a = h.alloc(L(100)) // 112
        const b = h.alloc(L(100))
        h.alloc(L(100))
        h.dealloc(b, L(100)) // a free 112-byte hole between two live blocks
        const c = h.alloc(L(96)) // needs 104: the 8-byte rest cannot be a block
        expect(c).toBe(b)
        expect(word(h, c)).toBe(TLSF_TAG | 112 | TLSF_SLACK)
        expectHeapErrorFrom(() => h.dealloc(c, L(100)), HeapErrorCode.WrongLayout, "100")
        h.dealloc(c, L(96))
        expect(h.check()).toEqual([])
        expect(a).not.toBe(0)
    })

    test("good fit skips a too-small block of the same class; the class head is the fallback", () => {
        const h = heap(16384)
        // A free 1,000-byte block (class 992..1023) between live blocks.
        const a = h.alloc(L(992))
        h.alloc(L(16))
        h.dealloc(a, L(992))
        expect(blockSize(h, a)).toBe(1000)
        // need 1,000 rounds up past class 992..1023 (1,000 + 31 → 1,024..): the big tail serves it, not the hole.
        const b = h.alloc(L(992))
        expect(b).not.toBe(a)
        h.dealloc(b, L(992))
        // A block of 1,008 does not fit the hole at all.
        const c = h.alloc(L(1000))
        expect(c).not.toBe(a)
        h.dealloc(c, L(1000))
        // Fill everything but the hole: then only the fallback (the head of class 992) can serve it.
        const rest = h.stats().largestFree
        const big = h.alloc(L(rest, 1))
        expect(big).not.toBe(0)
        expect(h.alloc(L(1000))).toBe(0) // 1,008 > 1,000
        expect(h.alloc(L(992))).toBe(a) // good fit finds nothing; the head of its own class fits
        expect(h.check()).toEqual([])
    })

    test("largestFree is the largest request that succeeds", () => {
        const g = new Rng(7)
        const r = () => g.next()
        for (let run = 0; run < 20; run++) {
            const h = heap(8192)
            const live: [number, Layout][] = []
            for (let i = 0; i < 40; i++) {
                const l = L(1 + Math.floor(r() * 400), 8)
                const p = h.alloc(l)
                if (p !== 0) live.push([p, l])
                if (live.length > 0 && r() < 0.4) {
                    const [q, ql] = live.splice(Math.floor(r() * live.length), 1)[0]
                    h.dealloc(q, ql)
                }
            }
            const lf = h.stats().largestFree
            if (lf === 0) continue
            const p = h.alloc(L(lf, 1))
            expect(p).not.toBe(0)
            h.dealloc(p, L(lf, 1))
            expect(h.check()).toEqual([])
        }
    })

    test("aligned allocation splits the leading gap off as a free block", () => {
        const h = heap(32768)
        h.alloc(L(24)) // so the next payload is not 256-aligned
        for (const align of [16, 64, 256, 1024, 4096]) {
            const p = h.alloc(L(40, align))
            expect(p % align).toBe(0)
            expect(blockSize(h, p)).toBe(48)
            expect(h.check()).toEqual([])
        }
        // Every gap before an aligned block is a free block of ≥ 16 bytes.
        const bs = blocks(h)
        for (let i = 1; i < bs.length; i++) if (!bs[i][2]) expect(bs[i][1] + 8).toBeGreaterThanOrEqual(16)
        // Freeing the aligned blocks merges the gaps back into one free block.
        h.walk(() => {})
        const live = bs.filter(b => b[2]).slice(1)
        const aligns = [16, 64, 256, 1024, 4096]
        live.forEach((b, i) => h.dealloc(BASE + b[0], L(40, aligns[i])))
        expect(blocks(h).filter(b => !b[2]).length).toBe(1)
        expect(h.check()).toEqual([])
    })

    test("exhaustion returns 0, counts failures and corrupts nothing", () => {
        const h = heap(4096)
        const live: number[] = []
        for (let i = 0; ; i++) {
            const p = h.alloc(L(100))
            if (p === 0) break
            stamp(h, p, 100, i)
            live.push(p)
        }
        expect(live.length).toBe(Math.floor(h.stats().capacity / 112))
        expect(h.stats().failures).toBe(1)
        expect(h.alloc(L(5000))).toBe(0)
        expect(h.stats().failures).toBe(2)
        live.forEach((p, i) => expect(intact(h, p, 100, i)).toBe(true))
        expect(h.check()).toEqual([])
    })

    test("allocZeroed zeroes a dirty block", () => {
        const h = heap(4096)
        const p = h.alloc(L(200))
        h.region.fill(p, 200, 0xa5)
        h.dealloc(p, L(200))
        const q = h.allocZeroed(L(200))
        expect(q).toBe(p)
        for (let i = 0; i < 200; i++) expect(h.region.readU8(q + i)).toBe(0)
    })

    test("random workload keeps every invariant and every block's contents", () => {
        const g = new Rng(99)
        const r = () => g.next()
        const h = heap(24000)
        const live: { p: number; l: Layout; tag: number }[] = []
        for (let i = 0; i < 3000; i++) {
            const x = r()
            if (x < 0.5 || live.length === 0) {
                const align = r() < 0.8 ? 8 : 1 << (4 + Math.floor(r() * 6))
                const l = L(Math.floor(r() * 600), align)
                const p = h.alloc(l)
                if (p !== 0) {
                    expect(p % align).toBe(0)
                    stamp(h, p, l.size, i)
                    live.push({ p, l, tag: i })
                }
            } else if (x < 0.85) {
                const b = live.splice(Math.floor(r() * live.length), 1)[0]
                expect(intact(h, b.p, b.l.size, b.tag)).toBe(true)
                h.dealloc(b.p, b.l)
            } else {
                const b = live[Math.floor(r() * live.length)]
                const n = Math.floor(r() * 900)
                const q = h.realloc(b.p, b.l, n)
                if (q !== 0) {
                    expect(intact(h, q, Math.min(n, b.l.size), b.tag)).toBe(true)
                    b.p = q
                    b.l = L(n, b.l.align)
                    stamp(h, q, n, b.tag)
                }
            }
            expect(h.check()).toEqual([])
        }
        for (const b of live) expect(intact(h, b.p, b.l.size, b.tag)).toBe(true)
        for (const b of live) h.dealloc(b.p, b.l)
        expect(h.stats().free).toBe(h.stats().capacity)
        expect(h.check()).toEqual([])
    })
})

describe("realloc", () => {
    test("grows in place into the next free block, keeping the pointer", () => {
        const h = heap(8192)
        const a = h.alloc(L(40))
        const b = h.alloc(L(200))
        h.alloc(L(16))
        stamp(h, a, 40, 1)
        h.dealloc(b, L(200))
        const q = h.realloc(a, L(40), 200)
        expect(q).toBe(a)
        expect(intact(h, a, 40, 1)).toBe(true)
        expect(blockSize(h, a)).toBe(208)
        // 48 + 208 − 208 = 48 bytes left: a free block after a.
        expect(blocks(h)[1]).toEqual([a - BASE + 208, 40, false])
        expect(h.stats().reallocs).toBe(1)
        expect(h.check()).toEqual([])
    })

    test("absorbs the whole next block when the rest would be under 16 bytes", () => {
        const h = heap(8192)
        const a = h.alloc(L(40)) // 48
        const b = h.alloc(L(40)) // 48
        h.alloc(L(16))
        h.dealloc(b, L(40))
        expect(h.realloc(a, L(40), 80)).toBe(a) // need 88 of 96: SLACK
        expect(word(h, a)).toBe(TLSF_TAG | 96 | TLSF_SLACK)
        expect(word(h, b)).toBe(TLSF_DEAD)
        expect(h.check()).toEqual([])
        h.dealloc(a, L(80))
        expect(h.check()).toEqual([])
    })

    test("grows into the free previous block (and the next one), moving the payload down", () => {
        const h = heap(8192)
        const a = h.alloc(L(40)) // 48
        const b = h.alloc(L(64)) // 72
        const c = h.alloc(L(40)) // 48
        h.alloc(L(16))
        stamp(h, b, 64, 7)
        h.dealloc(a, L(40))
        const q = h.realloc(b, L(64), 100) // 112 ≤ 48 + 72: the previous block is enough
        expect(q).toBe(a)
        expect(intact(h, q, 64, 7)).toBe(true)
        expect(blockSize(h, q)).toBe(120) // 48 + 72: a 8-byte rest cannot be a block
        expect(h.check()).toEqual([])
        h.dealloc(c, L(40))
        const r = h.realloc(q, L(100), 150) // 168 > 120: needs the next block (48) as well
        expect(r).toBe(a)
        expect(intact(h, r, 64, 7)).toBe(true)
        expect(h.check()).toEqual([])
    })

    test("shrinks in place and frees the tail, merged with a free next block", () => {
        const h = heap(8192)
        const a = h.alloc(L(1000))
        stamp(h, a, 1000, 3)
        const before = h.stats().free
        expect(h.realloc(a, L(1000), 100)).toBe(a)
        expect(intact(h, a, 100, 3)).toBe(true)
        expect(blockSize(h, a)).toBe(112)
        expect(h.stats().free).toBe(before + 1008 - 112)
        expect(blocks(h).length).toBe(2) // the tail merged with the free rest
        expect(h.check()).toEqual([])
    })

    test("moves when the next block is live, preserving the contents", () => {
        const h = heap(8192)
        const a = h.alloc(L(64))
        const b = h.alloc(L(64))
        stamp(h, a, 64, 5)
        const q = h.realloc(a, L(64), 500)
        expect(q).not.toBe(a)
        expect(intact(h, q, 64, 5)).toBe(true)
        expect(word(h, a) & TLSF_FREE).toBe(TLSF_FREE)
        expect(h.stats().liveBlocks).toBe(2)
        h.dealloc(b, L(64))
        h.dealloc(q, L(500))
        expect(h.stats().free).toBe(h.stats().capacity)
        expect(h.check()).toEqual([])
    })

    test("failure returns 0 and leaves the old block valid and unchanged", () => {
        const h = heap(4096)
        const a = h.alloc(L(100))
        h.alloc(L(100))
        stamp(h, a, 100, 9)
        const before = { ...h.stats() }
        expect(h.realloc(a, L(100), 4000)).toBe(0)
        expect(intact(h, a, 100, 9)).toBe(true)
        // The failed request still counts as the largest one asked for (stats.ts).
        expect({ ...h.stats() }).toEqual({ ...before, failures: before.failures + 1, peakRequest: 4000 })
        h.dealloc(a, L(100))
        expect(h.check()).toEqual([])
    })

    test("newSize is validated like a Layout", () => {
        const h = heap(4096)
        const a = h.alloc(L(16))
        expect(() => h.realloc(a, L(16), -1)).toThrow(LayoutError)
        expect(() => h.realloc(a, L(16), 2.5)).toThrow(LayoutError)
        expect(h.check()).toEqual([])
    })
})

describe("misuse is detected before any state change", () => {
    /** Three live blocks of 48, 100 and 32 bytes; the middle one is the victim. */
    function scene() {
        const h = heap(8192)
        const a = h.alloc(L(48))
        const v = h.alloc(L(100))
        const c = h.alloc(L(32))
        stamp(h, a, 48, 1)
        stamp(h, v, 100, 2)
        stamp(h, c, 32, 3)
        return { h, a, v, c }
    }
    function unchanged(h: TlsfAllocator, f: () => unknown, code: HeapErrorCode, ...msg: string[]): HeapError {
        const bytes = h.region.readBytes(BASE, h.region.size)
        const stats = { ...h.stats() }
        const e = expectHeapErrorFrom(f, code, ...msg)
        expect({ ...h.stats() }).toEqual(stats)
        const after = h.region.readBytes(BASE, h.region.size)
        for (let i = 0; i < h.region.size; i++) if (after.getAt(i, "u8") !== bytes.getAt(i, "u8")) throw new Error("byte " + i + " changed")
        expect(h.check()).toEqual([])
        return e
    }

    test("null pointer → NotAllocated", () => {
        const { h, v } = scene()
        unchanged(h, () => h.dealloc(0, L(100)), HeapErrorCode.NotAllocated, "null")
        unchanged(h, () => h.realloc(0, L(100), 8), HeapErrorCode.NotAllocated, "null")
        expect(v).not.toBe(0)
    })

    test("outside the region → OutOfRegion", () => {
        const { h } = scene()
        for (const p of [BASE - 8, BASE + 8192, 0x10]) unchanged(h, () => h.dealloc(p, L(100)), HeapErrorCode.OutOfRegion, ptrText(p))
    })

    test("misaligned → Misaligned", () => {
        const { h, v } = scene()
        unchanged(h, () => h.dealloc(v + 1, L(100)), HeapErrorCode.Misaligned, ptrText(v + 1), "multiple of 8")
        unchanged(h, () => h.dealloc(v + 4, L(100, 4)), HeapErrorCode.Misaligned, ptrText(v + 4))
        // v is 8-aligned but not (necessarily) 64-aligned.
        if (v % 64 !== 0) unchanged(h, () => h.dealloc(v, L(100, 64)), HeapErrorCode.Misaligned, "align 64")
        unchanged(h, () => h.dealloc(v + 0.5, L(100)), HeapErrorCode.Misaligned, "whole")
    })

    test("interior pointers → NotAllocated, naming the enclosing block", () => {
        const { h, v } = scene()
        for (const d of [8, 16, 48, 96]) unchanged(h, () => h.dealloc(v + d, L(16)), HeapErrorCode.NotAllocated, ptrText(v + d), d + " bytes into", "live 112-byte block at " + ptrText(v))
        // Even when the payload holds a forged header word of the right size: the boundary tags disagree.
        setU32(h, v - BASE + 16 + 4, TLSF_TAG | 16)
        unchanged(h, () => h.dealloc(v + 24, L(8)), HeapErrorCode.NotAllocated, "24 bytes into")
        // A pointer at a header, and into the control structure and the sentinel.
        unchanged(h, () => h.dealloc(v - 8, L(40)), HeapErrorCode.NotAllocated, "header")
        unchanged(h, () => h.dealloc(BASE + 16, L(8)), HeapErrorCode.NotAllocated, "control structure")
        unchanged(h, () => h.dealloc(BASE + h.sentinel, L(8)), HeapErrorCode.NotAllocated, "sentinel")
        // Interior pointers into a free block.
        const big = BASE + blocks(h)[3][0]
        unchanged(h, () => h.dealloc(big + 64, L(8)), HeapErrorCode.NotAllocated, "64 bytes into the payload of the free")
    })

    test("the start of a free block → DoubleFree, also via realloc", () => {
        const { h, v } = scene()
        h.dealloc(v, L(100))
        unchanged(h, () => h.dealloc(v, L(100)), HeapErrorCode.DoubleFree, ptrText(v), "already freed")
        unchanged(h, () => h.realloc(v, L(100), 8), HeapErrorCode.DoubleFree, ptrText(v))
    })

    test("a double free after coalescing names the merged free block", () => {
        const { h, a, v } = scene()
        h.dealloc(a, L(48))
        h.dealloc(v, L(100)) // merges into a's free block: v's header is DEAD
        unchanged(h, () => h.dealloc(v, L(100)), HeapErrorCode.DoubleFree, ptrText(v), "merged into the free 168-byte block at " + ptrText(a))
        // After the space is reused the stale pointer names the new owner.
        const n = h.alloc(L(160))
        expect(n).toBe(a)
        unchanged(h, () => h.dealloc(v, L(100)), HeapErrorCode.NotAllocated, "live 168-byte block", "stale")
    })

    test("a live block with another size → WrongLayout naming the block and the layout", () => {
        const { h, v } = scene()
        unchanged(h, () => h.dealloc(v, L(400)), HeapErrorCode.WrongLayout, ptrText(v), "112-byte block", "size 400", "408-byte block")
        unchanged(h, () => h.dealloc(v, L(10)), HeapErrorCode.WrongLayout, "size 10")
        unchanged(h, () => h.realloc(v, L(400), 8), HeapErrorCode.WrongLayout, "400")
        unchanged(h, () => h.dealloc(v, L(1 << 20, 8)), HeapErrorCode.WrongLayout, "larger than the heap")
    })

    test("a layout with the same rounded size is not detectable (documented)", () => {
        const { h, v } = scene()
        h.dealloc(v, L(97)) // 97..104 all need a 112-byte block
        expect(h.check()).toEqual([]) // requested trusts layout.size: 100 − 97 = 3 bytes stay counted
        expect(h.stats().requested).toBe(48 + 32 + 3)
    })

    test("a header whose neighbour's prev link disagrees → Corrupt", () => {
        const { h, v, c } = scene()
        setU32(h, c - BASE - 8, 12345) // c's prev link should name v's header
        expectHeapErrorFrom(() => h.dealloc(v, L(100)), HeapErrorCode.Corrupt, "boundary tags")
        expect(h.check().join()).toContain("links back to offset 12345")
    })
})

describe("check() detects damage to region.buf", () => {
    function busy() {
        const h = heap(8192)
        const ps = [0, 1, 2, 3, 4, 5, 6, 7].map(i => h.alloc(L(40 + 8 * i)))
        h.dealloc(ps[2], L(56))
        h.dealloc(ps[5], L(80))
        expect(h.check()).toEqual([])
        return { h, ps }
    }
    const hdr = (p: number) => p - BASE - 8

    test("a damaged magic", () => {
        const { h } = busy()
        setU32(h, 0, 0)
        expect(h.check().join()).toContain("magic")
    })

    test("a damaged size word breaks the tiling", () => {
        const { h, ps } = busy()
        setU32(h, hdr(ps[3]) + 4, TLSF_TAG | 24)
        expect(h.check().join()).toContain("no valid block header")
        expect(() => h.walk(() => {})).toThrow(HeapError)
    })

    test("a FREE flag cleared: the block is listed but not free, counters disagree", () => {
        const { h, ps } = busy()
        setU32(h, hdr(ps[2]) + 4, word(h, ps[2]) & ~TLSF_FREE)
        const out = h.check().join()
        expect(out).toContain("not the header of a free block")
        expect(out).toContain("stats: inUse")
    })

    test("a FREE flag set on a live block next to a free one: not coalesced, not listed", () => {
        const { h, ps } = busy()
        setU32(h, hdr(ps[3]) + 4, word(h, ps[3]) | TLSF_FREE)
        const out = h.check().join()
        expect(out).toContain("coalescing")
        expect(out).toContain("missing from its list")
    })

    test("a list head dropped, and a bitmap bit cleared", () => {
        const { h, ps } = busy()
        const c = tlsfClass(blockSize(h, ps[2]))
        setU32(h, h.heads + 4 * c, 0)
        const out = h.check().join()
        expect(out).toContain("slmap bit is 1")
        expect(out).toContain("missing from its list")
        const g = busy()
        const slOff = g.h.slMap + 2 * (c >> 4)
        g.h.region.buf.setAt(slOff, "u16", 0)
        expect(g.h.check().join()).toContain("but its slmap bit is 0")
    })

    test("a broken prev link in a list and a cycle", () => {
        const { h, ps } = busy()
        // Two free 64-byte blocks in one list, neither next to another free block.
        const q1 = h.alloc(L(56)) // exactly the hole at ps[2]
        expect(q1).toBe(ps[2])
        const q = h.alloc(L(56)) // from the tail
        h.alloc(L(8))
        h.dealloc(q1, L(56))
        h.dealloc(q, L(56)) // list of 64-byte blocks: q → ps[2]
        expect(u32(h, h.heads + 4 * tlsfClass(64))).toBe(hdr(q))
        expect(h.check()).toEqual([])
        const second = hdr(ps[2])
        setU32(h, second + 12, 8)
        expect(h.check().join()).toContain("has prev link 8")
        setU32(h, second + 12, hdr(q))
        setU32(h, second + 8, hdr(q)) // ps[2] → q: a cycle
        expect(h.check().join()).toContain("a cycle")
    })

    test("a wrong prev link in the chain and a damaged sentinel", () => {
        const { h, ps } = busy()
        setU32(h, hdr(ps[4]), 8)
        expect(h.check().join()).toContain("links back to offset 8")
        const g = busy()
        setU32(g.h, g.h.sentinel + 4, 0)
        expect(g.h.check().join()).toContain("sentinel")
    })

    test("counters: a stats field that disagrees with the chain", () => {
        const { h, ps } = busy()
        // Free a block behind the allocator's back: its header says free, the counters do not.
        setU32(h, hdr(ps[7]) + 4, word(h, ps[7]) | TLSF_FREE)
        const out = h.check().join()
        expect(out).toContain("stats: liveBlocks")
        expect(out).toContain("stats: free")
    })
})
