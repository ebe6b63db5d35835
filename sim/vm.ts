/**
 * sim/vm.ts — `bareheap vm [<file.ts>] [options]` (npm run vm): build a
 * DeviceScript program with devs and run it in DeviceScript's WASM VM in
 * this process (sim/vm_loader.ts), GC-stress off unless asked, printing its
 * console output and exiting with how it ended.
 *
 *   bareheap vm src/blink.ts                      any program of the project
 *   bareheap vm --board esp32s2 --allocator tlsf   bareheap's firmware, as `bareheap start` runs it
 *
 * Without a file it runs the firmware's main job through a generated entry
 * (sim/vm_entry.ts) that takes --board, --allocator, --debug, --track and
 * --stats-every like `bareheap start`, and ends with the heap viewer's
 * summary of the stream. Any program whose output holds a bareheap stream
 * (a ~H header) gets the summary too.
 *
 * Outcomes and exit codes:
 *   ended      the top level ran to its end                          0
 *   panicked   an uncaught exception or a VM panic (code named)       1
 *   restarted  the program called ds.restart() / ds.reboot()          3
 *   timed out  still running after --timeout seconds                124
 *   (2: a usage error or a failed build; 1 also: a bareheap stream in
 *   the output had an anomaly.)
 *
 * The run ends when the top level does (like `devs run --test`): work left
 * in timers or other fibers stops then, so await it at the top level.
 * Program output is shown with control characters escaped (cli/escape.ts).
 */
import { existsSync } from "node:fs"
import path from "node:path"
import { OptionSpecs, parseOptions, UsageError, withUsage } from "../cli/args"
import { quote, showText } from "../cli/escape"
import { FIRMWARE_HELP, FIRMWARE_OPTIONS, firmwareChoice } from "./firmware_options"
import { HeapViewer } from "./viewer"
import { Entry, firmwareEntry, programEntry } from "./vm_entry"
import { buildBytecode, devsCliDir, runVm } from "./vm_loader"

const HELP = `Usage: bareheap vm [<file.ts>] [options]      (npm run vm -- [<file.ts>] [options])

Builds a DeviceScript program with devs and runs it in DeviceScript's WASM VM,
in this process, with GC-stress off; prints its console output. Run it in a
DeviceScript project (a folder with devsconfig.json and @devicescript/cli).

  <file.ts>            a program to run; its top level runs to its end, then the run
                       stops (await the work of timers and fibers at the top level)
  (no file)            bareheap's firmware (src/main.ts's job) with these options,
                       as \`bareheap start\` runs it on the host, then the heap summary:
${FIRMWARE_HELP}
  --gc-stress          run a full GC at every VM allocation (what \`devs run --test\` does)
  --timeout <s>        give up after s seconds (default 120)
  --quiet              do not print the program's console lines (the summary still shows)
  --help               this text

Exit code: 0 ended, 1 threw or panicked (or its bareheap stream had an anomaly),
2 usage error or failed build, 3 restarted (ds.restart / ds.reboot), 124 timed out.`

const OPTIONS: OptionSpecs = {
    ...FIRMWARE_OPTIONS,
    "gc-stress": { type: "boolean" },
    timeout: { type: "string", default: "120" },
    quiet: { type: "boolean" },
}

/** Panic codes of DeviceScript's runtime (devs_panic) that a program meets. */
const PANICS: Record<number, string> = {
    60001: "infinite loop: a fiber ran 131,072 opcodes without yielding (await ds.sleep(0) in long loops)",
    60004: "out of memory in the VM's 64 KiB program heap",
    60005: "unhandled exception",
    60006: "stack overflow (call depth over 100)",
}

export const EXIT = { ended: 0, panicked: 1, usage: 2, restarted: 3, timeout: 124 }

/** `bareheap vm [<file>] [options]`: returns the exit code (see EXIT). */
export async function main(argv: string[]): Promise<number> {
    return withUsage(HELP, () => vm(argv))
}

