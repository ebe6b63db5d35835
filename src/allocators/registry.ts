/**
 * registry.ts — the allocator kinds a firmware (or `npm start -- --allocator`)
 * can choose by name, and the one place that maps a name to a constructor.
 */
import { BestfitAllocator } from "./bestfit"
import { BuddyAllocator } from "./buddy"
import { BumpAllocator } from "./bump"
import { HeapError, HeapErrorCode } from "../core/errors"
import { HeapAllocator } from "../api/global_alloc"
import { PoolAllocator } from "./pool"
import { StaticRegion } from "../core/region"
import { TlsfAllocator } from "./tlsf"

/** Names accepted by makeAllocator, in the order help text lists them. */
export const ALLOCATOR_KINDS = ["buddy", "bump", "tlsf", "pool", "bestfit"]

/** What the firmware uses when nobody chooses. */
export const DEFAULT_ALLOCATOR = "buddy"

/**
 * A new allocator of the named kind over the region.
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
    throw new HeapError(HeapErrorCode.BadArgument, 0, "unknown allocator \"" + kind + "\"; known: " + ALLOCATOR_KINDS.join(", "))
}
