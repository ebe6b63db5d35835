/**
 * sim/vm.ts — `npm run vm`: the same firmware (src/main.ts) compiled by the
 * DeviceScript compiler and run in DeviceScript's WASM VM with GC-stress off,
 * its console piped through the strict stream decoder.
 *
 * In the VM the firmware sees archId "wasm" and runs on the default board
 * (pico). The run ends at the stats line that follows the "done" phase.
 */
import { parseArgs } from "node:util"
import { BOARDS, DEFAULT_BOARD_ID } from "../boards/index"
import { StreamDecoder } from "./decoder"
import { renderHeapMap } from "./heapmap"
import { buildBytecode, runInVm } from "./vm_loader"

const HELP = `Usage: npm run vm -- [--quiet] [--gc-stress]

Builds src/main.ts with devs, runs it in DeviceScript's WASM VM (GC-stress
off unless --gc-stress) and decodes its event stream strictly.`

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { quiet: { type: "boolean", default: false }, "gc-stress": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
        strict: true,
    })
    if (values.help) {
        console.log(HELP)
        return
    }
    process.stderr.write("building src/main.ts with devs…\n")
    const bytecode = buildBytecode("src/main.ts")
    process.stderr.write(`running ${bytecode.length} bytes of bytecode in the WASM VM…\n`)
    const decoder = new StreamDecoder()
    let n = 0
    let done = false
    let finished = false
    const run = await runInVm(bytecode, {
        gcStress: values["gc-stress"],
        onLine: line => {
            n++
            if (!values.quiet) console.log(line)
            const ev = decoder.push(line, n)
            if (ev && ev.type === "phase" && ev.name === "done") done = true
            else if (ev && ev.type === "stats" && done) finished = true
        },
        stopWhen: () => finished,
        timeoutMs: 120_000,
    })
    const board = BOARDS.find(b => b.id === DEFAULT_BOARD_ID)
    const h = decoder.header
    console.log(`\n=== VM run: ${run.lines.length} console lines in ${run.ms} ms, board ${h ? h.board : "?"} (${board.name}), allocator ${h ? h.allocator : "?"}`)
    console.log(renderHeapMap(h.base, h.size, decoder.blocks()))
    console.log(`${decoder.gaps.length} gaps, ${decoder.anomalies.length} anomalies`)
    for (const a of decoder.anomalies) console.log(`  anomaly: ${typeof a === "string" ? a : JSON.stringify(a)}`)
    process.exit(decoder.anomalies.length > 0 || decoder.blocks().length > 0 ? 1 : 0)
}

main().catch(e => {
    console.error(e instanceof Error ? `error: ${e.message}` : e)
    process.exit(1)
})
