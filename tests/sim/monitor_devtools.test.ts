/**
 * `bareheap monitor --devtools` against a real `devs devtools` and
 * DeviceScript's own simulator, no board: devtools runs the firmware
 * (src/main.ts) in its simulator at the monitor's request (--sim), and the
 * monitor takes the console from devtools' WebSocket.
 *
 * `devs devtools` has no port option: it always listens on 127.0.0.1:8081
 * (WebSocket), 8082 (TCP) and 8083 (debugger), which another test or a
 * developer's own devtools may hold. So each test gets a private network
 * namespace (`unshare -n`, tests/helpers/netns.py), where those ports are
 * free; devtools and the monitor join it with `nsenter`. devtools compiles in
 * a scratch project (symlinks to src/, boards/, node_modules/) so its
 * .devicescript/ output cannot collide with the VM suite's builds.
 *
 * Checked: every protocol line the host simulator emits arrives, in order,
 * none lost (0 gaps); the model equals `bareheap view` of the host
 * simulator's stream; the recording holds exactly those lines. And the same
 * for `devs run src/main.ts` deployed into its own simulator next to
 * devtools, whose console only its own output carries, piped to the monitor.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRequire } from "node:module"
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest"
import { BAREHEAP, firmwareStream, modelSection, ROOT } from "../helpers/firmware_stream"
import { Processes } from "../helpers/processes"

const NETNS = join(ROOT, "tests", "helpers", "netns.py")
const DEVS = join(createRequire(import.meta.url).resolve("@devicescript/cli/package.json"), "..", "devicescript")
const procs = new Processes()
let dir = ""
let project = ""
let stream: ReturnType<typeof firmwareStream>

beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "bareheap-devtools-"))
    stream = firmwareStream(dir)
    project = join(dir, "project")
    mkdirSync(project)
    for (const d of ["src", "boards", "node_modules"]) symlinkSync(join(ROOT, d), join(project, d))
    writeFileSync(join(project, "devsconfig.json"), "{}")
    writeFileSync(join(project, "package.json"), readFileSync(join(ROOT, "package.json")))
})
afterEach(() => procs.killAll())
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A process holding a fresh network namespace with loopback up; returns its pid for nsenter. */
async function namespace(): Promise<number> {
    const holder = procs.start("unshare", ["-n", "python3", NETNS, "sleep", "600"])
    await holder.waitFor(/^lo up/m, 10_000)
    return holder.child.pid
}

describe("bareheap monitor on DeviceScript devtools", () => {
    test("devtools' simulator runs the firmware: the whole stream, 0 gaps, the host simulator's model", async () => {
        const ns = await namespace()
        const inNs = (args: string[]) => ["-t", String(ns), "-n", ...args]
        const devtools = procs.start("nsenter", inNs([process.execPath, DEVS, "--no-colors", "devtools"]), { cwd: project })
        await devtools.waitFor(/websocket\s*: ws:\/\/127\.0\.0\.1:8081/, 30_000)

        const raw = join(dir, "devtools.bin")
        const monitor = procs.start("nsenter", inNs([process.execPath, BAREHEAP, "monitor", "--devtools", "--sim", "src/main.ts", "--plain", "--record", raw]), { cwd: ROOT })
        await monitor.waitFor(/^line \d+: phase done$/m, 90_000).catch(e => {
            throw new Error(`${e.message}\ndevtools:\n${devtools.all.slice(-2000)}`)
        })
        // The last lines (two ~S) follow "done" in the same burst; give devtools' 200 ms line buffer time.
        await new Promise(r => setTimeout(r, 1500))
        monitor.kill("SIGINT")
        expect(await monitor.exitWithin(20_000), monitor.all).toBe(0)

        const out = monitor.out
        expect(out).toMatch(/^monitor: connected to ws:\/\/127\.0\.0\.1:8081$/m)
        expect(out).toContain(`stream: ${stream.lines.length} lines, `)
        expect(out).toMatch(/, 0 gaps, 0 anomalies/)
        expect(out).not.toMatch(/^error: /m)
        expect(modelSection(out)).toBe(stream.model)
        const recorded = readFileSync(raw, "utf8").split("\n").filter(l => l.startsWith("> ~")).map(l => l.slice(2))
        expect(recorded).toEqual(stream.lines)
    }, 150_000)

    test("devs run's simulator, piped: `devs run src/main.ts | bareheap monitor --file -` gets the whole stream", async () => {
        // devs run executes its VM in its own process and prints the console there only (its Jacdac frames to
        // devtools carry no console text), so its output is what the monitor reads.
        const ns = await namespace()
        const inNs = (args: string[]) => ["-t", String(ns), "-n", ...args]
        const devtools = procs.start("nsenter", inNs([process.execPath, DEVS, "--no-colors", "devtools"]), { cwd: project })
        await devtools.waitFor(/websocket\s*: ws:\/\/127\.0\.0\.1:8081/, 30_000)
        const run = procs.start("nsenter", inNs([process.execPath, DEVS, "run", "src/main.ts"]), { cwd: project })
        const monitor = procs.start(process.execPath, [BAREHEAP, "monitor", "--file", "-"], { cwd: ROOT })
        run.child.stdout.pipe(monitor.child.stdin)
        await monitor.waitFor(/^line \d+: phase done$/m, 90_000).catch(e => {
            throw new Error(`${e.message}\ndevs run:\n${run.all.slice(-2000)}`)
        })
        await new Promise(r => setTimeout(r, 1000))
        run.kill("SIGTERM") // devs run keeps watching src/ until killed; its end is the end of the monitor's input
        expect(await monitor.exitWithin(20_000), monitor.all).toBe(0)
        expect(monitor.out).toContain(`stream: ${stream.lines.length} lines, `)
        expect(monitor.out).toMatch(/, 0 gaps, 0 anomalies/)
        expect(modelSection(monitor.out)).toBe(stream.model)
    }, 150_000)
})