async function vm(argv: string[]): Promise<number> {
    const p = parseOptions(argv, OPTIONS, 1)
    if (p.flag("help")) {
        console.log(HELP)
        return 0
    }
    const timeoutText = p.string("timeout") ?? "120"
    const timeout = /^\d+(\.\d+)?$/.test(timeoutText) ? Number(timeoutText) : NaN
    if (!(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds > 0, not ${quote(timeoutText)}`)
    const file = p.positionals[0]
    const firmwareFlags = Object.keys(FIRMWARE_OPTIONS).filter(n => argv.some(a => a === "--" + n || a.startsWith(`--${n}=`)))
    if (file !== undefined && firmwareFlags.length > 0)
        throw new UsageError(`${firmwareFlags.map(n => "--" + n).join(", ")} choose how bareheap's firmware runs; a program of your own (${quote(file)}) sets up its heap itself`)
    const projectDir = process.cwd()
    if (!existsSync(path.join(projectDir, "devsconfig.json")))
        throw new UsageError(`no devsconfig.json in ${quote(projectDir)}: run bareheap vm in a DeviceScript project (npx devs init makes one)`)
    if (file !== undefined && !existsSync(path.resolve(projectDir, file))) throw new UsageError(`no such file: ${quote(file)}`)
    const quiet = p.flag("quiet")

    let entry: Entry
    if (file === undefined) entry = firmwareEntry(projectDir, [firmwareChoice(p)])
    else entry = programEntry(projectDir, file)
    const what = file ?? "bareheap's firmware"
    process.stderr.write(`vm: building ${showText(what)} with devs…\n`)
    let bytecode: Uint8Array
    try {
        bytecode = buildBytecode(entry.file, { projectDir, flags: ["testHarness"] })
    } catch (e) {
        process.stderr.write(`vm: ${showText((e as Error).message)}\n`)
        return EXIT.usage
    }
    process.stderr.write(`vm: running ${bytecode.length} bytes of bytecode in the WASM VM${p.flag("gc-stress") ? " (GC-stress on)" : ""}…\n`)

    const viewer = new HeapViewer()
    let ended = false
    let streamError: string | null = null
    const run = await runVm(bytecode, {
        cliDir: devsCliDir(projectDir),
        gcStress: p.flag("gc-stress"),
        timeoutMs: timeout * 1000,
        onLine: line => {
            if (line === entry.endMarker) {
                ended = true
                return
            }
            if (!quiet) console.log(showText(line))
            if (streamError !== null) return
            try {
                viewer.push(line)
            } catch (e) {
                streamError = (e as Error).message // the summary says why the stream stopped being decoded
            }
        },
        // Exceptions and panics: the runtime's "!" lines and the "*" lines that detail them.
        onDmesg: line => {
            if (/^!|^\* ?Exception|^\*\s{2}/.test(line)) process.stderr.write(`vm: ${showText(line)}\n`)
        },
    })
    const secs = (run.ms / 1000).toFixed(2)
    let code: number
    if (run.end.how === "timeout") {
        process.stderr.write(`vm: timed out: still running after ${timeout} s\n`)
        code = EXIT.timeout
    } else if (run.end.how === "refused") {
        process.stderr.write(`vm: the VM refused the bytecode (deploy error ${run.end.code})\n`)
        code = EXIT.panicked
    } else if (run.end.how === "panic" && run.end.code !== 0) {
        process.stderr.write(`vm: panicked after ${secs} s: code ${run.end.code}${PANICS[run.end.code] ? ` (${PANICS[run.end.code]})` : ""}\n`)
        code = EXIT.panicked
    } else if (!ended) {
        process.stderr.write(`vm: restarted after ${secs} s (the program called ds.restart() or ds.reboot())\n`)
        code = EXIT.restarted
    } else {
        process.stderr.write(`vm: ended after ${secs} s, ${run.lines.length - 1} console lines\n`)
        code = EXIT.ended
    }
    if (viewer.decoder.header !== null) {
        console.log(["", `=== summary: the bareheap stream from the WASM VM ===`, viewer.render()].join("\n"))
        if (streamError !== null) console.log(`stream not decodable past this point: ${showText(streamError)}`)
        // Live blocks at the end are the program's business (the firmware's demo leaks one on purpose).
        if (code === EXIT.ended && (streamError !== null || viewer.decoder.anomalies.length > 0)) code = EXIT.panicked
    }
    return code
}
