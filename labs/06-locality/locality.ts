/**
 * labs/06-locality/locality.ts — YOUR locality measures (lab 6; README.md
 * beside this file): how many cache lines a layout makes a program touch, and
 * how far apart an allocator puts blocks allocated one after the other.
 *
 *     a Vec of values:  [v0 v1 v2 v3 v4 v5 v6 v7][v8 …]      one block, n × 4 bytes
 *     a Vec of boxes:   [p0 p1 p2 …] ──▶ [hdr v0] [hdr v1] …  n + 1 blocks
 *                        each pᵢ points to its own small block somewhere in the region
 *
 * Every function throws "not implemented" until you write it:
 *   npm run grade -- labs/06-locality/locality.ts --lab 6
 * Must compile for DeviceScript too: `npx devs build labs/06-locality/locality.ts`.
 */
import { HeapAllocator } from "../../src/api/global_alloc"

/** How many distinct lines of `lineBytes` the byte addresses fall in. */
export function distinctLines(addresses: number[], lineBytes: number): number {
    throw new Error("not implemented: distinctLines")
}

/** The mean of |ptrs[i] − ptrs[i − 1]| over i ≥ 1 (0 for fewer than two pointers). */
export function meanDistance(ptrs: number[]): number {
    throw new Error("not implemented: meanDistance")
}

/**
 * Allocates n u32 values as one block (a Vec of values), returns how many
 * 32-byte lines reading all n values touches, and frees the block.
 */
export function valuesLayoutLines(heap: HeapAllocator, n: number): number {
    throw new Error("not implemented: valuesLayoutLines")
}

/**
 * Allocates a block of n pointers and n blocks of one u32 each (a Vec of
 * boxes), returns how many 32-byte lines reading all n values through their
 * pointers touches (the pointer array's lines and each box's), and frees them.
 */
export function boxesLayoutLines(heap: HeapAllocator, n: number): number {
    throw new Error("not implemented: boxesLayoutLines")
}
