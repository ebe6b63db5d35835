/**
 * bench/vm/gen_traces.ts — host-only: writes the MCU traces as DeviceScript
 * modules whose ops are a hex`` literal, so a VM program (or a board) gets
 * them the way firmware would: compiled into the program image, in flash,
 * read-only, costing no GC heap. Also writes the replay programs that run
 * them (bench/vm/replay_traces.ts does the work).
 *
 * Output (bench/vm/traces/, git-ignored, rewritten by every run):
 *   <module>.ts     `export const <CONST> = new EncodedTrace(name, hex`…`, count, slots, peak)`
 *   replay_<n>.ts   a VM program replaying one group of traces with every kind
 *   index.json      what was written: traces (name, ops, bytes, source, cut) and groups
 * The committed fixtures of the VM self-tests (tests/vm/traces/) come from the
 * same writer (writeFixtures); tests/bench/vm_traces.test.ts checks they are current.
 *
 * What fits (measured with @devicescript/cli 2.16.4; details in the report):
 *   - one hex`` literal ≤ 61,440 bytes = 7,680 ops: the compiler asserts
 *     `size <= 61440` when it lays out the program's literals;
 *   - a whole program image ≤ 110,464 bytes: the program is stored in the
 *     128 KiB settings flash (JD_FSTOR_TOTAL_SIZE, also the Pico's), whose
 *     large-entry area gives it at most 27 pages of 4 KiB minus a 128-byte
 *     header; devsDeploy refuses anything larger (error −1).
 * The replay code (4 allocators + replay) takes ~52 KB of the image, so a
 * trace in a program gets at most VM_MAX_OPS ops. coalescing-bal and
 * realloc2-bal (14,400 / 14,401 ops = 115 KB each) are over both limits, so
 * the VM replays their first VM_MAX_OPS ops as a balanced window ("-head",
 * bench/trace/windows.ts cutWindow: blocks still live at the cut are freed);
 * the host replays them whole. Every window of MCU_WINDOWS fits as it is.
 *
 *   npx tsx bench/vm/gen_traces.ts     writes bench/vm/traces/ and prints the list
 *
 * ```ts
 * const written = generateVmTraces()   // VmTrace[] and the groups, files on disk
 * ```
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { EncodedTrace, OP_BYTES } from "../replay"
import { encodeTrace, MCU_TRACES, readTrace } from "../trace/encode"
import { cutWindow, MCU_WINDOWS, windowTrace } from "../trace/windows"

/** Largest hex`` literal the devs compiler accepts (an assertion in its literal layout). */
export const MAX_HEX_LITERAL = 61440
/** Largest program image a DeviceScript board (and the WASM VM) stores: 27 × 4 KiB flash pages − 128 B header. */
export const MAX_PROGRAM_IMAGE = 110464
/**
 * Ops kept of a trace too large for one program: 4,600 ops = 36,800 bytes,
 * which with the ~70 KB of replay code (five allocator kinds since bestfit;
 * 6,000 ops fitted the ~52 KB of four; 4,800 passed the image by 64 B once
 * the views' locate() arrived) stays under MAX_PROGRAM_IMAGE.
 */
export const VM_MAX_OPS = 4600
/** Trace bytes per generated replay program (the code takes the rest of MAX_PROGRAM_IMAGE). */
export const GROUP_BYTES = 40000

const here = path.dirname(fileURLToPath(import.meta.url))
/** The repository root (this file is bench/vm/gen_traces.ts). */
export const ROOT = path.resolve(here, "..", "..")
/** Where generated modules go (git-ignored). */
export const TRACES_DIR = path.join(ROOT, "bench", "vm", "traces")
/** Where the committed VM self-test fixtures go. */
export const FIXTURES_DIR = path.join(ROOT, "tests", "vm", "traces")

/** One trace as compiled into the VM. */
export interface VmTrace {
    /** name in the VM's result lines, e.g. "short1-bal", "coalescing-bal-head" */
    name: string
    /** the MCU trace it comes from (MCU_TRACES or MCU_WINDOWS) */
    source: string
    /** null when whole; else why and how it was cut */
    cut: string | null
    trace: EncodedTrace
    /** module file name without .ts, e.g. "short1_bal" */
    module: string
    /** exported constant, e.g. "SHORT1_BAL" */
    constName: string
}

/** "coalescing-bal-head" → "coalescing_bal_head". */
function moduleName(name: string): string {
    return name.replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()
}

/**
 * Every MCU trace as the VM gets it, in MCU_TRACES then MCU_WINDOWS order:
 * whole when it fits a program, else its first VM_MAX_OPS ops (balanced).
 */
