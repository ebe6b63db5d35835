/**
 * sim/vm_loader.ts — DeviceScript's WASM VM, loaded in this Node process.
 *
 * `@devicescript/vm` is not published on npm, but the pinned CLI
 * (@devicescript/cli 2.16.4) bundles the emscripten factory of the same VM
 * between two marker comments. We evaluate that slice, so the host can run
 * compiled firmware with GC-stress off (`devs run --test` always turns it on)
 * and read its console lines as a board's serial port would carry them.
 *
 * Tied to the bundle's layout: if the markers move after a CLI upgrade this
 * throws a clear error naming them (the version is pinned in package.json).
 */
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"

const START = "// runtime/devicescript-vm/built/devicescript-vm.js"
const END = "// dap/built/devicescript-dap.cjs"

/** The parts of the emscripten VM instance we use. */
export interface DevsVm {
    dmesg: (line: string) => void
    sendPacket: (pkt: Uint8Array) => void
    panicHandler: (code: number) => void
    flashLoad: unknown
    flashSave: unknown
    devsGcStress(on: boolean): void
    devsSetDeviceId(id: string): void
    devsStart(): void
    devsStop(): void
    devsDeploy(bytecode: Uint8Array): number
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")

/**
 * The @devicescript/cli package a build and the VM use: the one installed in
 * `projectDir` (a consumer's project, where bareheap is a dependency and the
 * CLI a peer), else bareheap's own (this repository).
 */
export function devsCliDir(projectDir: string = process.cwd()): string {
    for (const from of [projectDir, root]) {
        try {
            return path.dirname(createRequire(path.join(from, "package.json")).resolve("@devicescript/cli/package.json"))
        } catch {
            // not installed there; try the next place
        }
    }
    throw new Error(`@devicescript/cli is not installed in ${projectDir}: npm install --save-dev @devicescript/cli@2.16.4`)
}

/** The VM factory of each CLI, evaluated from its bundle (once per process). */
const factories = new Map<string, () => Promise<DevsVm>>()

function vmFactory(cliDir: string): () => Promise<DevsVm> {
    const known = factories.get(cliDir)
    if (known) return known
    const bundle = readFileSync(path.join(cliDir, "built", "devicescript-cli.cjs"), "utf8")
    const a = bundle.indexOf(START)
    const b = bundle.indexOf(END, a)
    if (a < 0 || b < 0) throw new Error(`cannot find the VM in the DeviceScript CLI bundle (markers "${START}" / "${END}"); was @devicescript/cli upgraded?`)
    const slice = bundle.slice(a, b)
    const req = createRequire(path.join(cliDir, "built", "devicescript-cli.cjs"))
    // The slice is `var require_devicescript_vm = __commonJS({ "<path>"(exports, module2) { … } })`.
    const body = `const __commonJS = (o) => () => { const m = { exports: {} }; o[Object.keys(o)[0]](m.exports, m); return m.exports };\n${slice}\nreturn require_devicescript_vm();`
    // The VM's own console.log ("PANIC 60005", emscripten's prints) goes to stderr:
    // stdout carries only the program's console lines.
    const vmConsole = { ...console, log: (...a: unknown[]) => console.error(...a) }
    const make = new Function("require", "__filename", "__dirname", "process", "console", body)
    const factory = make(req, path.join(cliDir, "built", "devicescript-cli.cjs"), path.join(cliDir, "built"), process, vmConsole) as () => Promise<DevsVm>
    factories.set(cliDir, factory)
    return factory
}

export interface BuildOptions {
    /** The DeviceScript project (holds devsconfig.json; the build lands in its .devicescript/bin). Default: this repository. */
    projectDir?: string
    /** Compiler flags (devs build -F): "testHarness" adds a ds.restart() after the program's top level. */
    flags?: string[]
}

/**
 * Compiles a DeviceScript entry file with `devs build` and returns its
 * bytecode. devs always writes .devicescript/bin/bytecode.devs, so builds
 * must not run in parallel in one project.
 */
export function buildBytecode(entry: string, opts: BuildOptions = {}): Uint8Array {
    const projectDir = opts.projectDir ?? root
    const cliDir = devsCliDir(projectDir)
    const flags = (opts.flags ?? []).flatMap(f => ["-F", f])
    try {
        execFileSync(process.execPath, [path.join(cliDir, "devicescript"), "--no-colors", "build", entry, ...flags], { cwd: projectDir, encoding: "utf8", stdio: "pipe" })
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string }
        throw new Error(`devs build ${entry} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`)
    }
    return readFileSync(path.join(projectDir, ".devicescript", "bin", "bytecode.devs"))
}

