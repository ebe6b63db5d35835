/**
 * tests/fuzz/suite.ts — one allocator kind's share of the CI fuzz run:
 * FUZZ_OPS_PER_KIND shadow-checked operations (tests/fuzz/shadow.ts), half on
 * a 32 KiB region (the Pico's) and half on the largest device region
 * (57,343 bytes). Each kind has its own test file (fuzz_<kind>.test.ts) so
 * vitest spreads them over both cores. The seed is printed; set
 * BAREHEAP_FUZZ_SEED to vary it.
 */
import { expect, test } from "vitest"
import { makeAllocator } from "../../src/allocators/registry"
import { StaticRegion } from "../../src/core/region"
import { HeapAllocator } from "../../src/api/global_alloc"
import { DEFAULT_SEED } from "./ops"
import { fuzz, FUZZ_OPS_PER_KIND, FUZZ_REGIONS, fuzzSeed } from "./shadow"

/** Runs `ops` operations split over FUZZ_REGIONS on fresh `make` heaps and prints ops, seconds and ops/s. */
export function fuzzRegions(label: string, kind: string, ops: number, make: (r: StaticRegion) => HeapAllocator): void {
    const seed = fuzzSeed(DEFAULT_SEED)
    for (let i = 0; i < FUZZ_REGIONS.length; i++) {
        const bytes = FUZZ_REGIONS[i]
        const r = fuzz(make(new StaticRegion(0x20020000, bytes)), kind, (seed + i) >>> 0, ops / FUZZ_REGIONS.length)
        console.log(`fuzz ${label} on ${bytes} B: seed ${seed + i}, ${r.ops} ops in ${(r.ms / 1000).toFixed(2)} s (${Math.round((r.ops / r.ms) * 1000)} ops/s), ${r.failedRequests} nulls, ${r.checks} checks, ${r.largestProbes} largestFree probes, peak ${r.peakLive} live`)
        expect(r.checks).toBeGreaterThanOrEqual(ops / FUZZ_REGIONS.length / 10_000)
    }
}

/** The CI fuzz test of one allocator kind (a region kind: not system or multi: the shadow model (shadow.ts) mirrors one region's bytes, which system's Buffers and multi's parts are not (their streams are fuzzed VM-vs-host in stream.ts)). */
export function fuzzKind(kind: string): void {
    test(`fuzz: ${FUZZ_OPS_PER_KIND} random ops on ${kind} against the shadow model`, () => {
        fuzzRegions(kind, kind, FUZZ_OPS_PER_KIND, r => makeAllocator(kind, r))
    }, 300_000)
}
