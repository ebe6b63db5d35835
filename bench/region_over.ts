/**
 * bench/region_over.ts — host only: a StaticRegion whose bytes are a given
 * ds.Buffer instead of a fresh one.
 *
 * StaticRegion's constructor always allocates its own Buffer. Two benchmarks
 * need another one underneath: the @thi.ng/malloc adapter (bench/thing.ts),
 * whose region must be a view of the peer's own ArrayBuffer, and the cost
 * counter (bench/counting.ts), whose region must read and write through a
 * counting Buffer that the allocator picks up at construction.
 *
 * Invariants: the result is a real StaticRegion (instanceof, every method),
 * with base, size = buf.length and buf as given; base is validated exactly as
 * the constructor does (non-null, MAX_ALIGN-aligned, inside 32 bits). There is
 * no size limit: this is a host tool, and the allocators enforce their own.
 * Cost: one object, no copy.
 *
 * ```ts
 * const u8 = new Uint8Array(1 << 20)
 * const r = regionOver(0x20000000, _simBufferOver(u8))
 * r.writeU8(0x20000010, 7) // u8[16] === 7
 * ```
 */
import * as ds from "@devicescript/core"
import { HeapError, HeapErrorCode } from "../src/core/errors"
import { ptrText } from "../src/core/hex"
import { MAX_ALIGN } from "../src/core/layout"
import { StaticRegion } from "../src/core/region"

/** A StaticRegion at `base` whose bytes are `buf` (no copy). */
export function regionOver(base: number, buf: ds.Buffer): StaticRegion {
    const size = buf.length
    if (!(base > 0) || base % MAX_ALIGN !== 0 || base + size > 0x100000000 || !(size > 0))
        throw new HeapError(HeapErrorCode.BadArgument, base, "regionOver: base " + ptrText(base) + " with " + size + " bytes is not a valid region")
    const r = Object.create(StaticRegion.prototype) as StaticRegion
    // The fields are readonly for firmware; this host tool sets them once, as the constructor would.
    Object.assign(r, { base, size, buf })
    return r
}
