/**
 * The CI fuzz run through the layers (issue 9): 2×10^5 shadow-checked random
 * ops through DebugAllocator at Full (quarantine, fills, canaries) and
 * 2×10^5 through LoggingAllocator over TrackingAllocator, each spread over
 * the four allocator kinds and both region sizes (tests/fuzz/suite.ts).
 */
import { describe, test } from "vitest"
import { ALLOCATOR_KINDS, makeAllocator } from "../../src/allocators/registry"
import { DebugAllocator, DebugLevel } from "../../src/layers/debug"
import { LoggingAllocator } from "../../src/layers/logging"
import { TrackingAllocator } from "../../src/layers/tracking"
import { fuzzRegions } from "./suite"

const OPS_PER_STACK = 200_000

let lines = 0
function countLine(line: string): void {
    lines++
}

describe("fuzz through the layers", () => {
    test(`${OPS_PER_STACK} ops through DebugAllocator at full`, () => {
        // Region kinds: the shadow model (shadow.ts) mirrors one region's bytes; debug over system and multi has its own suites (tests/layers/debug_views.test.ts).
        for (const kind of ALLOCATOR_KINDS) fuzzRegions("debug full over " + kind, kind, OPS_PER_STACK / ALLOCATOR_KINDS.length, r => new DebugAllocator(makeAllocator(kind, r), DebugLevel.Full))
    }, 300_000)

    test(`${OPS_PER_STACK} ops through LoggingAllocator over TrackingAllocator`, () => {
        // Region kinds, not system or multi: the shadow model (shadow.ts) mirrors one region's bytes, which system's Buffers and multi's parts are not (their streams are fuzzed VM-vs-host in stream.ts).
        for (const kind of ALLOCATOR_KINDS)
            fuzzRegions("logging+tracking over " + kind, kind, OPS_PER_STACK / ALLOCATOR_KINDS.length, r => new LoggingAllocator(new TrackingAllocator(makeAllocator(kind, r)), "pico", { emit: countLine }))
    }, 300_000)
})
