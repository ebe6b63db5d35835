/**
 * grader/blocks.ts — the grader's shadow of an allocator's live blocks: each
 * block's pointer, layout and pattern seed, in parallel arrays (≤ a few
 * hundred entries). Portable (devs + tsc).
 *
 * claim() checks a pointer the allocator returned before a byte is written:
 * non-null, inside the region, aligned, disjoint from every live block (a
 * one-byte intersection at a block's end is "off-by-one", a zero-size block
 * sharing an address is "zero-size", more is "overlap"). Payloads carry the
 * pattern of tests/contract/check.ts; verify() finds the first changed byte
 * and says who covers it: another live block ("overlap") or nobody, so the
 * allocator's own metadata wrote there ("metadata-in-payload").
 * Cost: verify() reads every live byte (O(live bytes)); verifyOne() one block.
 */
import { HeapAllocator } from "../src/api/global_alloc"
import { ptrText } from "../src/core/hex"
import { Layout } from "../src/core/layout"
import { fillPattern, patternByte, tick } from "../tests/contract/check"
import { GradeFailure } from "./diagnosis"

/** Live blocks: pointer, layout and pattern seed per block. */
export class Blocks {
    ptrs: number[] = []
    layouts: Layout[] = []
    seeds: number[] = []
    seed = 100
    constructor(public heap: HeapAllocator) {}

    /** Checks p as the block for `layout` against the region and every live block; throws GradeFailure. */
    claim(p: number, layout: Layout, what: string): void {
        const r = this.heap.region
        const n = layout.size > 0 ? layout.size : 1
        if (p === 0) throw new GradeFailure(layout.size === 0 ? "zero-size" : "contract", what + " returned null on a heap with room for it")
        if (!(p >= r.base && p + n <= r.base + r.size))
            throw new GradeFailure("out-of-region", what + " returned " + ptrText(p) + ", but [" + ptrText(p) + ", " + ptrText(p + n) + ") is not inside the region " + ptrText(r.base) + ".." + ptrText(r.base + r.size))
        if ((p & (layout.align - 1)) !== 0) throw new GradeFailure("misaligned", what + " returned " + ptrText(p) + ", not a multiple of its align " + layout.align)
        for (let i = 0; i < this.ptrs.length; i++) {
            const q = this.ptrs[i]
            const m = this.layouts[i].size > 0 ? this.layouts[i].size : 1
            if (p < q + m && q < p + n) {
                const lo = p > q ? p : q
                const hi = p + n < q + m ? p + n : q + m
                const sz = this.layouts[i].size
                if (hi - lo === 1 && p !== q && (p + n - 1 === q || q + m - 1 === p))
                    throw new GradeFailure("off-by-one", what + " returned " + ptrText(p) + " (" + layout.size + " bytes); its one-byte intersection with the live block " + ptrText(q) + " (" + sz + " bytes) is " + ptrText(lo) + ": one block ends one byte inside the other")
                if (layout.size === 0 || sz === 0)
                    throw new GradeFailure("zero-size", what + " returned " + ptrText(p) + ", which is also the live " + sz + "-byte block " + ptrText(q) + ": a zero-size block must be unique")
                throw new GradeFailure("overlap", what + " returned " + ptrText(p) + " (" + layout.size + " bytes), which overlaps the live block " + ptrText(q) + " (" + sz + " bytes) in [" + ptrText(lo) + ", " + ptrText(hi) + ")")
            }
        }
    }

    /** Allocates, claims and fills a block; returns its index. */
    async take(size: number, align: number): Promise<number> {
        const layout = Layout.fromSizeAlign(size, align)
        const p = this.heap.alloc(layout)
        this.claim(p, layout, "alloc(size " + size + ", align " + align + ")")
        this.ptrs.push(p)
        this.layouts.push(layout)
        this.seeds.push(++this.seed)
        await fillPattern(this.heap, p, size, this.seed)
        await this.verify("alloc(size " + size + ", align " + align + ") = " + ptrText(p))
        return this.ptrs.length - 1
    }

    /** Frees block i and checks the others. */
    async give(i: number): Promise<void> {
        const p = this.ptrs[i]
        const l = this.layouts[i]
        this.drop(i)
        this.heap.dealloc(p, l)
        await this.verify("dealloc(" + ptrText(p) + ", size " + l.size + ")")
    }

    /** Forgets block i (DeviceScript has no splice: rebuilt arrays, ≤ 64 entries). */
    drop(i: number): void {
        const ptrs: number[] = []
        const layouts: Layout[] = []
        const seeds: number[] = []
        for (let k = 0; k < this.ptrs.length; k++) {
            if (k === i) continue
            ptrs.push(this.ptrs[k])
            layouts.push(this.layouts[k])
            seeds.push(this.seeds[k])
        }
        this.ptrs = ptrs
        this.layouts = layouts
        this.seeds = seeds
    }

    /** Block i still holds its pattern; else a GradeFailure naming the byte and who else covers it. */
    verifyOne(i: number, after: string): void {
        const r = this.heap.region
        const p = this.ptrs[i]
        const size = this.layouts[i].size
        const off = p - r.base
        const seed = this.seeds[i]
        // The pattern byte is computed inline (patternByte() per byte would be a VM call per byte).
        for (let k = 0; k < size; k++) {
            const got = r.buf.getAt(off + k, "u8")
            if (got !== ((seed * 31 + k * 7 + 1) & 0xff)) {
                const owner = this.ownerOf(p + k, i)
                const by = owner < 0 ? "no other live block covers it: the allocator wrote its own metadata there" : "it is also inside the live block " + ptrText(this.ptrs[owner]) + " (" + this.layouts[owner].size + " bytes)"
                throw new GradeFailure(owner < 0 ? "metadata-in-payload" : "overlap", "after " + after + ": byte " + k + " of the live block " + ptrText(p) + " (" + size + " bytes) at " + ptrText(p + k) + " is 0x" + hexByte(got) + ", expected 0x" + hexByte(patternByte(this.seeds[i], k)) + "; " + by)
            }
        }
    }

    /** Every live block still holds its pattern; else a GradeFailure naming the byte and who else covers it. */
    async verify(after: string): Promise<void> {
        // Yield before a block, not after: a large block read right after other work could pass the VM's slice limit.
        for (let i = 0; i < this.ptrs.length; i++) {
            await tick(this.layouts[i].size)
            this.verifyOne(i, after)
        }
    }

    ownerOf(a: number, except: number): number {
        for (let i = 0; i < this.ptrs.length; i++) {
            const n = this.layouts[i].size > 0 ? this.layouts[i].size : 1
            if (i !== except && a >= this.ptrs[i] && a < this.ptrs[i] + n) return i
        }
        return -1
    }
}

function hexByte(b: number): string {
    const d = "0123456789abcdef"
    return d[(b >> 4) & 15] + d[b & 15]
}


/** a without its element i (DeviceScript has no splice). */
export function numbersWithout(a: number[], i: number): number[] {
    const out: number[] = []
    for (let k = 0; k < a.length; k++) if (k !== i) out.push(a[k])
    return out
}