export function vmTraces(): VmTrace[] {
    const out: VmTrace[] = []
    const add = (source: string, trace: EncodedTrace, cut: string | null) => {
        const module = moduleName(trace.name)
        out.push({ name: trace.name, source, cut, trace, module, constName: module.toUpperCase() })
    }
    for (const name of MCU_TRACES) {
        const t = readTrace(name)
        if (t.count <= VM_MAX_OPS) {
            add(name, encodeTrace(t), null)
            continue
        }
        const head = cutWindow(t, 0, VM_MAX_OPS, name + "-head")
        add(name, encodeTrace(head), `the whole trace is ${t.count} ops = ${t.count * OP_BYTES} B, over one hex literal (${MAX_HEX_LITERAL} B) and, with the replay code, over a program image (${MAX_PROGRAM_IMAGE} B): ops [0, ${VM_MAX_OPS}) kept, ${head.count - VM_MAX_OPS} closing frees added`)
    }
    for (const name of MCU_WINDOWS) add(name, encodeTrace(windowTrace(name)), null)
    for (const v of out) {
        const bytes = v.trace.count * OP_BYTES
        if (bytes > MAX_HEX_LITERAL) throw new Error(`${v.name}: ${bytes} B of ops is over the hex literal limit (${MAX_HEX_LITERAL} B)`)
    }
    return out
}

/** The ops of an encoded trace as hex text, 64 bytes (one slot of 8 ops) a line. */
function hexLines(t: EncodedTrace): string[] {
    const lines: string[] = []
    let line = ""
    for (let i = 0; i < t.count * OP_BYTES; i++) {
        const b = t.ops.getAt(i, "u8")
        line += (b < 16 ? "0" : "") + b.toString(16)
        if ((i & 63) === 63) {
            lines.push(line)
            line = ""
        }
    }
    if (line !== "") lines.push(line)
    return lines
}

/** The text of the module for one trace (deterministic: the same input gives the same bytes). */
export function traceModuleText(v: VmTrace, replayImport: string): string {
    const t = v.trace
    return [
        "/**",
        ` * ${v.name}: GENERATED by bench/vm/gen_traces.ts from the malloc-lab trace ${v.source} — do not edit.`,
        ` * ${t.count} ops (${t.count * OP_BYTES} bytes in flash), ${t.slots} slots, peak live payload ${t.peakPayload} bytes.`,
        v.cut === null ? " * The whole trace." : ` * Cut: ${v.cut}.`,
        " * Op encoding: bench/replay.ts (8 bytes: u16 slot, u8 kind, u8 0, u32 size, little-endian).",
        " */",
        `import { EncodedTrace } from "${replayImport}"`,
        "",
        `export const ${v.constName} = new EncodedTrace(`,
        `    "${v.name}",`,
        "    hex`",
        ...hexLines(t),
        "`,",
        `    ${t.count},`,
        `    ${t.slots},`,
        `    ${t.peakPayload},`,
        ")",
        "",
    ].join("\n")
}

/**
 * Traces packed into groups of ≤ GROUP_BYTES of ops (a trace over it gets a
 * group of its own): whole traces and windows first, in order, then the cut
 * heads, so replay_0 holds the small traces (bench/vm_speed.ts --quick runs
 * only it).
 */
export function groupTraces(traces: VmTrace[]): VmTrace[][] {
    const groups: VmTrace[][] = []
    let cur: VmTrace[] = []
    let bytes = 0
    for (const v of traces.filter(t => t.cut === null).concat(traces.filter(t => t.cut !== null))) {
        const b = v.trace.count * OP_BYTES
        if (cur.length > 0 && bytes + b > GROUP_BYTES) {
            groups.push(cur)
            cur = []
            bytes = 0
        }
        cur.push(v)
        bytes += b
    }
    if (cur.length > 0) groups.push(cur)
    return groups
}

/** The text of the replay program for one group. */
export function groupProgramText(group: VmTrace[], n: number): string {
    return [
        "/**",
        ` * Replay program ${n}: GENERATED by bench/vm/gen_traces.ts — do not edit.`,
        " * Replays " + group.map(v => v.name).join(", ") + " with every allocator kind (bench/vm/replay_traces.ts).",
        " */",
        `import { replayTraces } from "../replay_traces"`,
        ...group.map(v => `import { ${v.constName} } from "./${v.module}"`),
        "",
        `await replayTraces([${group.map(v => v.constName).join(", ")}])`,
        "",
    ].join("\n")
}

