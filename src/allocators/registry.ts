/**
 * registry.ts — the allocator kinds a firmware (or `npm start -- --allocator`)
 * can choose by name, and the one place that maps a name to a constructor:
 * makeAllocator over a region the caller made, makeHeapForBoard over what a
 * board declares (its heap region, or its heapRegions for "multi").
 */
import { BestfitAllocator } from "./bestfit"
import { BuddyAllocator } from "./buddy"
import { BumpAllocator } from "./bump"
import { HeapError, HeapErrorCode } from "../core/errors"
import { HeapAllocator } from "../api/global_alloc"
import { PoolAllocator } from "./pool"
import { StaticRegion } from "../core/region"
import { Board } from "../../boards/board"
import { SystemAllocator } from "./system"
import { MultiAllocator } from "./multi"
import { TlsfAllocator } from "./tlsf"

/**
 * The allocators over one StaticRegion (their blocks are bytes of region.buf,
 * so the debug layer and region-level tests apply), in help-text order.
 */
export const ALLOCATOR_KINDS = ["buddy", "bump", "tlsf", "pool", "bestfit"]

/**
 * Every name makeAllocator accepts: ALLOCATOR_KINDS plus "system" (blocks on
 * the VM's own heap behind a region view, system.ts) and "multi" (several
 * regions, multi.ts). Suites whose clauses
 * hold for any HeapAllocator (conformance, properties, the Allocator API,
 * logging, tracking) run over these.
 */
export const HEAP_KINDS = ["buddy", "bump", "tlsf", "pool", "bestfit", "system", "multi"]

/** What the firmware uses when nobody chooses. */
export const DEFAULT_ALLOCATOR = "buddy"

/**
 * A new allocator of the named kind over the region ("system" takes only
 * half the region's size, as its capacity budget: system.ts).
 *
 * ```ts
 * const heap = makeAllocator("bump", StaticRegion.forBoard(PICO))
 * ```
 */
export function makeAllocator(kind: string, region: StaticRegion): HeapAllocator {
    if (kind === "buddy") return new BuddyAllocator(region)
    if (kind === "bump") return new BumpAllocator(region)
    if (kind === "tlsf") return new TlsfAllocator(region)
    if (kind === "pool") return new PoolAllocator(region)
    if (kind === "bestfit") return new BestfitAllocator(region)
    // The VM's own heap, with half the region's size as its budget (system.ts's constructor).
    if (kind === "system") return new SystemAllocator(region)
    // Two TLSF parts carved out of this region, a hole between them (multi.ts's constructor).
    if (kind === "multi") return new MultiAllocator(region)
    throw unknownKind(kind)
}

function unknownKind(kind: string): HeapError {
    return new HeapError(HeapErrorCode.BadArgument, 0, "unknown allocator \"" + kind + "\"; known: " + HEAP_KINDS.join(", "))
}

/**
 * A new allocator of the named kind for a board, taking no more of the VM's
 * heap than the board's heap.size: "multi" over the board's heapRegions
 * (MultiAllocator.forBoard), "system" with half of heap.size as its budget
 * (SystemAllocator.forBoard: no region made only to be dropped), every other kind over StaticRegion.forBoard(board).
 *
 * ```ts
 * const heap = makeHeapForBoard("multi", PICO) // 24 KiB of striped SRAM + SRAM4
 * ```
 */
export function makeHeapForBoard(kind: string, board: Board): HeapAllocator {
    if (kind === "multi") return MultiAllocator.forBoard(board)
    if (kind === "system") return SystemAllocator.forBoard(board)
    if (HEAP_KINDS.indexOf(kind) < 0) throw unknownKind(kind)
    return makeAllocator(kind, StaticRegion.forBoard(board))
}
