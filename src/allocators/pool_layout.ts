/**
 * pool_layout.ts — the constants of the pool allocator's metadata layout
 * (version 2, drawn in pool.ts's header comment) and the sizes derived from
 * the page count, in one place for the allocator (pool.ts), its verifier
 * (pool_check.ts) and tests. Changing one changes the layout: bump
 * POOL_VERSION.
 */
/** "POOL" as a little-endian u32 at offset 0 of a pool region. */
export const POOL_MAGIC = 0x4c4f4f50
/** Version of the metadata layout described in the header comment. */
export const POOL_VERSION = 2
/** Bytes per page: the unit carved into class blocks or joined into spans. */
export const POOL_PAGE = 512
/** Size classes 16 << c for c < POOL_CLASSES: 16 … 512 bytes. */
export const POOL_CLASSES = 6
/** End of a page list or in-page free list. */
export const POOL_NIL = 0xffff
/** Page-table kind of a free page (part of a free run). Kinds 0..5 are size classes. */
export const POOL_FREE_PAGE = 0xff
/** Page-table kind of a span's first page (its u16 at +2 is the page count). */
export const POOL_SPAN_HEAD = 0xfe
/** Page-table kind of a span's other pages (its u16 at +2 is NIL). */
export const POOL_SPAN_TAIL = 0xfd
/** Offset of heads[0] (u16 per class). */
export const POOL_HEADS = 12
/** Offset of page 0's page-table entry; entry i is at POOL_TABLE + 16i. */
export const POOL_TABLE = 24
/** Entries of one run list a span request looks at (best fit among them); the top list never holds more. */
export const POOL_RUN_SCAN = 8

/** Number of free-run lists for n pages: floor(log2 n) − 1, at least 1 (so the top list holds < 8 runs). */
export function poolRunLists(n: number): number {
    let b = -1 // floor(log2 n) − 1, by halving (no Math.clz32 in DeviceScript)
    while (n > 1) {
        n >>= 1
        b++
    }
    return b < 1 ? 1 : b
}

/** Offset of page 0 for n pages: header, page table and run-list heads, rounded up to a page. */
export function poolMetaEnd(n: number): number {
    return Math.ceil((POOL_TABLE + 16 * n + 2 * poolRunLists(n)) / POOL_PAGE) * POOL_PAGE
}
