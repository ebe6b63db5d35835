/**
 * sim/regions.ts — the heap's regions as every viewer draws them (text view,
 * live view, HTML report): a list of `{ index, base, size, kind, tags }` in
 * address order, the holes between them, and how many live blocks and bytes
 * each holds.
 *
 *     span: header base                                         base + size
 *     ┌──────────────┐  hole (not heap)  ┌─────────┐  hole  ┌──────────────┐
 *     │ region 0     │ ················· │ region 1│ ······ │ region 2     │
 *     └──────────────┘                   └─────────┘        └──────────────┘
 *
 * Where the list comes from: StreamDecoder.regions (docs/protocol.md,
 * version 3: the header's region table; versions 1 and 2: one region made
 * from the header, so a view always iterates over regions). Invariants of
 * the list (the decoder checks them on a v3 table): sorted by base,
 * disjoint, sizes > 0, N ≤ 64. A hole is outside the heap: views never
 * draw it as memory, only name it.
 *
 * Costs: blocksByRegion is O(blocks · log N) (the decoder's regionOf, a
 * binary search); the rest O(N) or O(1).
 */
import { DecodedRegion, StreamDecoder } from "./decoder"
import { escapeText } from "./escape"
import { sizeText } from "./heapmap"

/** Live blocks and payload bytes in one region. */
export interface RegionUsage {
    liveBlocks: number
    liveBytes: number
}

const hex8 = (n: number) => "0x" + n.toString(16).padStart(8, "0")

/**
 * Whether views draw the stream region by region: a version-3 stream (a heap of several regions),
 * even while its table is still arriving or after a gap lost part of it; a v1/v2 stream is one region
 * drawn as it always was.
 */
export function isMultiRegion(d: StreamDecoder): boolean {
    return d.header !== null && d.header.version >= 3
}

/** "0x20020000–0x20027fff": a region's first and last byte. */
export function rangeText(base: number, size: number): string {
    return `${hex8(base)}–${hex8(base + size - 1)}`
}

/** The region's tags as the stream spells them ("fast,dma"), or "-" for none; escaped. */
export function tagsText(r: DecodedRegion): string {
    return r.tags.length === 0 ? "-" : escapeText(r.tags.join(","), 200)
}

/** "region 1: 0x20040000–0x20040fff, 4 KiB, tlsf, tags fast" (kind and tags escaped: they come from the stream). */
export function regionCaption(r: DecodedRegion): string {
    return `region ${r.index}: ${rangeText(r.base, r.size)}, ${sizeText(r.size)}, ${escapeText(r.kind, 60)}, tags ${tagsText(r)}`
}

/** The holes between consecutive regions: [end of region i, base of region i + 1) where that is not empty. */
export function regionHoles(regions: DecodedRegion[]): { after: number; base: number; size: number }[] {
    const out: { after: number; base: number; size: number }[] = []
    for (let i = 0; i + 1 < regions.length; i++) {
        const end = regions[i].base + regions[i].size
        if (regions[i + 1].base > end) out.push({ after: i, base: end, size: regions[i + 1].base - end })
    }
    return out
}

/** The blocks whose start lies in each of the decoder's regions, parallel to `regions` (a block in a hole, or in a region a gap lost, is in none). */
export function blocksByRegion<B extends { ptr: number }>(d: StreamDecoder, blocks: B[]): B[][] {
    const at = new Map(d.regions.map((r, i) => [r.index, i])) // a region's index → its position in `regions` (they differ after a gap)
    const out: B[][] = d.regions.map((): B[] => [])
    for (const b of blocks) {
        const i = at.get(d.regionOf(b.ptr))
        if (i !== undefined) out[i].push(b)
    }
    return out
}

/** Live blocks and bytes of one region's blocks (a group from blocksByRegion). */
export function usageOf(blocks: { size: number }[]): RegionUsage {
    return { liveBlocks: blocks.length, liveBytes: blocks.reduce((n, b) => n + b.size, 0) }
}

/** "12.5 %": `part` of `whole` to one decimal. */
export function shareText(part: number, whole: number): string {
    return `${whole > 0 ? ((100 * part) / whole).toFixed(1) : "0.0"} %`
}

/** A usage bar `[####......]` of `width` cells for `used` of `size` bytes (any used byte shows at least one '#'). */
export function usageBar(used: number, size: number, width: number): string {
    const n = Math.max(1, width)
    const full = size > 0 ? Math.min(n, Math.ceil((used * n) / size)) : 0
    return `[${"#".repeat(full)}${".".repeat(n - full)}]`
}
