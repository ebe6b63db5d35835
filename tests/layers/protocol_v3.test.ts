/**
 * tests/layers/protocol_v3.test.ts — protocol version 3 (docs/protocol.md
 * §3.12, §5): a heap of several regions streams a 10-field ~H and its ~M
 * region table; every other heap streams version 2 as before. The encoder's
 * exact lines, the decoder's regions / regionsComplete / regionOf /
 * regionCounts over seeded workloads on real MultiAllocators (checked after
 * every call against the heap itself), every ProtocolError of the table, gaps
 * in it, the outside-region anomaly for holes and straddles, and hostile
 * input (huge counts, long tag lists) answered with a specific error.
 * The VM's byte-for-byte equality is tests/layers/protocol_v3_vm.test.ts.
 */
import { readFileSync } from "node:fs"
import { describe, expect, test } from "vitest"
import { MultiAllocator, MultiPolicy } from "../../src/allocators/multi"
import { TlsfAllocator } from "../../src/allocators/tlsf"
import { HeapAllocator } from "../../src/api/global_alloc"
import { HeapError } from "../../src/core/errors"
import { Layout } from "../../src/core/layout"
import { StaticRegion } from "../../src/core/region"
import { RegionSet } from "../../src/core/region_set"
import { ForwardingAllocator } from "../../src/layers/forwarding"
import { LoggingAllocator, MAX_REGIONS } from "../../src/layers/logging"
import { ProtocolError, StreamDecoder } from "../../sim/decoder"
import { MULTI_STREAMS, MultiWorkload, multiHeap, multiStream, STREAM_STEPS } from "../contract/multi_stream"

const H3 = "~H 0 3 pico multi 20020000 21000 1000 7ff 0 2"
const M1 = "~M 1 0 0 7000 tlsf main"
const M2 = "~M 2 1 20000 1000 tlsf fast"
const H3x3 = "~H 0 3 pico multi 20020000 21000 1000 7ff 0 3"
const V2 = "~H 0 2 pico tlsf 20020000 8000 1000 7ff 0"
const V1 = "~H 0 1 pico tlsf 20020000 8000 1000 ff 0"

function logged(inner: HeapAllocator): string[] {
    const lines: string[] = []
    new LoggingAllocator(inner, "pico", { emit: l => lines.push(l) })
    return lines
}

function decode(lines: string[], allowGaps = false): StreamDecoder {
    const d = new StreamDecoder({ allowGaps })
    lines.forEach((l, i) => d.push(l, i + 1))
    return d
}

function protocolError(lines: string[]): ProtocolError {
    try {
        decode(lines)
    } catch (e) {
        if (e instanceof ProtocolError) return e
        throw e
    }
    throw new Error("expected a ProtocolError for:\n" + lines.join("\n"))
}

/** A heap that claims `set` as its region (a real TLSF heap over its first part underneath): for sets a MultiAllocator would refuse to build. */
class OverSet extends ForwardingAllocator {
    declare readonly region: RegionSet
    constructor(set: RegionSet) {
        super(new TlsfAllocator(set.parts[0]))
        this.region = set
    }
}

