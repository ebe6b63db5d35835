/**
 * bench/fuzz.ts — `npm run bench:fuzz`: the throughput of the CI fuzz run
 * (tests/fuzz/: the shadow model of tests/fuzz/shadow.ts over the ops of
 * tests/fuzz/ops.ts), per allocator kind and region, written to bench/fuzz.md
 * so the CI time budget can be checked against measured numbers.
 *
 * Method: the same calls the fuzz tests make (fuzzRegions: FUZZ_OPS_PER_KIND
 * ops per kind split over 32 KiB and 57,343 bytes; 2×10^5 through debug full
 * and through logging + tracking), one after another in one process, timed
 * with performance.now(); the seed is the default (or BAREHEAP_FUZZ_SEED).
 * In CI the test files run in parallel on two cores, so the wall time there
 * is about half the sum here plus vitest's start-up.
 *
 *   npm run bench:fuzz           writes bench/fuzz.md
 */
import { writeFileSync } from "node:fs"
import { ALLOCATOR_KINDS, makeAllocator } from "../src/allocators/registry"
import { StaticRegion } from "../src/core/region"
import { HeapAllocator } from "../src/api/global_alloc"
import { DebugAllocator, DebugLevel } from "../src/layers/debug"
import { LoggingAllocator } from "../src/layers/logging"
import { TrackingAllocator } from "../src/layers/tracking"
import { DEFAULT_SEED } from "../tests/fuzz/ops"
import { fuzz, FUZZ_OPS_PER_KIND, FUZZ_REGIONS, fuzzSeed } from "../tests/fuzz/shadow"

const LAYER_OPS = 200_000

function noLines(line: string): void {}

async function main(): Promise<number> {
    if (process.argv.includes("--help")) {
        console.log("Usage: npm run bench:fuzz\n\nTimes the CI fuzz run per allocator and region and writes bench/fuzz.md.")
        return 0
    }
    const seed = fuzzSeed(DEFAULT_SEED)
    const rows: string[] = []
    let totalOps = 0
    let totalMs = 0
    const run = (label: string, kind: string, ops: number, make: (r: StaticRegion) => HeapAllocator) => {
        for (let i = 0; i < FUZZ_REGIONS.length; i++) {
            const r = fuzz(make(new StaticRegion(0x20020000, FUZZ_REGIONS[i])), kind, (seed + i) >>> 0, ops / FUZZ_REGIONS.length)
            totalOps += r.ops
            totalMs += r.ms
            rows.push(`| ${label} | ${FUZZ_REGIONS[i]} | ${r.ops} | ${(r.ms / 1000).toFixed(2)} | ${Math.round((r.ops / r.ms) * 1000)} | ${r.failedRequests} | ${r.largestProbes} |`)
            process.stderr.write(rows[rows.length - 1] + "\n")
        }
    }
    for (const kind of ALLOCATOR_KINDS) run(kind, kind, FUZZ_OPS_PER_KIND, r => makeAllocator(kind, r))
    for (const kind of ALLOCATOR_KINDS) run("debug full over " + kind, kind, LAYER_OPS / ALLOCATOR_KINDS.length, r => new DebugAllocator(makeAllocator(kind, r), DebugLevel.Full))
    for (const kind of ALLOCATOR_KINDS)
        run("logging + tracking over " + kind, kind, LAYER_OPS / ALLOCATOR_KINDS.length, r => new LoggingAllocator(new TrackingAllocator(makeAllocator(kind, r)), "pico", { emit: noLines }))
    const md = [
        "# Fuzz run throughput",
        "",
        "Written by `npm run bench:fuzz` (bench/fuzz.ts; method in its header). Node " + process.version + `, seed ${seed} (+1 for the`,
        `second region), one process, measured ${new Date().toISOString().slice(0, 10)} on a 2-core machine shared with other jobs:`,
        "compare rows of one run. Every op is checked by the shadow model (tests/fuzz/shadow.ts); nulls are",
        "requests the heap could not serve; probes are allocations of exactly largestFree (one per 10^4 ops).",
        "",
        "| heap | region B | ops | s | ops/s | nulls | probes |",
        "|---|---:|---:|---:|---:|---:|---:|",
        ...rows,
        "",
        `Total: ${totalOps} ops in ${(totalMs / 1000).toFixed(1)} s (${Math.round((totalOps / totalMs) * 1000)} ops/s).`,
        "",
    ]
    writeFileSync("bench/fuzz.md", md.join("\n"))
    process.stderr.write("wrote bench/fuzz.md\n")
    return 0
}

main().then(
    code => {
        process.exitCode = code
    },
    e => {
        console.error(e instanceof Error ? `error: ${e.message}` : e)
        process.exitCode = 1
    },
)
