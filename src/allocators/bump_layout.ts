/**
 * bump_layout.ts — the constants of the bump allocator's block headers (drawn
 * in bump.ts's header comment), in one place for the allocator (bump.ts), its
 * verifier (bump_check.ts) and tests. The short names are the same values for
 * the hot paths; the DeviceScript compiler folds an imported const like a
 * local one (no global load), so keeping them here costs nothing.
 */
/** "No block": the prev field of the lowest block's header, and `last` of an empty heap. */
export const BUMP_NIL = 0xfffffc
/** Bytes of a block header. */
export const BUMP_HEADER = 8
/** Word 0: the prev offset field (bits 2..23). */
export const BUMP_PREV_MASK = 0xfffffc
/** Word 1: the payload size field (bits 0..23). */
export const BUMP_SIZE_MASK = 0xffffff
/** Word 1: bit 24, the block is allocated. */
export const BUMP_LIVE = 0x1000000
/** Largest region a bump header can describe (sizes and offsets < 2^24). */
export const BUMP_MAX_REGION = 0x1000000

// Short names for the hot paths (int32 values; the compiler inlines literals).
export const NIL = 0xfffffc
export const PREV = 0xfffffc
export const SIZE = 0xffffff
export const LIVE = 0x1000000
export const ALIGN_SHIFT = 25
export const ALIGN_MASK = 0x1e000000
/** Word 1's tag bits 29..31, and the tag 0b101 they must hold. */
export const TAG1_MASK = -0x20000000 // 0xE0000000 as int32
export const TAG1 = -0x60000000 // 0xA0000000 as int32
/** Word 1 without size and align: tag + LIVE. */
export const TAG1_LIVE_MASK = -0x1f000000 // 0xE1000000 as int32
export const TAG1_LIVE = -0x5f000000 // 0xA1000000 as int32
/** Word 1 of a dead block keeps only its tag and align: LIVE and size read 0 (B6). */
export const DEAD_KEEP = -0x2000000 // 0xFE000000 as int32
/** Word 0's generation and tag bits (all but prev), and its tag 0b10. */
export const W0_TAG_MASK = -0xfffffd // 0xFF000003 as int32
export const TAG0 = 2
/** 2^32: a mark is generation · TWO32 + address. */
export const TWO32 = 4294967296
