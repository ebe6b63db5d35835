/**
 * bench/layout_guard.ts — `npm run bench:guard`: what the forged-Layout guard
 * costs in DeviceScript's VM (GC-stress off, loaded in-process by
 * sim/vm_loader.ts), measured by the VM program bench/vm/layout_guard.ts
 * (method in its header), written to bench/layout-guard.md.
 *
 * Reported, each the median of 5 rounds in one run: µs per iteration of the
 * read baseline, the inline guard and the guard as a call (each minus the
 * baseline), and µs per alloc+dealloc pair per allocator, with the guard's
 * share of a pair (alloc and dealloc each run one inline guard; bump's
 * dealloc only on its failure path).
 *
 *   npm run bench:guard           writes bench/layout-guard.md
 *   npm run bench:guard -- --help
 */
import { writeFileSync } from "node:fs"
import { buildBytecode, runInVm } from "../sim/vm_loader"

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b)
    return s[s.length >> 1]
}

async function main(): Promise<number> {
    if (process.argv.includes("--help")) {
        console.log("Usage: npm run bench:guard\n\nMeasures the forged-Layout guard's cost in the DeviceScript VM and writes bench/layout-guard.md.")
        return 0
    }
    process.stderr.write("building bench/vm/layout_guard.ts with devs…\n")
    const times = new Map<string, number[]>()
    const iters = new Map<string, number>()
    await runInVm(buildBytecode("bench/vm/layout_guard.ts"), {
        timeoutMs: 600_000,
        stopWhen: l => l === "bench done",
        onLine: line => {
            const f = line.split(" ")
            if (f[0] !== "bench" || f[1] !== "g") return
            times.set(f[3], [...(times.get(f[3]) ?? []), Number(f[4])])
            iters.set(f[3], Number(f[5]))
        },
    })
    const us = (what: string) => (median(times.get(what)!) * 1000) / iters.get(what)!
    const read = us("read")
    const inline = us("inline") - read
    const call = us("call") - read
    const kinds = [...times.keys()].filter(k => k.startsWith("pair-")).map(k => k.slice(5))
    const f2 = (x: number) => x.toFixed(2)
    const lines = [
        "| measured | µs |",
        "|---|---:|",
        `| read size and align (baseline, per iteration) | ${f2(read)} |`,
        `| inline guard, over the baseline | ${f2(inline)} |`,
        `| layoutOk() call, over the baseline | ${f2(call)} |`,
        `| int32-only variant, over the baseline | ${f2(us("int32") - read)} |`,
        "",
        "| allocator | µs per alloc+dealloc pair | guards per pair | guards, % of the pair |",
        "|---|---:|---:|---:|",
        // bump's dealloc compares the layout with its header and tests it only on that check's failure path.
        ...kinds.map(k => {
            const n = k === "bump" ? 1 : 2
            return `| ${k} | ${us("pair-" + k).toFixed(1)} | ${n} | ${((100 * n * inline) / us("pair-" + k)).toFixed(1)} % |`
        }),
    ]
    console.log(lines.join("\n"))
    const md = [
        "# Cost of the forged-Layout guard in the VM",
        "",
        "Written by `npm run bench:guard` (bench/layout_guard.ts; method in bench/vm/layout_guard.ts).",
        "DeviceScript WASM VM (@devicescript/cli 2.16.4), GC-stress off, median of 5 rounds, ms timer over",
        `100,000 iterations (6,000 pairs). Measured ${new Date().toISOString().slice(0, 10)} on a 2-core machine shared with other`,
        "jobs: absolute µs are noisy, compare the rows of one run. The guard is layoutOk()'s four",
        "integer comparisons, copied inline at every allocator entry (src/core/layout.ts).",
        "",
        ...lines,
        "",
    ]
    writeFileSync("bench/layout-guard.md", md.join("\n"))
    process.stderr.write("wrote bench/layout-guard.md\n")
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