/** What generateVmTraces wrote. */
export interface Generated {
    traces: VmTrace[]
    /** program paths relative to the repository root, e.g. "bench/vm/traces/replay_0.ts" */
    programs: string[]
    groups: VmTrace[][]
}

/** Writes `text` to `file` unless it already holds exactly that (keeps mtimes stable). */
function writeIfChanged(file: string, text: string): void {
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return
    fs.writeFileSync(file, text)
}

/** Writes every trace module and replay program into bench/vm/traces/ (removing stale ones). */
export function generateVmTraces(): Generated {
    const traces = vmTraces()
    const groups = groupTraces(traces)
    fs.mkdirSync(TRACES_DIR, { recursive: true })
    const keep = new Set<string>([".gitignore", "index.json"])
    for (const v of traces) {
        writeIfChanged(path.join(TRACES_DIR, v.module + ".ts"), traceModuleText(v, "../../replay"))
        keep.add(v.module + ".ts")
    }
    const programs: string[] = []
    groups.forEach((g, n) => {
        const file = "replay_" + n + ".ts"
        writeIfChanged(path.join(TRACES_DIR, file), groupProgramText(g, n))
        keep.add(file)
        programs.push(path.posix.join("bench", "vm", "traces", file))
    })
    writeIfChanged(path.join(TRACES_DIR, ".gitignore"), "# generated by bench/vm/gen_traces.ts\n*\n")
    for (const f of fs.readdirSync(TRACES_DIR)) if (!keep.has(f)) fs.rmSync(path.join(TRACES_DIR, f))
    const index = {
        traces: traces.map(v => ({ name: v.name, source: v.source, ops: v.trace.count, bytes: v.trace.count * OP_BYTES, slots: v.trace.slots, peakPayload: v.trace.peakPayload, cut: v.cut })),
        programs: groups.map((g, n) => ({ program: programs[n], traces: g.map(v => v.name) })),
    }
    writeIfChanged(path.join(TRACES_DIR, "index.json"), JSON.stringify(index, null, 2) + "\n")
    return { traces, programs, groups }
}

/** The VM self-test fixtures: short1-bal, short2-bal and four windows (one per allocator kind). */
export function fixtureTraces(): VmTrace[] {
    const all = vmTraces()
    const pick = (name: string) => {
        const v = all.find(x => x.name === name)
        if (!v) throw new Error("no VM trace " + name)
        return v
    }
    const windows = all.filter(v => MCU_WINDOWS.indexOf(v.name) >= 0)
    if (windows.length < 4) throw new Error("the self-tests need 4 windows; MCU_WINDOWS has " + windows.length)
    // The four windows from the most different sources: the first window of each
    // of the first four sources that have one.
    const bySource: VmTrace[] = []
    for (const w of windows) {
        const src = w.name.replace(/-w\d+$/, "")
        if (!bySource.some(b => b.name.replace(/-w\d+$/, "") === src)) bySource.push(w)
    }
    const four = (bySource.length >= 4 ? bySource : windows).slice(0, 4)
    return [pick("short1-bal"), pick("short2-bal"), ...four]
}

/** The expected text of every committed fixture file, by file name. */
export function fixtureFiles(): Record<string, string> {
    const files: Record<string, string> = {}
    for (const v of fixtureTraces()) files[v.module + ".ts"] = traceModuleText(v, "../../../bench/replay")
    return files
}

/** Writes tests/vm/traces/ (the committed VM self-test fixtures). */
export function writeFixtures(): string[] {
    fs.mkdirSync(FIXTURES_DIR, { recursive: true })
    const files = fixtureFiles()
    for (const f of fs.readdirSync(FIXTURES_DIR)) if (!(f in files)) fs.rmSync(path.join(FIXTURES_DIR, f))
    for (const [f, text] of Object.entries(files)) writeIfChanged(path.join(FIXTURES_DIR, f), text)
    return Object.keys(files)
}

function main(): void {
    const g = generateVmTraces()
    for (const v of g.traces) console.log(`${v.name.padEnd(24)} ${String(v.trace.count).padStart(5)} ops ${String(v.trace.count * OP_BYTES).padStart(6)} B  peak ${v.trace.peakPayload}${v.cut ? "  (cut: " + v.cut + ")" : ""}`)
    g.groups.forEach((grp, n) => console.log(`${g.programs[n]}: ${grp.map(v => v.name).join(", ")}`))
    const fx = writeFixtures()
    console.log(`tests/vm/traces/: ${fx.join(", ")}`)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
