/**
 * bench/debug_cost.ts — `npm run bench:debug`: what each debug level, the
 * tracking layer and the logging layer (the event stream, every kind on,
 * `emit` a no-op) cost, for every allocator (the registry's HEAP_KINDS:
 * system and multi too, whose region is a view the debug layer routes
 * through), in Node and in the DeviceScript VM, side by side in one run,
 * written to bench/debug-cost.md. In the VM the allocators are split over
 * several programs (VM_PROGRAMS), each under DeviceScript's 64 KB of
 * function bytecode.
 *
 * Method (bench/debug_workload.ts): alloc+dealloc pairs over sizes 8..200 B
 * with 16 blocks kept live, on an 8 KiB region (system: half of it as its
 * budget; multi: it plus a modelled second region, as the registry builds them). Node: median of 7 runs of
 * 50,000 pairs (performance.now), no yields. VM: median of 3 runs of
 * 3,000 pairs, GC-stress off (ds.millis, ms resolution), yielding every 20
 * pairs, minus the time of the same yields alone. Ratios are each layer's
 * time over "off" (the bare allocator) of the same allocator in the same run. "fit" counts 16-byte blocks that fit
 * in the 8 KiB region: the capacity each level's per-block overhead costs —
 * deterministic, unlike the times.
 *
 *   npm run bench:debug               full run, writes bench/debug-cost.md
 *   npm run bench:debug -- --quick    fewer pairs, no file written, VM skipped
 */
import { writeFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { parseArgs } from "node:util"
import { HEAP_KINDS, makeAllocator } from "../src/allocators/registry"
import { StaticRegion } from "../src/core/region"
import { buildBytecode, runInVm } from "../sim/vm_loader"
import { LAYER_NAMES, blocksThatFit, debugHeap, timePairs } from "./debug_workload"

/** The VM programs bench/vm/debug_cost_<name>.ts: one per tests/vm/pair_*.ts (every region allocator), and views (system, multi). */
const VM_PROGRAMS = ["buddy_bump", "tlsf_pool", "bestfit", "views"]

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b)
    return s[s.length >> 1]
}

interface Row {
    kind: string
    level: string
    nodeUs: number
    vmUs: number | null
    fit: number
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, help: { type: "boolean", default: false } }, strict: true })
    if (values.help) {
        console.log("Usage: npm run bench:debug -- [--quick]\n\nMeasures the cost of each debug level (off, light, full), the tracking layer and the logging layer for every allocator, in Node and in the DeviceScript VM.")
        return
    }
    const quick = values.quick
    const pairs = quick ? 2_000 : 50_000
    const runs = quick ? 1 : 7
    const rows: Row[] = []
    const fresh = (kind: string, level: number) => debugHeap(makeAllocator(kind, new StaticRegion(0x20020000, 8192)), level)
    for (const kind of HEAP_KINDS) {
        for (let level = 0; level < LAYER_NAMES.length; level++) {
            const name = LAYER_NAMES[level]
            const times: number[] = []
            for (let r = 0; r < runs; r++) times.push(await timePairs(fresh(kind, level), pairs, () => performance.now(), 0))
            const fit = await blocksThatFit(fresh(kind, level))
            rows.push({ kind, level: name, nodeUs: (median(times) * 1000) / pairs, vmUs: null, fit })
            process.stderr.write(`node: ${kind} ${name} done\n`)
        }
    }
    let vmPairs = 0
    if (!quick) {
        const vmTimes = new Map<string, number[]>()
        const vmFit = new Map<string, number>()
        for (const pair of VM_PROGRAMS) {
            const entry = `bench/vm/debug_cost_${pair}.ts`
            process.stderr.write(`building ${entry} with devs…\n`)
            const bytecode = buildBytecode(entry)
            await runInVm(bytecode, {
                timeoutMs: 600_000,
                onLine: line => {
                    const f = line.split(" ")
                    if (f[0] !== "bench") return
                    if (f[1] === "time") {
                        const key = f[2] + " " + LAYER_NAMES[Number(f[3])]
                        vmTimes.set(key, [...(vmTimes.get(key) ?? []), Number(f[5])])
                        process.stderr.write(`vm: ${key} run ${f[4]}: ${f[5]} ms\n`)
                    } else if (f[1] === "fit") vmFit.set(f[2] + " " + LAYER_NAMES[Number(f[3])], Number(f[4]))
                    else if (f[1] === "done") vmPairs = Number(f[2])
                },
                stopWhen: line => line.startsWith("bench done"),
            })
        }
        for (const r of rows) {
            const t = vmTimes.get(r.kind + " " + r.level)
            if (!t) throw new Error(`no VM time for ${r.kind} ${r.level}`)
            r.vmUs = (median(t) * 1000) / vmPairs
            if (vmFit.get(r.kind + " " + r.level) !== r.fit) throw new Error(`VM and Node disagree on blocks that fit for ${r.kind} ${r.level}`)
        }
    }
    const off = (r: Row) => rows.find(o => o.kind === r.kind && o.level === "off")!
    const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1))
    const lines = [
        `| allocator | layer | Node µs/pair | × off | VM µs/pair | × off | 16 B blocks in 8 KiB |`,
        `|---|---|---:|---:|---:|---:|---:|`,
        ...rows.map(r => {
            const o = off(r)
            const vm = r.vmUs === null ? "–" : fmt(r.vmUs)
            const vmx = r.vmUs === null || o.vmUs === null ? "–" : (r.vmUs / o.vmUs).toFixed(2)
            return `| ${r.kind} | ${r.level} | ${fmt(r.nodeUs)} | ${(r.nodeUs / o.nodeUs).toFixed(2)} | ${vm} | ${vmx} | ${r.fit} |`
        }),
    ]
    console.log(lines.join("\n"))
    if (!quick) {
        const md = [
            "# Cost of the debug levels, tracking and logging",
            "",
            "Written by `npm run bench:debug` (bench/debug_cost.ts); method in that file's header and in",
            "bench/debug_workload.ts. Node " + process.version + `, ${pairs} pairs, median of ${runs}; VM: DeviceScript WASM VM`,
            `(@devicescript/cli 2.16.4), GC-stress off, ${vmPairs} pairs, median of 3, ms timer. Measured ${new Date().toISOString().slice(0, 10)}`,
            "on a noisy 2-core machine: compare the ratios within a row group, not absolute times across runs.",
            "",
            ...lines,
            "",
        ]
        writeFileSync("bench/debug-cost.md", md.join("\n"))
        process.stderr.write("wrote bench/debug-cost.md\n")
    }
    process.exit(0)
}

main().catch(e => {
    console.error(e instanceof Error ? `error: ${e.message}` : e)
    process.exit(1)
})
