/**
 * `bareheap monitor --devtools` against a real `devs devtools`, no board:
 *
 *   - a Jacdac device on devtools' bus (the test, as a second WebSocket
 *     client) logs the firmware's stream through the Jacdac logger service;
 *     devtools relays its frames, the monitor decodes them with jacdac-ts and
 *     writes the logger's MinPriority, which devtools relays back;
 *   - `--sim`: devtools starts its own simulator at the monitor's request and
 *     the simulator's console reaches the monitor through devtools' side
 *     channel (JSON "output" events);
 *   - `devs run src/main.ts` next to devtools: its VM prints the console only
 *     on its own output (its Jacdac frames carry none), piped to the monitor.
 *
 * `devs devtools` has no port option: it always listens on 127.0.0.1:8081
 * (WebSocket), 8082 (TCP) and 8083 (debugger), which another test or a
 * developer's own devtools may hold. So each test gets a private network
 * namespace (`unshare -n`, tests/helpers/netns.py), where those ports are
 * free; devtools and the monitor join it with `nsenter`. devtools compiles in
 * a scratch project (symlinks to src/, boards/, node_modules/) so its
 * .devicescript/ output cannot collide with the VM suite's builds.
 *
 * Where the whole stream arrives it is checked line for line: every protocol
 * line the host simulator emits, in order, 0 gaps, and the model `bareheap
 * view` draws from the host simulator's stream.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createRequire } from "node:module"
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest"
import { BAREHEAP, firmwareStream, modelSection, ROOT } from "../helpers/firmware_stream"
import { Processes } from "../helpers/processes"

const NETNS = join(ROOT, "tests", "helpers", "netns.py")
const DEVICE = join(ROOT, "tests", "helpers", "jacdac_logger_device.ts")
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
    test("a Jacdac device on devtools' bus logs the stream through the logger service: whole stream, 0 gaps, the host model", async () => {
        // The test is the device: a second WebSocket client of devtools that announces a logger service and
        // reports each line as a logger message. devtools relays its frames to the monitor, which decodes
        // them with jacdac-ts, and relays the monitor's MinPriority writes back.
        const ns = await namespace()
        const inNs = (args: string[]) => ["-t", String(ns), "-n", ...args]
        const devtools = procs.start("nsenter", inNs([process.execPath, DEVS, "--no-colors", "devtools"]), { cwd: project })
        await devtools.waitFor(/websocket\s*: ws:\/\/127\.0\.0\.1:8081/, 30_000)
        const raw = join(dir, "logger.bin")
        const monitor = procs.start("nsenter", inNs([process.execPath, BAREHEAP, "monitor", "--devtools", "--plain", "--record", raw]), { cwd: ROOT })
        await monitor.waitFor(/^monitor: connected to ws:\/\/127\.0\.0\.1:8081$/m, 30_000)
        // The device joins the namespace through a small Node program (tests/helpers/jacdac_logger_device.ts).
        const device = procs.start("nsenter", inNs([process.execPath, "--import", "tsx", DEVICE, stream.file]), { cwd: ROOT })
        await device.waitFor(/^min priority set: 0$/m, 30_000) // the monitor asked the logger for everything
        await device.waitFor(/^sent \d+ lines$/m, 30_000)
        await monitor.waitFor(/^line \d+: phase done$/m, 30_000)
        await new Promise(r => setTimeout(r, 1000))
        monitor.kill("SIGINT")
        expect(await monitor.exitWithin(20_000), monitor.all).toBe(0)
        const out = monitor.out
        expect(out).toContain(`stream: ${stream.lines.length} lines, `)
        expect(out).toMatch(/, 0 gaps, 0 anomalies/)
        expect(modelSection(out)).toBe(stream.model)
        const recorded = readFileSync(raw, "utf8").split("\n").filter(l => l.startsWith("> ~")).map(l => l.slice(2))
        expect(recorded).toEqual(stream.lines)
    }, 120_000)

    test("--sim: devtools starts its simulator for the monitor, whose console reaches it through devtools' side channel", async () => {
        // What is checked is the side channel (output events of devtools' simulator). Whether devtools then
        // deploys the program in time is devtools' part: its 3 s deploy timeout is often missed on a busy
        // machine (the monitor retries), so the test stops once the simulator's own console has arrived.
        const ns = await namespace()
        const inNs = (args: string[]) => ["-t", String(ns), "-n", ...args]
        const devtools = procs.start("nsenter", inNs([process.execPath, DEVS, "--no-colors", "devtools"]), { cwd: project })
        await devtools.waitFor(/websocket\s*: ws:\/\/127\.0\.0\.1:8081/, 30_000)
        const raw = join(dir, "sim.bin")
        const monitor = procs.start("nsenter", inNs([process.execPath, BAREHEAP, "monitor", "--devtools", "--sim", "src/main.ts", "--plain", "--record", raw]), { cwd: ROOT })
        for (let t = 0; t < 600 && !/^self-device: [0-9a-f]{16}\//m.test(existsSync(raw) ? readFileSync(raw, "utf8") : ""); t++) await new Promise(r => setTimeout(r, 100))
        expect(readFileSync(raw, "utf8"), monitor.all + devtools.all.slice(-2000)).toMatch(/^self-device: [0-9a-f]{16}\/\w+$/m)
        monitor.kill("SIGINT")
        expect([0, 1]).toContain(await monitor.exitWithin(20_000))
        expect(monitor.err).not.toMatch(/Error:|at async/)
    }, 120_000)

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