describe("encoder: version 3 header and region table", () => {
    test("two regions with tags: the header's span, one ~M per part, seqs go on after the table", () => {
        const lines: string[] = []
        const heap = new LoggingAllocator(multiHeap(2, true), "pico", { emit: l => lines.push(l) })
        heap.alloc(Layout.fromSizeAlign(16, 4))
        expect(lines).toEqual([
            "~H 0 3 pico multi 20020000 20400 1000 7ff 0 2",
            "~M 1 0 0 800 tlsf fast,dma",
            "~M 2 1 20000 400 tlsf slow",
            expect.stringMatching(/^~A 3 [0-9a-f]+ 10 4$/),
        ])
    })

    test("three regions without tags: '-' for none, the middle region's own kind", () => {
        expect(logged(multiHeap(3, false))).toEqual([
            "~H 0 3 pico multi 20020000 20400 1000 7ff 0 3",
            "~M 1 0 0 800 tlsf -",
            "~M 2 1 10000 800 buddy -",
            "~M 3 2 20000 400 tlsf -",
        ])
    })

    test("start() re-emits header and table with the live count", () => {
        const lines: string[] = []
        const heap = new LoggingAllocator(multiHeap(2, false), "pico", { emit: l => lines.push(l) })
        heap.alloc(Layout.fromSizeAlign(8, 8))
        heap.start()
        heap.phase("again")
        expect(lines.slice(4)).toEqual(["~H 0 3 pico multi 20020000 20400 1000 7ff 1 2", "~M 1 0 0 800 tlsf -", "~M 2 1 20000 400 tlsf -", "~P 3 again"])
    })

    test("a heap of one region streams version 2 byte for byte: a plain heap, and a multi heap of one part", () => {
        expect(logged(new TlsfAllocator(new StaticRegion(0x20020000, 0x8000)))).toEqual(["~H 0 2 pico tlsf 20020000 8000 1000 7ff 0"])
        const one = new MultiAllocator([new TlsfAllocator(new StaticRegion(0x20020000, 0x1000))], ["fast"], MultiPolicy.First)
        expect(logged(one)).toEqual(["~H 0 2 pico multi 20020000 1000 1000 7ff 0"])
    })

    const part = (i: number) => new StaticRegion(0x20000000 + i * 0x1000, 0x1000)
    const refused: [string, () => RegionSet, RegExp][] = [
        ["more than 64 regions", () => new RegionSet(Array.from({ length: MAX_REGIONS + 1 }, (_, i) => part(i)), undefined, Array(MAX_REGIONS + 1).fill("tlsf")), /at most 64 regions, the heap has 65/],
        ["a region without a kind", () => new RegionSet([part(0), part(1)]), /region 0's allocator kind '' must be 1\.\.24 characters/],
        ["an uppercase tag", () => new RegionSet([part(0), part(1)], ["", "Fast"], ["tlsf", "tlsf"]), /region 1's tag 'Fast' must be 1\.\.24 characters of a-z 0-9 _ -/],
        ["two spaces between tags", () => new RegionSet([part(0), part(1)], ["fast  dma", ""], ["tlsf", "tlsf"]), /region 0's tag '' must be/],
        ["nine tags", () => new RegionSet([part(0), part(1)], ["a b c d e f g h i", ""], ["tlsf", "tlsf"]), /region 0 has 9 tags; a stream carries at most 8/],
        ["a table line past the console's 149 characters", () => new RegionSet([part(0), part(1)], ["", Array(8).fill("x".repeat(24)).join(" ")], ["tlsf", "tlsf"]), /region 1's table line is \d+ characters, longer than the 149/],
    ]
    for (const [name, make, re] of refused)
        test(`refused at construction: ${name}`, () => {
            const lines: string[] = []
            expect(() => new LoggingAllocator(new OverSet(make()), "pico", { emit: l => lines.push(l) })).toThrow(HeapError)
            expect(() => new LoggingAllocator(new OverSet(make()), "pico", { emit: l => lines.push(l) })).toThrow(re)
            expect(lines).toEqual([])
        })

    test("the longest table line the encoder accepts decodes", () => {
        const tags = Array(5).fill("t".repeat(20)).join(" ")
        const set = new RegionSet([new StaticRegion(0x20000000, 0x1000), new StaticRegion(0xfffff000, 0x1000)], [tags, ""], ["x".repeat(24), "tlsf"])
        const lines = logged(new OverSet(set))
        expect(lines[1].length).toBeLessThanOrEqual(149)
        const d = decode(lines)
        expect(d.regions[0]).toEqual({ index: 0, base: 0x20000000, size: 0x1000, kind: "x".repeat(24), tags: Array(5).fill("t".repeat(20)) })
        expect(d.regions[1].base).toBe(0xfffff000)
    })
})

describe("decoder: the region table", () => {
    test("regions, regionsComplete and RegionEvent as the table arrives", () => {
        const d = new StreamDecoder()
        expect(d.regions).toEqual([])
        d.push(H3)
        expect(d.header?.regions).toBe(2)
        expect([d.regions, d.regionsComplete]).toEqual([[], false])
        expect(d.push(M1)).toEqual({ type: "region", seq: 1, lineNo: 2, index: 0, base: 0x20020000, size: 0x7000, kind: "tlsf", tags: ["main"] })
        expect(d.regionsComplete).toBe(false)
        d.push(M2)
        expect(d.regionsComplete).toBe(true)
        expect(d.regions).toEqual([
            { index: 0, base: 0x20020000, size: 0x7000, kind: "tlsf", tags: ["main"] },
            { index: 1, base: 0x20040000, size: 0x1000, kind: "tlsf", tags: ["fast"] },
        ])
        expect(d.regionCounts).toEqual([
            { liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 },
            { liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 },
        ])
    })

    test("regionOf: each region's first and last byte, the hole, below and above", () => {
        const d = decode([H3, M1, M2])
        expect([0x20020000, 0x20026fff, 0x20027000, 0x2003ffff, 0x20040000, 0x20040fff, 0x20041000, 0x2001ffff].map(p => d.regionOf(p))).toEqual([0, 0, -1, -1, 1, 1, -1, -1])
    })

    test("versions 1 and 2: one region made from the header, complete at once", () => {
        for (const [h, block, outside] of [
            [V1, "~A 1 20020010 20 4", "~A 2 20028000 20 4"], // version 1 lines carry addresses
            [V2, "~A 1 10 20 4", "~A 2 8000 20 4"],
        ]) {
            const d = decode([h])
            expect(d.regions).toEqual([{ index: 0, base: 0x20020000, size: 0x8000, kind: "tlsf", tags: [] }])
            expect(d.regionsComplete).toBe(true)
            expect(d.header?.regions).toBe(1)
            d.push(block)
            d.push(outside) // outside the region: counts in none
            expect(d.regionCounts).toEqual([{ liveBlocks: 1, liveBytes: 0x20, peakLiveBytes: 0x20 }])
            expect(d.regionOf(0x20020010)).toBe(0)
        }
    })

    test("a block per region, freed again: live counts follow, peaks stay", () => {
        const d = decode([H3, M1, M2, "~A 3 10 20 4", "~A 4 20000 30 8", "~A 5 20040 8 8", "~F 6 20000 30 8"])
        expect(d.regionCounts).toEqual([
            { liveBlocks: 1, liveBytes: 0x20, peakLiveBytes: 0x20 },
            { liveBlocks: 1, liveBytes: 8, peakLiveBytes: 0x38 },
        ])
        expect(d.anomalies).toEqual([])
    })

    test("everything resets at each ~H: a v3 stream, then a v2 one, then a v3 one again", () => {
        const d = decode([H3, M1, M2, "~A 3 20000 30 8", V2])
        expect(d.regions).toHaveLength(1)
        expect(d.regionCounts).toEqual([{ liveBlocks: 0, liveBytes: 0, peakLiveBytes: 0 }])
        d.push(H3x3)
        expect([d.regions, d.regionsComplete, d.regionCounts]).toEqual([[], false, []])
    })

    test("~M has no mask bit: a quiet stream (mask 10) still carries its table", () => {
        const d = decode(["~H 0 3 pico multi 20020000 21000 1000 10 0 2", M1, M2, "~X 3 A 8000 4"])
        expect(d.regionsComplete).toBe(true)
    })

    test("outside-region: a block in the hole names both neighbours; one straddling two regions too", () => {
        const d = decode([H3x3, "~M 1 0 0 8000 tlsf -", "~M 2 1 10000 1000 buddy dma", "~M 3 2 20000 1000 tlsf -", "~A 4 8010 10 8", "~A 5 7ff0 20 8", "~A 6 10000 10 8"])
        expect(d.anomalies.map(a => a.message)).toEqual([
            "line 5 (seq 0x4): block 0x20028010+0x10 lies between region 0 (0x20020000..0x20028000) and region 1 (0x20030000..0x20031000)",
            "line 6 (seq 0x5): block 0x20027ff0+0x20 straddles region 0 (0x20020000..0x20028000) and region 1 (0x20030000..0x20031000)",
        ])
        expect(d.anomalies.map(a => a.kind)).toEqual(["outside-region", "outside-region"])
        // The model keeps them (the firmware holds them) but no region counts them.
        expect(d.counts.liveBlocks).toBe(3)
        expect(d.regionCounts.map(c => c.liveBlocks)).toEqual([0, 1, 0])
    })

    test("outside the span: the version-2 message, once", () => {
        const d = decode([H3, M1, M2, "~A 3 21000 10 8"])
        expect(d.anomalies.map(a => a.message)).toEqual(["line 4 (seq 0x3): block 0x20041000+0x10 is outside the region 0x20020000..0x20041000"])
    })
})

describe("decoder: table gaps (allowGaps)", () => {
    test("a lost region line: recorded as a gap, the table stays incomplete, its region unknown", () => {
        const d = decode([H3x3, "~M 1 0 0 8000 tlsf -", "~M 3 2 20000 1000 tlsf -", "~A 4 20000 10 8", "~A 5 10000 10 8"], true)
        expect(d.gaps).toEqual([{ from: 2, to: 2, lineNo: 3 }])
        expect(d.regionsComplete).toBe(false)
        expect(d.regions.map(r => r.index)).toEqual([0, 2])
        expect(d.regionOf(0x20040000)).toBe(2)
        expect(d.regionOf(0x20030000)).toBe(-1)
        // No hole anomaly while the table is incomplete: the lost region may hold the block.
        expect(d.anomalies).toEqual([])
        expect(d.regionCounts.map(c => c.liveBlocks)).toEqual([0, 1])
    })

    test("a gap that swallows the whole table", () => {
        const d = decode([H3, "~A 5 0 10 8"], true)
        expect(d.gaps).toEqual([{ from: 1, to: 4, lineNo: 2 }])
        expect([d.regions, d.regionsComplete]).toEqual([[], false])
        expect(d.counts.liveBlocks).toBe(1)
    })

    test("a gap that ends inside the table: the rest of it must still come as ~M", () => {
        expect(() => decode([H3x3, "~A 2 0 10 8"], true)).toThrow(/the header announced 3 regions: expected ~M \(region 1\) before ~A/)
    })
})

describe("decoder: version-3 stream errors", () => {
    const long = "a," + "b,".repeat(500_000) + "c"
    const cases: [string, string[], RegExp][] = [
        ["a v3 header of 9 fields", ["~H 0 3 pico multi 20020000 21000 1000 7ff 0"], /line 1: .*a version-3 header \(~H\) has 10 fields after the letter, got 9 \(the 10th is the region count\)/],
        ["a v2 header of 10 fields", ["~H 0 2 pico tlsf 20020000 8000 1000 7ff 0 2"], /a version-2 header \(~H\) has 9 fields after the letter, got 10$/],
        ["a v3 header of 11 fields", [H3 + " 0"], /~H needs 9 \(10 in version 3\) fields after the letter, got 11/],
        ["one region", ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 1"], /field 10 \(regions\) must be 2\.\.40 \(a heap of one region streams version 2\), got 0x1/],
        ["65 regions", ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 41"], /field 10 \(regions\) must be 2\.\.40 .*got 0x41/],
        ["2^52 − 1 regions", ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 fffffffffffff"], /field 10 \(regions\) must be 2\.\.40 .*got 0xfffffffffffff/],
        ["2^52 regions", ["~H 0 3 pico multi 20020000 21000 1000 7ff 0 10000000000000"], /field 10 \(regions\) must be canonical lowercase hex/],
        ["an event before the table", [H3, "~A 1 0 10 4"], /line 2: "~A 1 0 10 4": the header announced 2 regions: expected ~M \(region 0\) before ~A/],
        ["a phase inside the table", [H3, M1, "~P 2 boxes"], /line 3: .*the header announced 2 regions: expected ~M \(region 1\) before ~P/],
        ["a ~M after the table", [H3, M1, M2, "~M 3 2 21000 10 tlsf -"], /line 4: .*a region line \(~M\) belongs in the table right after the header \(seq 1\.\.0x2\), not at seq 0x3/],
        ["a ~M in a version-2 stream", [V2, "~M 1 0 0 8000 tlsf -"], /line 2: .*a region line \(~M\) exists only in protocol version 3 streams \(a heap of several regions\); this stream is version 2/],
        ["a ~M in a version-1 stream", [V1, "~M 1 0 0 8000 tlsf -"], /this stream is version 1/],
        ["a ~M before any header", [M1], /line 1: .*expected the stream header \(~H\) before any event/],
        ["a repeated ~M", [H3, M1, M1], /line 3: .*duplicate line: seq 0x1/],
        ["index out of order", [H3, "~M 1 1 0 7000 tlsf -"], /line 2: .*field 2 \(index\) must be 0x0: the table lists the regions in address order, region i on seq i \+ 1; got 0x1/],
        ["offset not aligned", [H3, M1, "~M 2 1 20010 ff0 tlsf -"], /field 3 \(offset\) 0x20010 must be a multiple of the header's maxalign 0x1000/],
        ["an empty region", [H3, M1, "~M 2 1 20000 0 tlsf -"], /field 4 \(size\) must be above 0: region 1 is empty/],
        ["the first region not at offset 0", [H3, "~M 1 0 1000 6000 tlsf -"], /region 0 must start at the header's base \(offset 0\), got offset 0x1000/],
        ["overlapping regions", [H3, M1, "~M 2 1 6000 1b000 tlsf -"], /region 1 \(0x20026000\.\.0x20041000\) overlaps or precedes region 0 \(0x20020000\.\.0x20027000\): regions are sorted by address and disjoint/],
        ["a region past the span", [H3x3, M1, "~M 2 1 20000 2000 tlsf -"], /region 1 \(0x20040000\.\.0x20042000\) ends at offset 0x22000, past the header's span \(size 0x21000\)/],
        ["the last region short of the span's end", [H3, M1, "~M 2 1 20000 800 tlsf -"], /the last region \(1\) must end where the header's span ends \(offset 0x21000\), it ends at offset 0x20800/],
        ["an offset of 9 digits", [H3, M1, "~M 2 1 100000000 1000 tlsf -"], /field 3 \(offset\) is an offset from the header's base and must be below 2\^32/],
        ["a bad kind", [H3, "~M 1 0 0 7000 tl$f -"], /field 5 \(kind\) must be 1-24 characters of \[A-Za-z0-9\._-\], got "tl\$f"/],
        ["an uppercase tag", [H3, "~M 1 0 0 7000 tlsf Fast"], /field 6 \(tags\) must be "-" or 1-8 tags of 1-24 characters of \[a-z0-9_-\] joined by commas, got "Fast"/],
        ["an empty tag", [H3, "~M 1 0 0 7000 tlsf fast,,dma"], /field 6 \(tags\) must be "-" or 1-8 tags/],
        ["a tag of 25 characters", [H3, `~M 1 0 0 7000 tlsf ${"t".repeat(25)}`], /field 6 \(tags\) must be/],
        ["nine tags", [H3, "~M 1 0 0 7000 tlsf a,b,c,d,e,f,g,h,i"], /field 6 \(tags\) holds more than 8 tags, the most a region has/],
        ["a hundred tags", [H3, `~M 1 0 0 7000 tlsf ${Array.from({ length: 100 }, (_, i) => "t" + i).join(",")}`], /field 6 \(tags\) holds more than 8 tags/],
        ["half a million tags in a 1 MB line", [H3, `~M 1 0 0 7000 tlsf ${long}`], /field 6 \(tags\) holds more than 8 tags/],
        ["a missing tags field", [H3, "~M 1 0 0 7000 tlsf"], /~M needs 6 fields after the letter, got 5/],
    ]
    for (const [name, lines, re] of cases)
        test(name, () => {
            const e = protocolError(lines)
            expect(e.message).toMatch(re)
            expect(e.message.length).toBeLessThan(600) // the 1 MB line is quoted cut short
        })

    test("an error in the table leaves the decoder as it was before the line", () => {
        const d = decode([H3, M1])
        expect(() => d.push("~M 2 1 20000 800 tlsf -")).toThrow(ProtocolError)
        expect([d.regions.length, d.regionsComplete]).toEqual([1, false])
        d.push(M2)
        expect(d.regionsComplete).toBe(true)
    })
})

describe("round trip: seeded workloads over MultiAllocators", () => {
    /**
     * Decodes the workload's stream line by line and, after every call,
     * checks the model's blocks against the workload's, every live block's
     * region against the heap's own partIndex, and
     * each region's counts against its part's allocator and the workload.
     */
    function roundTrip(regions: number, tagged: boolean, seed: number, steps: number) {
        const multi = multiHeap(regions, tagged)
        const d = new StreamDecoder()
        const heap = new LoggingAllocator(multi, "pico", { statsEvery: 25, emit: l => d.push(l) })
        const problems: string[] = []
        let calls = 0
        let w: MultiWorkload = null as unknown as MultiWorkload
        const after = () => {
            calls++
            const bytes = multi.region.parts.map(() => 0)
            const live = w.ptrs.filter(p => p !== 0).sort((x, y) => x - y)
            const model = d.blocks().map(x => x.ptr)
            if (model.join() !== live.join()) problems.push(`call ${calls}: the model's blocks ${model.join()} are not the workload's ${live.join()}`)
            for (let i = 0; i < w.ptrs.length; i++) {
                const p = w.ptrs[i]
                if (p === 0) continue
                const want = multi.region.partIndex(p)
                if (d.regionOf(p) !== want) problems.push(`call ${calls}: regionOf(${p.toString(16)}) = ${d.regionOf(p)}, the heap says ${want}`)
                bytes[want] += w.sizes[i]
            }
            d.regionCounts.forEach((c, i) => {
                if (c.liveBlocks !== multi.heaps[i].stats().liveBlocks) problems.push(`call ${calls}: region ${i} has ${c.liveBlocks} live blocks, its heap ${multi.heaps[i].stats().liveBlocks}`)
                if (c.liveBytes !== bytes[i]) problems.push(`call ${calls}: region ${i} has ${c.liveBytes} live bytes, the workload ${bytes[i]}`)
            })
        }
        w = new MultiWorkload(heap, seed, name => heap.phase(name), after)
        w.run(steps)
        return { multi, d, problems, calls }
    }

    for (const [regions, tagged, seed] of [...MULTI_STREAMS, [2, 0, 4242], [3, 1, 31337], [3, 0, 8]])
        test(`${regions} regions, ${tagged ? "tagged" : "no tags"}, seed ${seed}: every block's region is the heap's partIndex after every call`, () => {
            const { multi, d, problems, calls } = roundTrip(regions, tagged === 1, seed, 2000)
            expect(problems.slice(0, 5)).toEqual([])
            expect(calls).toBeGreaterThan(1000)
            expect(d.regions.map(r => [r.base, r.size, r.kind, r.tags.join(" ")])).toEqual(multi.region.parts.map((p, i) => [p.base, p.size, multi.region.kinds[i], multi.region.tags[i]]))
            expect(d.anomalies).toEqual([])
            // The workload reaches every region and fills them: each had live blocks, some requests failed.
            expect(d.regionCounts.every(c => c.peakLiveBytes > 0)).toBe(true)
            expect(d.counts.failures).toBeGreaterThan(0)
            expect(d.counts.liveBlocks).toBe(multi.stats().liveBlocks)
        })

    test("the streams the VM test compares are non-trivial: every line kind of a workload, each region used", () => {
        const lines: string[] = []
        multiStream(2, l => lines.push(l)).run(STREAM_STEPS)
        const kinds = new Set(lines.map(l => l.slice(0, 2)))
        expect([...kinds].sort()).toEqual(["~A", "~F", "~H", "~M", "~P", "~R", "~S", "~X", "~Z"])
        const d = decode(lines)
        expect(d.regionCounts.every(c => c.peakLiveBytes > 0)).toBe(true)
    })
})

describe("docs/protocol.md §4.1: the stream of a heap of two regions", () => {
    const L = (size: number, align: number) => Layout.fromSizeAlign(size, align)

    test("is what the encoder writes for the calls the section describes, and decodes as it says", () => {
        const lines: string[] = []
        const multi = new MultiAllocator(
            [new TlsfAllocator(new StaticRegion(0x20020000, 0x7000)), new TlsfAllocator(new StaticRegion(0x20040000, 0x1000))],
            ["", "fast dma"],
            MultiPolicy.Prefer,
            "fast",
        )
        const heap = new LoggingAllocator(multi, "pico", { emit: l => lines.push(l) })
        heap.phase("boxes")
        const a = heap.alloc(L(12, 4))
        const b = heap.allocZeroed(L(0x800, 8))
        heap.alloc(L(0x900, 8))
        heap.realloc(a, L(12, 4), 0x40)
        heap.dealloc(b, L(0x800, 8))
        expect(heap.alloc(L(0x8000, 4))).toBe(0)
        heap.emitStats()
        heap.phase("done")

        const doc = readFileSync("docs/protocol.md", "utf8")
        const m = /<!-- v3-example:begin -->\n```\n([\s\S]*?)\n```\n<!-- v3-example:end -->/.exec(doc)
        expect(m, "docs/protocol.md has no v3-example block").not.toBeNull()
        // The commentary starts at the first run of two spaces.
        const docLines = (m as RegExpExecArray)[1].split("\n").map(l => l.split(/ {2,}/)[0])
        expect(docLines).toEqual(lines)

        const d = decode(docLines)
        expect(d.regions).toEqual([
            { index: 0, base: 0x20020000, size: 0x7000, kind: "tlsf", tags: [] },
            { index: 1, base: 0x20040000, size: 0x1000, kind: "tlsf", tags: ["fast", "dma"] },
        ])
        expect(d.regionsComplete).toBe(true)
        expect(d.counts.liveBlocks).toBe(2)
        expect(d.regionCounts).toEqual([
            { liveBlocks: 1, liveBytes: 2304, peakLiveBytes: 2304 },
            { liveBlocks: 1, liveBytes: 64, peakLiveBytes: 2112 },
        ])
        expect(d.anomalies).toEqual([])
    })
})
