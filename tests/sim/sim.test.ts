/**
 * `npm start` as a user runs it: the firmware's main job in the host
 * simulator for each board and allocator, its summary, and its errors.
 */
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { describe, expect, test } from "vitest"
import { StreamDecoder, stripTransport } from "../../sim/decoder"
import { HeapViewer } from "../../sim/viewer"

function start(args: string[]) {
    const r = spawnSync("node", ["bin/bareheap.mjs", "start", ...args], { encoding: "utf8", timeout: 120_000 })
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" }
}

describe("npm start (sim/run.ts)", () => {
    test("default: pico with buddy streams a strictly decodable protocol and prints the maps", () => {
        const r = start([])
        expect(r.status, r.stderr).toBe(0)
        const lines = r.stdout.split("\n")
        const decoder = new StreamDecoder()
        let events = 0
        lines.forEach((l, i) => {
            if (l.startsWith("~") && decoder.push(stripTransport(l), i + 1)) events++
        })
        expect(events).toBeGreaterThan(120)
        expect(decoder.header.board).toBe("pico")
        expect(decoder.header.allocator).toBe("buddy")
        expect(decoder.blocks()).toHaveLength(1) // the demo's leaked config string
        expect(decoder.anomalies).toHaveLength(0)
        expect(r.stdout).toContain("Raspberry Pi Pico (RP2040) memory map")
        expect(r.stdout).toContain("└ heap 0x20020000–0x20027fff")
        expect(r.stdout).toMatch(/heap at the peak of phase "burst": \d+ live blocks, \d+ B requested/)
        expect(r.stdout).toMatch(/heap at the peak of phase "coalesce": 2 live blocks/)
        expect(r.stdout).toMatch(/OOM hook: 2 calls for 2 requests, 1 recovered/)
    })

    test("the README's sample stream is what npm start prints", () => {
        const readme = readFileSync("README.md", "utf8")
        const block = /```\n(~H 0 [^`]*?)\.\.\.\n```/.exec(readme)
        expect(block, "README has a sample stream starting with ~H").not.toBeNull()
        const sample = block[1].trimEnd().split("\n")
        const r = start([])
        expect(r.stdout.split("\n").slice(0, sample.length)).toEqual(sample)
    })

    test.each([
        ["esp32c3", "bump"],
        ["esp32s2", "buddy"],
        ["esp32", "bump"],
    ])("--board %s --allocator %s", (board, allocator) => {
        const r = start(["--board", board, "--allocator", allocator, "--quiet"])
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).not.toMatch(/^~/m)
        expect(r.stdout).toContain(`allocator ${allocator}`)
        expect(r.stdout).toMatch(/0 gaps, 0 anomalies/)
    })

    test("--debug full --track: the demo runs under both layers, scans clean and reports its one leak", () => {
        const r = start(["--allocator", "tlsf", "--debug", "full", "--track"])
        expect(r.status, r.stderr).toBe(0)
        const decoder = new StreamDecoder()
        r.stdout.split("\n").forEach((l, i) => {
            if (l.startsWith("~")) decoder.push(stripTransport(l), i + 1)
        })
        expect(decoder.header.allocator).toBe("tlsf")
        expect(decoder.anomalies).toHaveLength(0)
        expect(decoder.blocks()).toHaveLength(1)
        expect(r.stdout).toContain("debug (full): 0 new check failures found by the final scan, 0 recorded in all")
        expect(r.stdout).toMatch(/leak report \(tracking\):\n1 live block, 20 bytes: string 1 \(20 B\)/)
        expect(r.stdout).toMatch(/min ever free \d+ B, largest request 8192 B/)
    })

    test.each(["buddy", "bump", "tlsf", "pool"])("--debug light --allocator %s decodes with no anomalies", allocator => {
        const r = start(["--allocator", allocator, "--debug", "light", "--quiet"])
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toMatch(/0 gaps, 0 anomalies/)
        expect(r.stdout).toContain("debug (light): 0 new check failures")
    })

    test("an unknown debug level is a clear error", () => {
        const r = start(["--debug", "paranoid"])
        expect(r.status).toBe(2)
        expect(r.stderr).toContain('unknown debug level "paranoid"; known levels: off, light, full')
    })

    test.each(["system", "multi"])("--debug light --allocator %s runs the demo with a clean stream (debug wraps views too)", allocator => {
        const r = start(["--allocator", allocator, "--debug", "light"])
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toMatch(/\b0 gaps, 0 anomalies/)
    })

    test("--help explains the options", () => {
        const r = start(["--help"])
        expect(r.status).toBe(0)
        expect(r.stdout).toContain("--board <id>")
        expect(r.stdout).toContain("--allocator <kind>")
    })

    test("an unknown board is a clear error listing the known ones", () => {
        const r = start(["--board", "arduino"])
        expect(r.status).toBe(2)
        expect(r.stderr).toContain('unknown board "arduino"')
        expect(r.stderr).toContain("pico, pico_w, esp32")
    })

    test("an unknown allocator is a clear error", () => {
        const r = start(["--allocator", "malloc"])
        expect(r.status).toBe(2)
        expect(r.stderr).toContain('unknown allocator "malloc"; known allocators: buddy, bump, tlsf, pool')
    })

    test("a bad option is a clear error", () => {
        const r = start(["--stats-every", "two"])
        expect(r.status).toBe(2)
        expect(r.stderr).toContain("--stats-every must be a whole number")
    })
})

function view(args: string[], input?: string) {
    const r = spawnSync("node", ["bin/bareheap.mjs", "view", ...args], { encoding: "utf8", timeout: 60_000, input })
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" }
}

describe("npm run view (sim/view.ts): the viewer over a captured log", () => {
    const captured = start(["--board", "pico_w"]).stdout
    // As a board's serial port shows it: "> " before every console line, other output between.
    const serial = "boot: DeviceScript\r\n" + captured.split("\n").filter(l => l.startsWith("~")).map(l => "> " + l + "\r").join("\n")

    test("decodes a serial capture and draws the board and its heap", () => {
        const r = view([], serial)
        expect(r.status, r.stderr).toBe(0)
        expect(r.stdout).toContain("Raspberry Pi Pico W (RP2040) memory map")
        expect(r.stdout).toMatch(/heap at the peak of phase "readings": 1 live block, 8192 B requested/)
        expect(r.stdout).toMatch(/0 gaps, 0 anomalies/)
    })

    test("a lost line is an error naming the line, or a recorded gap with --allow-gaps", () => {
        const lines = serial.split("\n")
        const lossy = [...lines.slice(0, 20), ...lines.slice(23)].join("\n")
        const strict = view([], lossy)
        expect(strict.status).toBe(1)
        expect(strict.stderr).toMatch(/line 21: .*gap/)
        const lenient = view(["--allow-gaps"], lossy)
        expect(lenient.status, lenient.stderr).toBe(0)
        expect(lenient.stdout).toMatch(/1 gaps/)
    })

    test("a missing file is a clear error", () => {
        const r = view(["no-such.log"])
        expect(r.status).toBe(2)
        expect(r.stderr).toContain("cannot read no-such.log")
    })
})

describe("the viewer's summary (sim/viewer.ts)", () => {
    test("shows resize classes, OOM hook calls and recoveries, check failures and the leak report by kind", () => {
        const viewer = new HeapViewer()
        for (const line of [
            "~H 0 2 pico buddy 20020000 8000 1000 7ff 0",
            "~A 1 0 10 4",
            "~R 2 0 0 10 20 4",
            "~R 3 0 100 20 8 4",
            "~O 4 A 9000 4 1 1",
            "~F 5 100 8 4",
            "~O 6 A 9000 4 2 0",
            "~X 7 A 9000 4",
            "~O 8 A 40 8 1 1",
            "~A 9 200 40 8",
            "~A a 300 c 4",
            "~C b 9 400",
            "~L c 200 40 8 vec",
            "~L d 300 c 4 box",
            "~S e 80 7f80 100 7f00 2 3 1 1 9000",
        ])
            viewer.push(line)
        const text = viewer.render()
        expect(text).toContain("resizes: 1 grow in place, 0 grow moved, 0 shrink in place, 1 shrink moved, 0 same size")
        expect(text).toContain("OOM hook: 3 calls for 2 requests, 1 recovered")
        expect(text).toContain("debug checks failed: 1")
        expect(text).toContain("leak report (line 13): 2 live blocks, 76 B\n  box: 1 block, 12 B\n  vec: 1 block, 64 B")
        expect(text).toContain("peak request 36864 B")
        expect(text).toMatch(/anomaly \(line 12\): check-failed: .*write-after-free \(code 9\) at 0x20020400/)
    })

    test("a stream without those events shows none of their lines", () => {
        const viewer = new HeapViewer()
        for (const line of ["~H 0 1 pico buddy 20020000 8000 1000 ff 0", "~A 1 20020000 10 4", "~S 2 40 7fc0 40 7fc0 1 1 0 0"]) viewer.push(line)
        const text = viewer.render()
        expect(text).not.toMatch(/resizes:|OOM hook:|debug checks failed|leak report|peak request/)
        expect(text).toContain("last stats: in use 64 B")
    })
})

describe("option errors are bareheap's own (cli/args.ts)", () => {
    test.each([
        [["--stats-every", "-1"], '--stats-every must be a whole number ≥ 0, not "-1"'],
        [["--boad", "pico"], 'unknown option "--boad"'],
        [["--board"], "option --board needs a value"],
        [["--track=yes"], 'option --track takes no value, got "yes"'],
        [["pico"], 'unexpected argument "pico" (this command takes options only)'],
    ])("start %j", (args, message) => {
        const r = start(args)
        expect(r.status).toBe(2)
        expect(r.stderr).toContain(`error: ${message}`)
        expect(r.stderr).not.toMatch(/ambiguous|ERR_PARSE_ARGS/)
    })

    test("npm start --board x (the -- forgotten): a hint about --", () => {
        const r = spawnSync("npm", ["start", "--silent", "--board", "esp32s2"], { encoding: "utf8", timeout: 60_000 })
        expect(r.status).toBe(2)
        expect(r.stderr).toContain("npm took --board for itself (the `--` before the options is missing)")
        expect(r.stderr).toContain("npm start -- --board")
    })

    test("every verb has --help", () => {
        for (const verb of ["start", "vm", "view"]) {
            const r = spawnSync("node", ["bin/bareheap.mjs", verb, "--help"], { encoding: "utf8" })
            expect(r.status, verb).toBe(0)
            expect(r.stdout, verb).toMatch(new RegExp(`^Usage: bareheap ${verb}`))
        }
    })
})
