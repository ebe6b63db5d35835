/**
 * labs/05-allocator-api-vec/vec.ts — YOUR growable vector over the Allocator
 * API (lab 5; README.md beside this file): Rust's `Vec::new_in(alloc)`.
 *
 *     LabVec { ptr, cap, len }        region (owned by the allocator)
 *        ptr ───────────────────────▶ ┌────┬────┬────┬────┬─────────────┐
 *                                     │ e0 │ e1 │ e2 │ .. │ (cap − len) │
 *                                     └────┴────┴────┴────┴─────────────┘
 *     elements are u32 (4 bytes, align 4); the block's layout is (cap × 4, 4).
 *
 * Every method throws "not implemented" until you write it:
 *   npm run grade -- labs/05-allocator-api-vec/vec.ts --lab 5
 * Must compile for DeviceScript too: `npx devs build labs/05-allocator-api-vec/vec.ts`.
 */
import { Allocator } from "../../src/api/allocator_api"

export class LabVec {
    readonly allocator: Allocator

    constructor(allocator: Allocator) {
        this.allocator = allocator
        // TODO: ptr, cap, len. An empty vector allocates nothing (Rust: a dangling pointer).
    }

    /** An empty vector whose memory will come from `allocator`. */
    static newIn(allocator: Allocator): LabVec {
        return new LabVec(allocator)
    }

    len(): number {
        throw new Error("not implemented: len")
    }

    capacity(): number {
        throw new Error("not implemented: capacity")
    }

    /** Appends v (a u32), growing the block (doubling) when it is full. On AllocError nothing changes. */
    push(v: number): void {
        throw new Error("not implemented: push")
    }

    get(i: number): number {
        throw new Error("not implemented: get")
    }

    pop(): number {
        throw new Error("not implemented: pop")
    }

    /** Shrinks the block to exactly len() elements (or frees it when empty). */
    shrinkToFit(): void {
        throw new Error("not implemented: shrinkToFit")
    }

    /** Frees the block; the vector is empty afterwards. */
    drop(): void {
        throw new Error("not implemented: drop")
    }
}
