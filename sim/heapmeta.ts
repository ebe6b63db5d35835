/**
 * sim/heapmeta.ts — where an allocator keeps its own bytes (metadata) in a
 * region, derived on the host from the allocator itself, so a heap map can
 * draw metadata apart from free space without the event stream carrying it.
 *
 * The stream's header names the allocator kind, the region base and size
 * (docs/protocol.md); that is all it takes. For the kind we build the same
 * allocator over a fresh host region of that size and ask it:
 *
 *     fresh region:  [ fixed metadata | blocks … walk() covers … | fixed ]
 *                      ▲ bytes no block covers in a fresh allocator
 *     two blocks:    … [hdr][A: 32 B][hdr][B: 32 B] …
 *                            blockHeader = B − (A + 32) when B follows A
 *
 *   fixed        the complement of walk()'s blocks right after construction:
 *                buddy's tree at the top, TLSF's control structure and end
 *                sentinel, pool's page table (bump has none).
 *   blockHeader  bytes each live block carries just before its payload
 *                (bump and TLSF: an 8-byte header; buddy and pool: none).
 *
 * Works for any kind registry.ts knows, so an allocator added there gets a
 * correct map with no change here. Cost: one construction and a walk,
 * O(region / smallest block); cached per (kind, base, size).
 */
import { ALLOCATOR_KINDS, makeAllocator } from "../src/allocators/registry"
import { Layout } from "../src/core/layout"
import { StaticRegion } from "../src/core/region"
import { MapBlock } from "./heapmap"

export interface HeapMetadata {
    /** Metadata extents that exist whatever is live (absolute addresses). */
    fixed: MapBlock[]
    /** Bytes of header before each live block's payload. */
    blockHeader: number
}

const cache = new Map<string, HeapMetadata | null>()

/** The allocator kind in a header's allocator field ("tlsf", or a kind inside a longer name); undefined when unknown. */
export function allocatorKind(name: string): string | undefined {
    return ALLOCATOR_KINDS.find(k => k === name) ?? ALLOCATOR_KINDS.find(k => new RegExp(`\\b${k}\\b`).test(name))
}

/** Where `kind` keeps metadata in a region of `size` bytes at `base`; null for an allocator bareheap does not know. */
export function heapMetadata(kind: string, base: number, size: number): HeapMetadata | null {
    const key = `${kind}@${base}+${size}`
    if (cache.has(key)) return cache.get(key) ?? null
    const k = allocatorKind(kind)
    let meta: HeapMetadata | null = null
    if (k !== undefined) {
        try {
            meta = derive(k, base, size)
        } catch {
            meta = null // a region the allocator refuses (too small): no metadata to draw
        }
    }
    cache.set(key, meta)
    return meta
}

function derive(kind: string, base: number, size: number): HeapMetadata {
    const fresh = makeAllocator(kind, new StaticRegion(base, size, size))
    const covered: MapBlock[] = []
    fresh.walk((ptr, n) => covered.push({ ptr, size: n }))
    covered.sort((a, b) => a.ptr - b.ptr)
    const fixed: MapBlock[] = []
    let at = base
    // A fresh bump allocator walks no block: its whole region is free space.
    if (covered.length > 0) {
        for (const b of covered) {
            if (b.ptr > at) fixed.push({ ptr: at, size: b.ptr - at })
            at = Math.max(at, b.ptr + b.size)
        }
        if (at < base + size) fixed.push({ ptr: at, size: base + size - at })
    }
    const l = Layout.fromSizeAlign(32, 8)
    const a = fresh.alloc(l)
    const b = fresh.alloc(l)
    const blockHeader = a !== 0 && b > a ? Math.max(0, b - (a + 32)) : 0
    return { fixed, blockHeader }
}

/** The metadata extents to draw beside `used` live blocks: the fixed ones and each block's header. */
export function metadataExtents(meta: HeapMetadata | null, used: MapBlock[]): MapBlock[] {
    if (!meta) return []
    if (meta.blockHeader === 0) return meta.fixed
    return [...meta.fixed, ...used.map(b => ({ ptr: b.ptr - meta.blockHeader, size: meta.blockHeader }))]
}
