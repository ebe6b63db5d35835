/**
 * Catalogue rows (tests/robustness/catalogue.ts) for the firmware: pointers,
 * layouts, the debug layer, the region, the Allocator API, containers and
 * the number formatters. Outcomes hold on the host and in the VM unless a
 * row says otherwise.
 */
import type { CatalogueRow } from "../catalogue"

const CONTRACT = "tests/contract/robustness.ts"
const HOST = "tests/robustness/robustness.test.ts"
const API = "tests/contract/robustness_api.ts"

export const ROWS: CatalogueRow[] = [
    {
        input: "pointer NaN, Infinity or -Infinity to dealloc / realloc of any allocator, directly or through the debug (light, full), logging, tracking or OOM-hook layer",
        outcome: "HeapError out-of-region naming the value (`NaN`, `Infinity`), in O(1); nothing changes (it once looped in hex() until V8 gave up, and panicked the VM with out-of-memory)",
        test: CONTRACT + " › garbage pointers (NaN, ±Infinity, negative, fractional, huge, -0)",
    },
    {
        input: "negative pointer (-1, -16), pointer ≥ 2^53 or 1e300, the address one past the region",
        outcome: "HeapError out-of-region naming the value (`-0x10`, `9007199254740994`, `1e+300`, `0x20022000`)",
        test: CONTRACT + " › garbage pointers (NaN, ±Infinity, negative, fractional, huge, -0)",
    },
    {
        input: "fractional pointer, e.g. a live block's p + 0.5",
        outcome: "HeapError misaligned naming `0x20020010+0.5` (whole part in hex, fraction in decimal)",
        test: CONTRACT + " › garbage pointers (NaN, ±Infinity, negative, fractional, huge, -0)",
    },
    {
        input: "pointer -0",
        outcome: "the null pointer (-0 === 0): HeapError not-allocated \"null pointer\"",
        test: CONTRACT + " › garbage pointers (NaN, ±Infinity, negative, fractional, huge, -0)",
    },
    {
        input: "forged Layout object (`{size: -1, align: 3} as Layout`; align 0, -8, 0.5, 8192, NaN; size NaN, Infinity, 2.5, 2^31 − 2 with align 8, 2^32) at alloc, allocZeroed, dealloc or realloc, directly or through any layer",
        outcome: "LayoutError \"alloc: invalid layout: …\" (the call named) naming the bad field, before any change (never heap corruption)",
        test: CONTRACT + " › forged and mutated Layouts and garbage realloc sizes are LayoutErrors",
    },
    {
        input: "a Layout whose size was assigned after construction (`readonly` is TypeScript-only)",
        outcome: "LayoutError, as a forged one",
        test: CONTRACT + " › forged and mutated Layouts and garbage realloc sizes are LayoutErrors",
    },
    {
        input: "realloc new size NaN, -1, 2.5, ±Infinity, 2^31",
        outcome: "LayoutError \"realloc: new size … must be …\"; the block stays valid",
        test: CONTRACT + " › forged and mutated Layouts and garbage realloc sizes are LayoutErrors",
    },
    {
        input: "Layout size or align that is not a number (a 1 MB string)",
        outcome: "LayoutError \"size must be a number, not a string\" (bounded message)",
        test: "tests/core/layout.test.ts › NaN and non-number sizes",
    },
    {
        input: "the layout guard's expression (layoutOk) on hostile sizes × aligns",
        outcome: "agrees with Layout's constructor on every pair",
        test: HOST + " › on every combination of hostile sizes and aligns",
    },
    {
        input: "misuse at DebugAllocator (light or full): p + 0.5, p + 1, p + 4, p + 8, p + 16, p − 8, double free, null, region end, NaN, Infinity",
        outcome: "the same HeapErrorCode as the allocator beneath (p + 0.5 is misaligned, not corrupt; buddy's 16-byte grain makes p + 8 misaligned); corrupt only for a valid head with broken list links",
        test: CONTRACT + " › the debug layer (light and full) gives the allocator's own code",
    },
    {
        input: "StaticRegion read/write at NaN, ±Infinity or outside the region",
        outcome: "HeapError out-of-region; no byte changes",
        test: CONTRACT + " › StaticRegion accessors, fill and copy reject garbage",
    },
    {
        input: "StaticRegion access at a fractional address",
        outcome: "HeapError misaligned \"not a whole address\"",
        test: CONTRACT + " › StaticRegion accessors, fill and copy reject garbage",
    },
    {
        input: "StaticRegion fill / copy / readBytes length NaN, negative, fractional or Infinity",
        outcome: "HeapError bad-argument naming the length",
        test: CONTRACT + " › StaticRegion accessors, fill and copy reject garbage",
    },
    {
        input: "StaticRegion fill / copy of length 0 at any address",
        outcome: "no-op, as memset(p, b, 0) (zero-size blocks' dangling pointers lie outside the region)",
        test: "tests/core/layout.test.ts › fill sets bytes; length 0 is a no-op anywhere",
    },
    {
        input: "Allocator API deallocate(NaN), grow(Infinity), shrink(-16); grow(p + 0.5) to a new align",
        outcome: "HeapError out-of-region / misaligned naming the value",
        test: API + " › the Allocator API, the global functions and containers reject",
    },
    {
        input: "forged layout at allocate, deallocate, grow, shrink, Box.newIn, global alloc; zero-size `{size: 0, align: 3}`",
        outcome: "LayoutError (a zero-size block's align is validated too: the inner allocator never sees it)",
        test: API + " › the Allocator API, the global functions and containers reject",
    },
    {
        input: "Vec index NaN, Infinity, -0.5; reserve(NaN), reserve(-1), truncate(Infinity); Box field offset NaN, Infinity, 0.5; HeapString byteAt(NaN), pushCodePoint(Infinity), reserve(-1)",
        outcome: "HeapError bad-argument; every container keeps its contents",
        test: API + " › the Allocator API, the global functions and containers reject",
    },
    {
        input: "hex() / ptrText() of any double (20,000 random bit patterns, NaN, ±Infinity, −0, subnormals, ±MAX_VALUE)",
        outcome: "returns in O(1), at most TEXT_MAX = 48 characters",
        test: HOST + " › hex() and ptrText() return at most TEXT_MAX",
    },
    {
        input: "hex() / ptrText() of a non-number (a 1 MB string)",
        outcome: "`?(string)` / `(string)`",
        test: HOST + " › ptrText names each kind of garbage exactly",
    },
    {
        input: "10^6 random alloc / allocZeroed / dealloc / realloc per allocator (sizes 0..2 KiB, align ≤ 64; 32 KiB and 57,343-byte regions)",
        outcome: "no overlap, aligned and in-region, zeroed reads 0, realloc keeps the prefix, patterns intact, stats agree, check() clean, largestFree is allocatable",
        test: "tests/fuzz/suite.ts › random ops on",
    },
    {
        input: "an allocator with a stray write into a neighbour, a lost block, an interior pointer handed out, a corrupted realloc prefix",
        outcome: "each caught by the fuzzer's shadow model",
        test: "tests/fuzz/broken.test.ts › is caught",
    },
    {
        input: "10^4 random ops inside the VM (GC-stress off) behind LoggingAllocator",
        outcome: "the event stream equals the host's for the same seed, byte for byte",
        test: "tests/vm.test.ts › stream the host's events byte for byte",
    },
]
