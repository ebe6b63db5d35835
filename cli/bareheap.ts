/**
 * cli/bareheap.ts — `bareheap <verb> [options]`: the one command users run.
 *
 * Each verb is a module under sim/ (or cli/) that exports
 *
 *     export async function main(argv: string[]): Promise<number>
 *
 * taking the arguments after the verb and returning the process exit code
 * (0 success, 1 the work found a problem, 2 a usage error). The dispatcher
 * sets process.exitCode and returns, so stdout drains through a pipe instead
 * of being cut by process.exit(). Verbs are imported lazily: `bareheap view`
 * does not load the VM, and `bareheap --help` loads nothing.
 *
 *   bareheap start --board esp32c3 --allocator tlsf
 *   bareheap view serial.log
 *   bareheap <verb> --help
 */

/** A verb: a one-line summary for `bareheap --help`, and how to load it. */
export interface Verb {
    summary: string
    load: () => Promise<{ main(argv: string[]): Promise<number> }>
}

/** Every verb, in the order `bareheap --help` lists them. */
export const VERBS: Record<string, Verb> = {
    start: { summary: "run the firmware's main job in the host simulator (npm start)", load: () => import("../sim/run") },
    vm: { summary: "build a DeviceScript program and run it in the WASM VM, GC-stress off (npm run vm)", load: () => import("../sim/vm") },
    view: { summary: "decode a captured event stream (file or stdin) and draw the heap (npm run view)", load: () => import("../sim/view") },
    grade: { summary: "grade an allocator class: contract, probes, random programs, traces, score (npm run grade)", load: () => import("./grade") },
    lab: { summary: "list the lab exercises, or show one (npm run lab)", load: () => import("./lab") },
    monitor: { summary: "watch a running board's heap live: serial port, DeviceScript devtools, a file or stdin (npm run monitor)", load: () => import("../sim/monitor") },
    flash: { summary: "flash DeviceScript's firmware for a board (devs flash) and say how to deploy bareheap (npm run flash)", load: () => import("../sim/flash") },
}

export function usage(): string {
    const width = Math.max(...Object.keys(VERBS).map(v => v.length))
    return [
        "Usage: bareheap <verb> [options]     (bareheap <verb> --help for a verb's options)",
        "",
        "Heap allocators for microcontrollers in DeviceScript: simulate, run in the VM, and watch the heap.",
        "",
        ...Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(width)}  ${v.summary}`),
    ].join("\n")
}

/** Runs `bareheap` with the arguments after the command name; returns the exit code. */
export async function bareheap(argv: string[]): Promise<number> {
    const [verb, ...rest] = argv
    if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
        const out = verb === undefined ? process.stderr : process.stdout
        out.write(usage() + "\n")
        return verb === undefined ? 2 : 0
    }
    const v = Object.prototype.hasOwnProperty.call(VERBS, verb) ? VERBS[verb] : undefined
    if (!v) {
        process.stderr.write(`bareheap: unknown verb ${JSON.stringify(verb)}\n\n${usage()}\n`)
        return 2
    }
    const mod = await v.load()
    return mod.main(rest)
}
