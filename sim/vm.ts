/**
 * sim/vm.ts — `npm run vm`: the same firmware (src/main.ts) compiled by the
 * DeviceScript compiler and run in DeviceScript's WASM VM with GC-stress off,
 * its console piped through the strict decoder and the heap viewer.
 *
 * In the VM the firmware sees archId "wasm" and runs on the default board
 * (pico). The run ends at the stats line that follows the "done" phase.
 */
import { parseArgs } from "node:util"
import { escapeText } from "./escape"
import { HeapViewer } from "./viewer"
import { buildBytecode, runInVm } from "./vm_loader"

const HELP = `Usage: npm run vm -- [--quiet] [--gc-stress]

Builds src/main.ts with devs, runs it in DeviceScript's WASM VM (GC-stress
off unless --gc-stress), prints its event stream and the heap viewer's summary.`

/** `bareheap vm [options]`: returns the exit code (1 anomalies or live blocks at the end, 2 usage). */
export async function main(argv: string[]): Promise<number> {
    let values
    try {
        values = parseArgs({
            args: argv,
            options: { quiet: { type: "boolean", default: false }, "gc-stress": { type: "boolean", default: false }, help: { type: "boolean", default: false } },
            strict: true,
        }).values
    } catch (e) {
        console.error(`error: ${(e as Error).message}\n\n${HELP}`)
        return 2
    }
    if (values.help) {
        console.log(HELP)
        return 0
    }
    process.stderr.write("building src/main.ts with devs…\n")
    const bytecode = buildBytecode("src/main.ts")
    process.stderr.write(`running ${bytecode.length} bytes of bytecode in the WASM VM${values["gc-stress"] ? " (GC-stress on)" : ""}…\n`)
    const viewer = new HeapViewer()
    let done = false
    let finished = false
    const run = await runInVm(bytecode, {
        gcStress: values["gc-stress"],
        onLine: line => {
            if (!values.quiet) console.log(escapeText(line)) // the program's console: stream content, shown escaped
            const ev = viewer.push(line)
            if (ev && ev.type === "phase" && ev.name === "done") done = true
            else if (ev && ev.type === "stats" && done) finished = true
        },
        stopWhen: () => finished,
        timeoutMs: 120_000,
    })
    console.log(["", `=== summary: ${run.lines.length} console lines from the WASM VM in ${run.ms} ms ===`, viewer.render()].join("\n"))
    return viewer.decoder.anomalies.length > 0 || viewer.decoder.blocks().length > 0 ? 1 : 0
}
