// The decoder's shadow model (a B+ tree of disjoint blocks plus the overlapping ones,
// sim/decoder.ts) against a naive reference written from docs/protocol.md §9.2: one
// array, linear scans. Random streams with overlaps, double and unknown frees, layout
// mismatches, reallocs, gaps and unsynced starts must give the same blocks and anomalies.
import fc from "fast-check"
import { describe, expect, test } from "vitest"
import { StreamDecoder } from "../../sim/decoder"

interface B {
    ptr: number
    size: number
    align: number
}

/** The documented model, the slow way. */
class Reference {
    live: B[] = []
    freed = new Set<number>()
    anomalies: [string, number][] = []
    constructor(public synced: boolean) {}
    add(ptr: number, size: number, align: number): void {
        const end = ptr + Math.max(size, 1)
        const clash = this.live.filter(b => b.ptr < end && b.ptr + Math.max(b.size, 1) > ptr)
        clash.sort((x, y) => ((x.ptr < ptr) !== (y.ptr < ptr) ? (x.ptr < ptr ? -1 : 1) : x.ptr < ptr ? y.ptr - x.ptr : x.ptr - y.ptr))
        for (const c of clash) {
            if (this.synced) this.anomalies.push(["overlap", ptr])
            if (!this.synced || c.ptr === ptr) this.live = this.live.filter(b => b !== c)
        }
        this.live.push({ ptr, size, align })
        this.freed.delete(ptr)
    }
    remove(ptr: number, size: number, align: number): void {
        const b = this.live.find(x => x.ptr === ptr)
        if (b === undefined) {
            if (this.synced) this.anomalies.push([this.freed.has(ptr) ? "double-free" : "unknown-block", ptr])
            return
        }
        this.live = this.live.filter(x => x !== b)
        this.freed.add(ptr)
        if (this.synced && (b.size !== size || b.align !== align)) this.anomalies.push(["layout-mismatch", ptr])
    }
    blocks(): B[] {
        return [...this.live].sort((x, y) => x.ptr - y.ptr)
    }
}

const BASE = 0x20020000
const op = fc.record({
    kind: fc.constantFrom("A", "A", "F", "R", "gap"),
    slot: fc.nat({ max: 40 }),
    slot2: fc.nat({ max: 40 }),
    size: fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 400 })),
    size2: fc.nat({ max: 64 }),
    align: fc.constantFrom(4, 4, 8),
})

describe("the decoder's shadow model equals the documented one", () => {
    test("random streams with overlaps, bad frees, reallocs and gaps (fast-check)", () => {
        fc.assert(
            fc.property(fc.array(op, { maxLength: 80 }), fc.boolean(), (ops, unsyncedStart) => {
                const d = new StreamDecoder({ allowGaps: true })
                d.push(`~H 0 2 pico t ${BASE.toString(16)} 400 1000 7ff ${unsyncedStart ? 1 : 0}`)
                const ref = new Reference(!unsyncedStart)
                let seq = 1
                for (const o of ops) {
                    const ptr = o.slot * 8
                    if (o.kind === "gap") {
                        seq += 2
                        ref.synced = false
                        continue
                    }
                    const s = (seq++).toString(16)
                    if (o.kind === "A") {
                        d.push(`~A ${s} ${ptr.toString(16)} ${o.size.toString(16)} ${o.align}`)
                        ref.add(BASE + ptr, o.size, o.align)
                    } else if (o.kind === "F") {
                        d.push(`~F ${s} ${ptr.toString(16)} ${o.size.toString(16)} ${o.align}`)
                        ref.remove(BASE + ptr, o.size, o.align)
                    } else {
                        const to = o.slot2 * 8
                        d.push(`~R ${s} ${ptr.toString(16)} ${to.toString(16)} ${o.size.toString(16)} ${o.size2.toString(16)} ${o.align}`)
                        ref.remove(BASE + ptr, o.size, o.align)
                        ref.add(BASE + to, o.size2, o.align)
                    }
                    expect(d.blocks()).toEqual(ref.blocks())
                }
                const kinds = d.anomalies.filter(a => a.kind !== "outside-region" && a.kind !== "misaligned").map(a => [a.kind, a.ptr])
                expect(kinds).toEqual(ref.anomalies)
                expect(d.counts.liveBlocks).toBe(ref.live.length)
                expect(d.counts.liveBytes).toBe(ref.live.reduce((n, b) => n + b.size, 0))
            }),
            { numRuns: 400 },
        )
    })
})