export interface VmRun {
    /** Console lines of the program, without the "> " dmesg prefix. */
    lines: string[]
    /** Other dmesg lines (runtime messages), verbatim. */
    dmesg: string[]
    /** Panic code if the program panicked or restarted (0 = restart), else null. */
    panic: number | null
    /** Wall time from deploy to stop, in ms. */
    ms: number
}

export interface VmOptions {
    /** GC-stress as in `devs run --test` (every allocation runs a full GC). Default false. */
    gcStress?: boolean
    /** Called for every console line as it arrives. */
    onLine?: (line: string) => void
    /** Called for every other dmesg line (runtime messages: exceptions, restarts). */
    onDmesg?: (line: string) => void
    /** Stop when this returns true for a console line (the line is still recorded). */
    stopWhen?: (line: string) => boolean
    /** Give up after this many ms (default 60,000). */
    timeoutMs?: number
    /** The DeviceScript CLI whose VM runs the program (default: devsCliDir()). */
    cliDir?: string
    /** The VM's device id, 16 hex digits (ds.deviceIdentifier("self")); default "12abdd2289421234". */
    deviceId?: string
}

/** How a run in the VM ended. */
export type VmEnd = { how: "stopped" } | { how: "panic"; code: number } | { how: "timeout" } | { how: "refused"; code: number }

/**
 * Runs bytecode in a fresh VM until `stopWhen` matches, the program panics
 * or restarts (panic code 0), the timeout passes, or the VM refuses the
 * bytecode; resolves with the lines and how it ended (never rejects on the
 * program's account).
 */
export async function runVm(bytecode: Uint8Array, opts: VmOptions = {}): Promise<VmRun & { end: VmEnd }> {
    const inst = await vmFactory(opts.cliDir ?? devsCliDir())()
    const run: VmRun = { lines: [], dmesg: [], panic: null, ms: 0 }
    const t0 = Date.now()
    return new Promise(resolve => {
        let done = false
        const finish = (end: VmEnd) => {
            if (done) return
            done = true
            clearTimeout(timer)
            run.ms = Date.now() - t0
            // finish() runs inside the VM's step (a dmesg or panic callback);
            // the step re-arms its timer when it returns, so stop after it.
            setTimeout(() => inst.devsStop(), 0)
            resolve({ ...run, end })
        }
        const timer = setTimeout(() => finish({ how: "timeout" }), opts.timeoutMs ?? 60000)
        inst.sendPacket = () => {}
        inst.flashLoad = null
        inst.flashSave = null
        inst.dmesg = (s: string) => {
            if (done) return
            if (s.startsWith("> ")) {
                const line = s.slice(2)
                run.lines.push(line)
                opts.onLine?.(line)
                if (opts.stopWhen?.(line)) finish({ how: "stopped" })
            } else {
                run.dmesg.push(s)
                opts.onDmesg?.(s)
            }
        }
        inst.panicHandler = (code: number) => {
            run.panic = code
            finish({ how: "panic", code })
        }
        inst.devsStop()
        inst.devsGcStress(!!opts.gcStress)
        inst.devsSetDeviceId(opts.deviceId ?? "12abdd2289421234")
        inst.devsStart()
        const r = inst.devsDeploy(bytecode)
        if (r) finish({ how: "refused", code: r })
    })
}

/**
 * runVm for tests and benchmarks that expect `stopWhen` to match: rejects on
 * a panic (other than a restart), a timeout or refused bytecode.
 */
export async function runInVm(bytecode: Uint8Array, opts: VmOptions = {}): Promise<VmRun> {
    const r = await runVm(bytecode, opts)
    const last = () => [...r.dmesg.slice(-5), ...r.lines.slice(-5)].join("\n")
    if (r.end.how === "timeout") throw new Error(`VM run timed out after ${opts.timeoutMs ?? 60000} ms; last lines:\n${r.lines.slice(-5).join("\n")}`)
    if (r.end.how === "refused") throw new Error(`VM refused the bytecode (deploy error ${r.end.code})`)
    if (r.end.how === "panic" && r.end.code !== 0) throw new Error(`VM panic ${r.end.code}; last lines:\n${last()}`)
    return r
}
