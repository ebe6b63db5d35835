/**
 * buddy_layout.ts — the constants of the buddy allocator's metadata layout
 * (version 3, drawn in buddy.ts's header comment), in one place for the
 * allocator (buddy.ts), its verifier (buddy_check.ts) and tests that read a
 * region dump. Changing one changes the layout: bump BUDDY_VERSION.
 */
/** "BDDY" as a little-endian u32 at metaStart, the first byte of the metadata. */
export const BUDDY_MAGIC = 0x59444442
/** Version of the metadata layout described in the header comment. */
export const BUDDY_VERSION = 3
/** End of a free list: an offset no block can have. Stored with setAt "u32" (a positive value, no saturation). */
export const BUDDY_NIL = 0xffffffff
/** Offset of heads[0] from the metadata start (BuddyAllocator.metaStart); heads[k] is at metaStart + BUDDY_HEADS + 4k. */
export const BUDDY_HEADS = 16
/** Size of an order-0 block, the grain of every block offset. */
export const BUDDY_MIN_BLOCK = 16
